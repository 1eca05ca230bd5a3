"""The register of state-funded science and technology tasks and its public page."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from conftest import csrf_token

import database
from extensions import db
from models import AuditEvent, ScienceTask
from services.reporting import science

pytest_plugins = ["staff_fixtures"]

LIST = "/staff/admin/science-tasks"
GOOD = {
    "name": "Ứng dụng công nghệ sinh học trong nhân giống hồi",
    "owner": "TS. Hoàng Văn Lâm — Trung tâm Ứng dụng KH&CN",
    "budget_source": "Sự nghiệp khoa học tỉnh Lạng Sơn",
    "status": "in_progress",
    "published_on": "",
    "publication_link": "",
    "summary": "Nhân giống cây hồi\nbằng nuôi cấy mô.",
}


def _task(app, name="Nhiệm vụ", status="completed", published_on=None, link=None) -> int:
    with app.app_context():
        task = ScienceTask(
            name=name,
            owner="Sở KH&CN",
            budget_source="Ngân sách tỉnh",
            status=status,
            published_on=published_on,
            publication_link=link,
        )
        db.session.add(task)
        database.commit()
        return task.id


def _count(app) -> int:
    with app.app_context():
        return ScienceTask.query.count()


def _form(client, path=LIST) -> dict:
    return {**GOOD, "csrf_token": csrf_token(client.get(path).get_data(as_text=True))}


def test_admin_adds_a_task_and_it_is_audited(app, staff_client):
    client = staff_client("admin")
    data = {**_form(client), "published_on": "2026-01-15", "publication_link": "https://x.vn/a"}
    response = client.post(LIST, data=data)
    assert response.status_code == 303
    with app.app_context():
        task = ScienceTask.query.one()
        assert (task.name, task.status, task.published_on) == (
            GOOD["name"],
            "in_progress",
            dt.date(2026, 1, 15),
        )
        assert task.is_published and task.summary == "Nhân giống cây hồi\nbằng nuôi cấy mô."
        assert AuditEvent.query.filter_by(action="science_task_added").count() == 1
    page = client.get(LIST).get_data(as_text=True)
    assert "Ứng dụng công nghệ sinh học" in page and "Đang thực hiện" in page
    assert "15/01/2026" in page and "1/1 nhiệm vụ đã được công khai" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "  "}, "Nhập tên nhiệm vụ."),
        ({"owner": ""}, "Nhập chủ nhiệm hoặc đơn vị chủ trì."),
        ({"budget_source": ""}, "Nhập nguồn kinh phí."),
        ({"name": "x" * 301}, "Tên nhiệm vụ dài quá 300 ký tự."),
        ({"status": "done"}, "Chọn tình trạng trong danh sách."),
        ({"published_on": "future"}, "Ngày công khai không được sau hôm nay."),
        ({"published_on": "32/01/2026"}, "Ngày không hợp lệ"),
        ({"published_on": "1999-12-31"}, "Ngày công khai phải từ năm 2000 trở đi."),
        ({"publication_link": "javascript:alert(1)"}, "phải bắt đầu bằng http:// hoặc https://"),
        ({"publication_link": "ftp://x.vn/a"}, "phải bắt đầu bằng http:// hoặc https://"),
        ({"publication_link": "https://"}, "phải bắt đầu bằng http:// hoặc https://"),
    ],
)
def test_bad_values_are_refused_in_vietnamese_and_nothing_is_saved(
    app, staff_client, change, message
):
    client = staff_client("admin")
    if change.get("published_on") == "future":
        change = {"published_on": (dt.date.today() + dt.timedelta(days=2)).isoformat()}
    response = client.post(LIST, data={**_form(client), **change})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(app) == 0
    with app.app_context():
        assert AuditEvent.query.filter_by(action="science_task_added").count() == 0


def test_a_missing_csrf_token_saves_nothing(app, staff_client):
    client = staff_client("admin")
    assert client.post(LIST, data=GOOD).status_code == 400
    assert _count(app) == 0


def test_admin_publishes_a_task_by_editing_it(app, staff_client):
    task_id = _task(app, name="Nhiệm vụ A", status="in_progress")
    client = staff_client("admin")
    path = f"{LIST}/{task_id}"
    page = client.get(path).get_data(as_text=True)
    assert "Nhiệm vụ A" in page
    data = {
        **_form(client, path),
        "name": "Nhiệm vụ A (đã sửa)",
        "status": "completed",
        "published_on": "2026-03-05",
        "publication_link": "http://skhcn.langson.gov.vn/nv-a",
    }
    assert client.post(path, data=data).status_code == 303
    with app.app_context():
        task = db.session.get(ScienceTask, task_id)
        assert (task.name, task.status, task.published_on, task.publication_link) == (
            "Nhiệm vụ A (đã sửa)",
            "completed",
            dt.date(2026, 3, 5),
            "http://skhcn.langson.gov.vn/nv-a",
        )
        assert AuditEvent.query.filter_by(action="science_task_changed").count() == 1


def test_a_bad_edit_changes_nothing(app, staff_client):
    task_id = _task(app, name="Nhiệm vụ B", status="planned")
    client = staff_client("admin")
    path = f"{LIST}/{task_id}"
    data = {**_form(client, path), "name": "Tên mới", "publication_link": "javascript:x"}
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "http:// hoặc https://" in response.get_data(as_text=True)
    with app.app_context():
        task = db.session.get(ScienceTask, task_id)
        assert (task.name, task.publication_link) == ("Nhiệm vụ B", None)
        assert AuditEvent.query.filter_by(action="science_task_changed").count() == 0


def test_a_missing_task_is_not_found(staff_client):
    assert staff_client("admin").get(f"{LIST}/987654").status_code == 404


@pytest.mark.parametrize("who", ["teacher_a", "officer"])
def test_other_staff_are_refused(app, staff_client, staff_token, who):
    task_id = _task(app)
    client = staff_client(who)
    token = staff_token(client)
    for path in (LIST, f"{LIST}/{task_id}"):
        assert client.get(path).status_code == 403
        assert client.post(path, data={**GOOD, "csrf_token": token}).status_code == 403
    assert _count(app) == 1


def test_anonymous_visitors_are_sent_to_the_login(app, client):
    task_id = _task(app)
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    for path in (LIST, f"{LIST}/{task_id}"):
        for response in (client.get(path), client.post(path, data={**GOOD, "csrf_token": token})):
            assert response.status_code == 302
            assert urlsplit(response.headers["Location"]).path == "/staff/login"
    assert _count(app) == 1


def test_the_public_page_with_nothing_published(app, client):
    _task(app, name="Nhiệm vụ chưa công khai", status="in_progress")
    response = client.get("/nhiem-vu-khoa-hoc")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Chưa có nhiệm vụ nào được công khai." in html
    assert "0/1 nhiệm vụ đã được công khai" in html
    assert "Nhiệm vụ chưa công khai" not in html
    assert "og:title" in html and 'lang="vi"' in html


def test_the_public_page_lists_published_tasks_only_and_escapes_names(app, client):
    _task(
        app,
        name='<script>alert("x")</script> Nhiệm vụ công khai',
        published_on=dt.date(2026, 2, 5),
        link="https://skhcn.langson.gov.vn/a?x=1&y=2",
    )
    _task(app, name="Chỉ có ngày", published_on=dt.date(2026, 2, 6))
    _task(app, name="Chỉ có đường dẫn", link="https://x.vn/b")
    _task(app, name="Đang làm", status="in_progress")
    _task(
        app,
        name="Đã hủy",
        status="cancelled",
        published_on=dt.date(2026, 1, 1),
        link="https://x.vn/c",
    )
    html = client.get("/nhiem-vu-khoa-hoc").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Nhiệm vụ công khai" in html
    assert "05/02/2026" in html and "Sở KH&amp;CN" in html and "Ngân sách tỉnh" in html
    assert 'href="https://skhcn.langson.gov.vn/a?x=1&amp;y=2" rel="noopener nofollow"' in html
    for hidden_name in ("Chỉ có ngày", "Chỉ có đường dẫn", "Đang làm", "Đã hủy"):
        assert hidden_name not in html
    assert "1/4 nhiệm vụ đã được công khai" in html


def test_the_public_page_is_the_same_for_staff(app, staff_client):
    assert staff_client("teacher_a").get("/nhiem-vu-khoa-hoc").status_code == 200


def test_published_share_excludes_cancelled_tasks(app):
    with app.app_context():
        assert science.published_share() == (0, 0)
    day, link = dt.date(2026, 1, 2), "https://x.vn/1"
    _task(app, status="completed", published_on=day, link=link)
    _task(app, status="in_progress", published_on=day, link=link)
    _task(app, status="planned")
    _task(app, status="completed", published_on=day)  # no link: not published
    _task(app, status="completed", link=link)  # no date: not published
    _task(app, status="cancelled", published_on=day, link=link)
    _task(app, status="cancelled")
    with app.app_context():
        assert science.published_share() == (2, 5)
        # Same day: the later entry first.
        assert [t.status for t in science.published_tasks()] == ["in_progress", "completed"]


def test_check_cleans_values(app):
    today = dt.date(2026, 6, 1)
    values, errors = science.check(
        name="  Nhiệm  vụ   một ",
        owner="Ông A",
        budget_source="Tỉnh",
        status="planned",
        published_on=today,
        publication_link=" https://x.vn/a ",
        summary="",
        today=today,
    )
    assert errors == {}
    assert (values["name"], values["publication_link"]) == ("Nhiệm vụ một", "https://x.vn/a")
    _values, errors = science.check(
        name="",
        owner="",
        budget_source="",
        status=None,
        published_on=today + dt.timedelta(days=1),
        publication_link="mailto:a@x.vn",
        summary="x" * 4001,
        today=today,
    )
    assert errors == {
        "name": "required",
        "owner": "required",
        "budget_source": "required",
        "status": "unknown",
        "published_on": "future",
        "publication_link": "scheme",
        "summary": "too_long",
    }
