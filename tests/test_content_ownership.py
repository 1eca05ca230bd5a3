"""Content ownership across communes (issue 17, tenancy step 6): one province curriculum every
commune uses, items a commune adds for itself, and a commune's edits that change no other
commune's lessons. A commune's edit of a province topic is its shadow lesson and its own
version of the same quiz, so attempts, targets and certificates keep one quiz id."""

import pytest
from conftest import mark_training
from helpers import HALF_RIGHT, answer_form
from test_authoring import BASE, editor, fill, press, write_topic

import database
from extensions import db
from models import Attempt, ContentDraft, Lesson, Quiz, StaffUser
from models.content import SHADOWS
from services.common.periods import Period
from services.content import resolve
from services.org.units import create_unit
from services.reporting import indicators

pytest_plugins = ["staff_fixtures"]

PROVINCE_BODY = "Không bao giờ đưa"  # a phrase of the fixture lesson 'an-toan'
A_BODY = "Bài riêng của xã Hoàng Văn Thụ: gọi số 113 khi bị lừa."
ALL_RIGHT_V1 = {"otp": "a", "dau-hieu": ["a", "b"], "cap-nhat": "true", "ung-dung": "a"}
ALL_RIGHT_A = HALF_RIGHT | {"dau-hieu": ["a", "b"]}  # in A's version, 'otp' is b


@pytest.fixture
def commune_b(app, content, staff, places):
    """A second commune, Xã Hoàng Đồng, with a village and its own admin."""
    with app.app_context():
        commune = create_unit("commune", "Xã Hoàng Đồng", target_population=800)
        village = create_unit("village", "Thôn Khòn Pần", commune, target_population=200)
        admin = db.session.scalars(db.select(StaffUser).filter_by(role="admin")).first()
        admin_b = StaffUser(
            username="admin.hoangdong",
            display_name="Văn phòng xã Hoàng Đồng",
            password_hash=admin.password_hash,  # the fixtures' password
            role="admin",
            commune_id=commune.id,
        )
        db.session.add(admin_b)
        database.commit()
        return {"commune": commune.id, "village": village.id, "admin": admin_b.username}


def learner(app, identify, unit_id=None, name="Nguyễn Thị Hoa"):
    client = app.test_client()
    if unit_id is None:
        identify(client, name=name)
    else:
        identify(client, name=name, unit=None, unit_id=str(unit_id))
    return client


def body(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def errors_on(response) -> list[str]:
    import re

    html = response.get_data(as_text=True)
    return re.findall(r'class="[^"]*(?:error|alert)[^"]*"[^>]*>(.*?)<', html, re.S)


def edit_as_commune(client, values: dict, correct_otp: str | None = None):
    form = fill(editor(client, "topic", "an-toan"), values)
    if correct_otp is not None:
        form.setlist("quiz.questions[0].correct", [correct_otp])
    response = press(client, "topic", "an-toan", form, "publish")
    assert response.status_code == 303, (response.status_code, errors_on(response))


def test_a_communes_edit_of_a_province_topic_reaches_only_its_own_learners(
    app, commune_b, staff_client, login, identify, places
):
    with app.app_context():
        province = Lesson.query.filter_by(slug="an-toan").one()
        before = (province.body_markdown, province.content_hash, province.edited_at)
        quiz_id = province.quiz.id
    admin_a = staff_client("admin")
    edit_as_commune(admin_a, {"lesson.body": A_BODY}, correct_otp="b")

    with app.app_context():
        province = Lesson.query.filter_by(slug="an-toan").one()  # the origin, never a shadow
        assert (province.body_markdown, province.content_hash, province.edited_at) == before
        quiz = db.session.get(Quiz, quiz_id)
        v1, v2 = quiz.versions
        assert (v1.commune_id, v2.commune_id) == (None, places["commune"])
        assert v2.based_on_id == v1.id and quiz.current_version == v1
        shadow = resolve.shadow_of(province, places["commune"])
        assert shadow.body_markdown == A_BODY and shadow.slug == "an-toan"
        assert resolve.shadow_of(province, commune_b["commune"]) is None
        assert ContentDraft.query.count() == 0
        v1_id, v2_id = v1.id, v2.id

    # B's learners read and answer the province's topic; A's learners read A's.
    in_b = learner(app, identify, commune_b["village"], name="Hoàng Văn Pần")
    lesson_b = body(in_b, "/lessons/an-toan")
    assert PROVINCE_BODY in lesson_b and A_BODY not in lesson_b
    assert f'value="{v1_id}"' in body(in_b, "/quizzes/an-toan")
    in_a = learner(app, identify)
    lesson_a = body(in_a, "/lessons/an-toan")
    assert "gọi số 113 khi bị lừa" in lesson_a and PROVINCE_BODY not in lesson_a
    page = body(in_a, "/quizzes/an-toan")
    assert f'value="{v2_id}"' in page and f'value="{v1_id}"' not in page

    # B's own edit afterwards is B's alone: A's learners keep A's text.
    admin_b = app.test_client()
    login(admin_b, commune_b["admin"])
    assert A_BODY not in body(admin_b, f"{BASE}/topic/an-toan/edit")
    edit_as_commune(admin_b, {"lesson.body": "Bài của xã Hoàng Đồng."})
    assert "Phiên bản hiện tại: 1" in body(admin_b, f"{BASE}/topic/an-toan")  # not A's 2
    assert "Phiên bản hiện tại: 2" in body(admin_a, f"{BASE}/topic/an-toan")
    assert "gọi số 113 khi bị lừa" in body(in_a, "/lessons/an-toan")
    assert "Bài của xã Hoàng Đồng." in body(in_b, "/lessons/an-toan")
    with app.app_context():
        shadows = db.session.scalars(
            db.select(Lesson.commune_id)
            .where(Lesson.origin_id.is_not(None))
            .execution_options(**{SHADOWS: True})
        ).all()
        assert sorted(shadows) == sorted([places["commune"], commune_b["commune"]])
        assert len(db.session.get(Quiz, quiz_id).versions) == 2  # B changed no question
        assert Lesson.query.filter_by(slug="an-toan").one().content_hash == before[1]

    # A's learner passes A's version: the attempt keeps the origin quiz and counts as trained.
    mark_training(app)  # only now: editing a training quiz would need a larger bank
    assert in_a.post("/quizzes/an-toan", data=answer_form(page, ALL_RIGHT_A)).status_code == 303
    page_b = body(in_b, "/quizzes/an-toan")
    assert in_b.post("/quizzes/an-toan", data=answer_form(page_b, ALL_RIGHT_V1)).status_code == 303
    with app.app_context():
        by_version = {a.quiz_version_id: a for a in Attempt.query}
        assert set(by_version) == {v1_id, v2_id}
        assert {a.quiz_id for a in by_version.values()} == {quiz_id}
        assert by_version[v2_id].passed and by_version[v1_id].passed
        trained = indicators.trained_by_unit(Period())
        assert trained == {places["village"]: 1, commune_b["village"]: 1}


def test_a_commune_cannot_withdraw_the_provinces_topic(app, commune_b, staff_client):
    admin_a = staff_client("admin")
    page = body(admin_a, f"{BASE}/topic/an-toan")
    seen = page.split('name="seen" value="', 1)[1].split('"', 1)[0]
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = admin_a.post(
        f"{BASE}/topic/an-toan/withdraw", data={"csrf_token": token, "seen": seen}
    )
    assert response.status_code == 403
    assert "bài chung của tỉnh" in response.get_data(as_text=True)
    with app.app_context():
        assert Lesson.query.filter_by(slug="an-toan").one().status == "published"


def test_a_communes_own_topic_is_invisible_to_another_communes_learners_and_authors(
    app, commune_b, staff_client, login, identify, places
):
    admin_a = staff_client("admin")
    slug = write_topic(admin_a, "Bài riêng của xã A", slug="bai-rieng-xa-a")
    with app.app_context():
        lesson = Lesson.query.filter_by(slug=slug).one()
        assert lesson.commune_id == lesson.quiz.commune_id == places["commune"]
    in_a = learner(app, identify)
    assert "Bài riêng của xã A" in body(in_a, f"/lessons/{slug}")
    assert "Bài riêng của xã A" in body(in_a, "/")
    in_b = learner(app, identify, commune_b["village"], name="Hoàng Văn Pần")
    body(in_b, f"/lessons/{slug}", 404)
    body(in_b, f"/quizzes/{slug}", 404)
    assert "Bài riêng của xã A" not in body(in_b, "/")

    admin_b = app.test_client()
    login(admin_b, commune_b["admin"])
    assert "Bài riêng của xã A" not in body(admin_b, f"{BASE}/")
    body(admin_b, f"{BASE}/topic/{slug}", 404)
    # Its id stays taken for every commune: /lessons/<id> names one topic everywhere.
    page = body(admin_b, f"{BASE}/topic/new")
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    refused = admin_b.post(
        f"{BASE}/topic/new", data={"csrf_token": token, "title": "Bài của B", "slug": slug}
    )
    assert refused.status_code == 409
    assert "Mã này đã có bài khác dùng" in refused.get_data(as_text=True)


def test_one_commune_still_edits_the_provinces_rows(app, content, staff, staff_client):
    """While the deployment has one commune, no other commune can be touched: its admin edits
    the curriculum itself, as before (and `flask content load` leaves that edit alone)."""
    edit_as_commune(staff_client("admin"), {"lesson.body": A_BODY})
    with app.app_context():
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        assert lesson.body_markdown == A_BODY and lesson.edited_at is not None
        assert lesson.commune_id is None
