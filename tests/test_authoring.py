"""Authoring in the browser: drafts and publishing, versions that keep old attempts right,
who may edit what, teacher topics seen only through their classes, the bundled files left
alone after office edits, and the schema's messages in Vietnamese next to their fields."""

import ast
import re
from urllib.parse import urlsplit

import pytest
from authoring_helpers import read_form
from conftest import FIXTURE_CONTENT, ROOT, csrf_token
from helpers import HALF_RIGHT, answer_form, survey_form
from werkzeug.datastructures import MultiDict

import database
from extensions import db
from models import (
    Attempt,
    AuditEvent,
    ContentDraft,
    Lesson,
    Poster,
    Quiz,
    Survey,
    SurveyResponse,
    Unit,
)
from services.common.periods import Period
from services.content import authoring, schema_messages
from services.content import loader as content_loader
from services.reporting import unit_reports as reports
from services.tally import training

pytest_plugins = ["staff_fixtures"]

BASE = "/staff/content"


# --- driving the editor like a browser ---------------------------------------------------


def new_item(client, kind: str, title: str, slug: str = "") -> str:
    page = client.get(f"{BASE}/{kind}/new").get_data(as_text=True)
    response = client.post(
        f"{BASE}/{kind}/new", data={"csrf_token": csrf_token(page), "title": title, "slug": slug}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    path = urlsplit(response.headers["Location"]).path
    return path.removeprefix(f"{BASE}/{kind}/").removesuffix("/edit")


def editor(client, kind: str, slug: str, html: str | None = None) -> MultiDict:
    if html is None:
        page = client.get(f"{BASE}/{kind}/{slug}/edit")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
    return read_form(html, f"{BASE}/{kind}/{slug}/edit")


def press(client, kind: str, slug: str, form: MultiDict, action: str, **extra):
    data = MultiDict(form)
    data.setlist("action", [action])
    for name, value in extra.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return client.post(f"{BASE}/{kind}/{slug}/edit", data=data)


def fill(form: MultiDict, values: dict) -> MultiDict:
    for name, value in values.items():
        form.setlist(name, value if isinstance(value, list) else [value])
    return form


def add_question(client, kind, slug, form, qtype) -> MultiDict:
    response = press(client, kind, slug, form, "add_question", new_type=qtype)
    assert response.status_code == 200, response.get_data(as_text=True)
    return editor(client, kind, slug, response.get_data(as_text=True))


TOPIC_FIELDS = {
    "summary": "Hai câu hỏi ngắn.",
    "topic": "An toàn",
    "audience": ["villager", "student"],
    "minutes": "3",
    "sources": "Sổ tay an toàn số",
    "lesson.body": "## Mã OTP\nKhông đưa **mã OTP** cho ai.",
    "quiz.pass_mark": "50",
    "quiz.max_attempts": "0",
}
QUESTIONS = {
    "quiz.questions[0].text": "Ai được biết mã OTP?",
    "quiz.questions[0].choices[0].text": "Người gọi điện",
    "quiz.questions[0].choices[1].text": "Chỉ mình bạn",
    "quiz.questions[0].correct": "b",
    "quiz.questions[0].explanation": "OTP chỉ dành cho bạn.",
    "quiz.questions[1].text": "Nên cập nhật điện thoại.",
    "quiz.questions[1].tf": "true",
    "quiz.questions[1].explanation": "Bản cập nhật vá lỗi.",
}


def write_topic(client, title="Kiểm tra nhanh", slug="") -> str:
    """A two-question topic written and published through the editor; returns its id."""
    slug = new_item(client, "topic", title, slug)
    form = editor(client, "topic", slug)
    form = add_question(client, "topic", slug, form, "single")
    form = add_question(client, "topic", slug, form, "true_false")
    response = press(client, "topic", slug, fill(form, TOPIC_FIELDS | QUESTIONS), "publish")
    assert response.status_code == 303, response.get_data(as_text=True)
    return slug


def item_button(client, kind, slug, button: str):
    """Press one of the item page's buttons (publish, withdraw, discard, promote)."""
    html = client.get(f"{BASE}/{kind}/{slug}").get_data(as_text=True)
    form = read_form(html, f"{BASE}/{kind}/{slug}/{button}")
    return client.post(f"{BASE}/{kind}/{slug}/{button}", data=form)


def learner(app, identify, **who):
    client = app.test_client()
    identify(client, **who)
    return client


# --- writing and publishing --------------------------------------------------------------


def test_an_admin_writes_and_publishes_a_topic_that_learners_then_take(
    app, staff, staff_client, identify
):
    admin = staff_client("admin")
    slug = write_topic(admin, "Điện thoại an toàn")
    assert slug == "dien-thoai-an-toan"
    with app.app_context():
        lesson = Lesson.query.filter_by(slug=slug).one()
        assert lesson.status == "published" and lesson.commune_wide and lesson.edited_at
        version = lesson.quiz.current_version
        assert version.number == 1 and version.created_by.username == "admin.xa"
        assert [q["id"] for q in version.questions] == ["cau-1", "cau-2"]
        assert version.questions[0]["answer"] == "b" and version.questions[1]["answer"] is True
        assert version.pass_mark == 50
        assert ContentDraft.query.count() == 0

    villager = learner(app, identify)
    assert "Điện thoại an toàn" in villager.get("/").get_data(as_text=True)
    assert "<strong>mã OTP</strong>" in villager.get(f"/lessons/{slug}").get_data(as_text=True)
    page = villager.get(f"/quizzes/{slug}").get_data(as_text=True)
    done = villager.post(
        f"/quizzes/{slug}", data=answer_form(page, {"cau-1": "b", "cau-2": "true"})
    )
    assert done.status_code == 303
    assert "100%" in villager.get(done.headers["Location"]).get_data(as_text=True)


def test_saving_a_draft_shows_the_schema_errors_in_vietnamese_next_to_the_fields(
    app, staff, staff_client
):
    admin = staff_client("admin")
    slug = new_item(admin, "topic", "Bài dở dang")
    form = fill(editor(admin, "topic", slug), {"title": "", "minutes": "45"})
    saved = press(admin, "topic", slug, form, "save")
    assert saved.status_code == 303
    html = admin.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu bản nháp" in html
    # Each message sits right after its field's label, in Vietnamese.
    assert re.search(
        r'for="title">[^<]*</label><p class="err"[^>]*>Không được để trống\.</p>', html
    )
    assert re.search(
        r'for="minutes">[^<]*</label><p class="err"[^>]*>Phải là số nguyên từ 1 đến 30', html
    )
    assert "Cần từ 2 đến 20 câu hỏi." in html
    assert "must be" not in html  # no English left
    with app.app_context():  # a draft is kept even with errors; nothing is live
        assert ContentDraft.query.filter_by(slug=slug).one().data["minutes"] == 45
        assert Lesson.query.filter_by(slug=slug).count() == 0


def test_publishing_refuses_a_draft_with_errors_and_names_them_like_content_check(
    app, staff, staff_client
):
    admin = staff_client("admin")
    slug = new_item(admin, "topic", "Thiếu đáp án")
    form = editor(admin, "topic", slug)
    form = add_question(admin, "topic", slug, form, "single")
    form = add_question(admin, "topic", slug, form, "single")
    values = TOPIC_FIELDS | {k: v for k, v in QUESTIONS.items() if "questions[1]" not in k}
    values |= {"quiz.questions[1].text": "Câu hai?", "quiz.questions[1].explanation": "Vì."}
    values |= {"quiz.questions[1].choices[0].text": "Một", "quiz.questions[1].choices[1].text": ""}
    response = press(admin, "topic", slug, fill(form, values), "publish")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    with app.app_context():
        draft = ContentDraft.query.filter_by(slug=slug).one()
        schema_errors = authoring.errors("topic", draft.data, FIXTURE_CONTENT)
        assert Lesson.query.filter_by(slug=slug).count() == 0
    # The same errors `flask content check` finds, each shown in Vietnamese.
    wheres = sorted(e.where for e in schema_errors)
    assert wheres == ["quiz.questions[1].answer", "quiz.questions[1].choices[1].text"]
    with app.test_request_context():
        for error in schema_errors:
            assert schema_messages.message(error) in html


def test_every_schema_message_has_a_vietnamese_form():
    """Every template the schema can produce (found in its source) is in VIETNAMESE."""
    templates = set()
    for name in ("schema.py", "survey_schema.py", "course_schema.py", "guard.py"):
        tree = ast.parse((ROOT / "services" / "content" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add"
                and getattr(node.func.value, "id", "") == "report"
            ):
                message = node.args[1]
                assert isinstance(message, ast.Constant), f"{name}: {ast.unparse(message)}"
                templates.add(message.value)
    assert templates, "no messages found"
    assert templates <= set(schema_messages.VIETNAMESE), templates - set(schema_messages.VIETNAMESE)


def test_the_markdown_preview_works_without_javascript_and_is_sanitised(app, staff, staff_client):
    admin = staff_client("admin")
    slug = new_item(admin, "topic", "Xem trước")
    body = "## Tiêu đề\n<script>alert(1)</script>\n[bấm](javascript:alert(1)) **đậm**"
    response = press(
        admin, "topic", slug, fill(editor(admin, "topic", slug), {"lesson.body": body}), "preview"
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    preview = html.split('id="xem-truoc"', 1)[1].split("</div>", 1)[0]
    assert "<h2>Tiêu đề</h2>" in preview and "<strong>đậm</strong>" in preview
    assert "<script" not in preview and 'href="javascript' not in preview
    assert "&lt;script&gt;" in html  # the text area keeps what was typed, escaped


def test_questions_are_added_moved_and_removed_and_keep_their_ids(app, staff, staff_client):
    admin = staff_client("admin")
    slug = new_item(admin, "topic", "Thứ tự")
    form = editor(admin, "topic", slug)
    for qtype in ("single", "multiple", "true_false"):
        form = add_question(admin, "topic", slug, form, qtype)
    assert form.getlist("quiz.questions[2].id") == ["cau-3"]
    form = fill(form, {"quiz.questions[0].text": "Một", "quiz.questions[2].text": "Ba"})
    moved = press(admin, "topic", slug, form, "up:2")
    form = editor(admin, "topic", slug, moved.get_data(as_text=True))
    ids = [form.get(f"quiz.questions[{i}].id") for i in range(3)]
    assert ids == ["cau-1", "cau-3", "cau-2"]
    assert form.get("quiz.questions[1].text") == "Ba"
    removed = press(admin, "topic", slug, form, "remove_question:0")
    form = editor(admin, "topic", slug, removed.get_data(as_text=True))
    added = add_question(admin, "topic", slug, form, "single")
    # A new question never takes an id used before in this item.
    ids = [added.get(f"quiz.questions[{i}].id") for i in range(3)]
    assert ids == ["cau-3", "cau-2", "cau-4"]
    choices = press(admin, "topic", slug, added, "add_choice:2")
    form = editor(admin, "topic", slug, choices.get_data(as_text=True))
    assert form.getlist("quiz.questions[2].choices[2].id") == ["c"]
    # A tampered id is not kept: the question gets a fresh one.
    form.setlist("quiz.questions[0].id", ["otp"])
    form = editor(
        admin, "topic", slug, press(admin, "topic", slug, form, "refresh").get_data(as_text=True)
    )
    assert form.get("quiz.questions[0].id") == "cau-5"
    with app.app_context():
        saved = ContentDraft.query.filter_by(slug=slug).one().data["quiz"]["questions"]
        assert [q["id"] for q in saved] == ["cau-5", "cau-2", "cau-4"]


def test_a_post_without_an_action_changes_nothing(app, staff, staff_client, staff_token):
    admin = staff_client("admin")
    slug = new_item(admin, "topic", "Không đổi")
    response = admin.post(
        f"{BASE}/topic/{slug}/edit", data={"csrf_token": staff_token(admin), "title": ""}
    )
    assert response.status_code == 400
    with app.app_context():
        assert ContentDraft.query.filter_by(slug=slug).one().data["title"] == "Không đổi"


# --- versions ----------------------------------------------------------------------------


def _report(app, unit_id):
    with app.app_context():
        stats = reports.unit_report("x", {unit_id}, Period()).quizzes
        return {s.title: {q.question_id: (q.answered, q.wrong) for q in s.questions} for s in stats}


def test_an_attempt_on_v1_keeps_its_score_and_item_analysis_after_v2_changes_the_answer(
    app, content, staff, staff_client, identify, places
):
    villager = learner(app, identify)
    page = villager.get("/quizzes/an-toan").get_data(as_text=True)
    result = villager.post("/quizzes/an-toan", data=answer_form(page, HALF_RIGHT))
    result_url = result.headers["Location"]
    with app.app_context():
        attempt = Attempt.query.one()
        before = (attempt.quiz_version_id, attempt.score_percent, attempt.passed)
    analysis_before = _report(app, places["village"])
    assert analysis_before["An toàn trên mạng"]["otp"] == (1, 1)  # answered b, wrong

    # The office changes question 1's right answer to b (the learner's answer) and publishes.
    admin = staff_client("admin")
    form = editor(admin, "topic", "an-toan")
    assert form.getlist("quiz.questions[0].correct") == ["a"]
    form.setlist("quiz.questions[0].correct", ["b"])
    assert press(admin, "topic", "an-toan", form, "publish").status_code == 303

    with app.app_context():
        quiz = Quiz.query.filter_by(slug="an-toan").one()
        assert [v.number for v in quiz.versions] == [1, 2]
        v1, v2 = quiz.versions
        assert v1.questions[0]["answer"] == "a" and v2.questions[0]["answer"] == "b"
        assert [q["id"] for q in v2.questions] == [q["id"] for q in v1.questions]
        attempt = Attempt.query.one()
        assert (attempt.quiz_version_id, attempt.score_percent, attempt.passed) == before
        assert attempt.version.number == 1
    assert _report(app, places["village"]) == analysis_before
    # The learner's result still says their answer to question 1 was wrong.
    review = villager.get(result_url).get_data(as_text=True)
    assert "Bạn chọn: Công an xã gọi điện" in review
    assert re.search(r"✗ Trả lời sai</span></p>\s*<p><strong>Ai được biết mã OTP", review)
    # A new attempt answers v2, where b is right.
    page = villager.get("/quizzes/an-toan?lan=2").get_data(as_text=True)
    assert f'value="{v2.id}"' in page


def test_editing_only_the_lesson_text_makes_no_new_quiz_version(app, content, staff, staff_client):
    admin = staff_client("admin")
    form = fill(editor(admin, "topic", "an-toan"), {"lesson.body": "Nội dung mới."})
    assert press(admin, "topic", "an-toan", form, "publish").status_code == 303
    with app.app_context():
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        assert lesson.body_markdown == "Nội dung mới."
        assert len(lesson.quiz.versions) == 1


def test_the_history_page_says_who_changed_what_and_when(app, content, staff, staff_client):
    admin = staff_client("admin")
    form = editor(admin, "topic", "an-toan")
    form.setlist("quiz.questions[0].correct", ["b"])
    form.setlist("title", ["An toàn khi dùng mạng"])
    press(admin, "topic", "an-toan", form, "publish")
    html = admin.get(f"{BASE}/topic/an-toan/history").get_data(as_text=True)
    assert "Tệp nội dung có sẵn" in html  # v1 came from the files
    assert "Phòng VH-XH" in html  # v2 by the admin
    assert "Câu 1: đổi đáp án đúng" in html and "Sửa tiêu đề" in html
    with app.app_context():
        event = AuditEvent.query.filter_by(action="content_published").one()
        assert event.target == "topic:an-toan" and event.detail["version"] == 2


# --- who may edit what -------------------------------------------------------------------

ITEM_PAGES = ["", "/edit", "/preview", "/history", "/translations/en", "/poster"]
ITEM_POSTS = ["/edit", "/publish", "/withdraw", "/discard", "/translations/tay", "/poster"]


def test_a_teacher_cannot_touch_another_teachers_topic_or_a_commune_topic(
    app, content, staff, staff_client, staff_token
):
    teacher_a = staff_client("teacher_a")
    mine = write_topic(teacher_a, "Bài của cô Hoa")
    teacher_b = staff_client("teacher_b")
    token = staff_token(teacher_b)
    for slug in (mine, "an-toan"):  # teacher A's topic, then the commune's
        for page in ITEM_PAGES:
            assert teacher_b.get(f"{BASE}/topic/{slug}{page}").status_code == 403, page
        for action in [*ITEM_POSTS, "/promote"]:
            response = teacher_b.post(
                f"{BASE}/topic/{slug}{action}",
                data={"csrf_token": token, "action": "save", "seen": "x", "title": "Của tôi"},
            )
            assert response.status_code == 403, action
        assert teacher_a.get(f"{BASE}/topic/{slug}/edit").status_code == (
            200 if slug == mine else 403
        )
    # Missing ids are "not found"; surveys are the office's.
    assert teacher_b.get(f"{BASE}/topic/khong-co/edit").status_code == 404
    assert teacher_b.get(f"{BASE}/survey/new").status_code == 403
    assert staff_client("officer").get(f"{BASE}/").status_code == 403
    listing = teacher_b.get(f"{BASE}/").get_data(as_text=True)
    assert "Bài của cô Hoa" not in listing and "An toàn trên mạng" not in listing
    with app.app_context():  # nothing changed
        assert Lesson.query.filter_by(slug=mine).one().title == "Bài của cô Hoa"
        assert Lesson.query.filter_by(slug="an-toan").one().edited_at is None


def test_a_promoted_topic_is_the_communes_and_its_teacher_no_longer_edits_it(
    app, staff, staff_client, participant_in_db
):
    teacher_a = staff_client("teacher_a")
    slug = write_topic(teacher_a, "Kiểm tra lớp 7A")
    admin = staff_client("admin")
    seen = read_form(
        teacher_a.get(f"{BASE}/topic/{slug}").get_data(as_text=True),
        f"{BASE}/topic/{slug}/withdraw",
    )
    assert teacher_a.post(f"{BASE}/topic/{slug}/promote", data=seen).status_code == 403
    assert item_button(admin, "topic", slug, "promote").status_code == 303
    assert teacher_a.get(f"{BASE}/topic/{slug}/edit").status_code == 403
    with app.app_context():
        assert Lesson.query.filter_by(slug=slug).one().commune_wide
        assert AuditEvent.query.filter_by(action="content_promoted").count() == 1


def test_a_button_pressed_on_a_stale_page_is_refused(app, content, staff, staff_client):
    admin = staff_client("admin")
    html = admin.get(f"{BASE}/topic/an-toan").get_data(as_text=True)
    stale = read_form(html, f"{BASE}/topic/an-toan/withdraw")
    assert item_button(admin, "topic", "an-toan", "withdraw").status_code == 303
    # The same button again, from the page shown before: the item has changed since.
    assert admin.post(f"{BASE}/topic/an-toan/withdraw", data=stale).status_code == 409


# --- what learners see -------------------------------------------------------------------


def test_a_draft_is_invisible_to_learners_and_previewed_by_staff(
    app, staff, staff_client, identify
):
    admin = staff_client("admin")
    slug = new_item(admin, "topic", "Bài chưa xong")
    villager = learner(app, identify)
    assert "Bài chưa xong" not in villager.get("/").get_data(as_text=True)
    assert villager.get(f"/lessons/{slug}").status_code == 404
    assert villager.get(f"/quizzes/{slug}").status_code == 404
    assert villager.get(f"/offline/topics/{slug}.json").status_code == 404
    # The identity form does not name it either.
    stranger = app.test_client()
    assert "Bài chưa xong" not in stranger.get(f"/identify?next=/lessons/{slug}").get_data(
        as_text=True
    )
    assert "Bài chưa xong" in admin.get(f"{BASE}/topic/{slug}/preview").get_data(as_text=True)


def test_a_withdrawn_topic_disappears_for_learners_and_its_results_stay(
    app, content, staff, staff_client, identify
):
    villager = learner(app, identify)
    page = villager.get("/quizzes/an-toan").get_data(as_text=True)
    villager.post("/quizzes/an-toan", data=answer_form(page, HALF_RIGHT))
    admin = staff_client("admin")
    assert item_button(admin, "topic", "an-toan", "withdraw").status_code == 303
    assert "An toàn trên mạng" not in villager.get("/").get_data(as_text=True)
    assert villager.get("/lessons/an-toan").status_code == 404
    assert villager.get("/quizzes/an-toan").status_code == 404
    with app.app_context():
        assert Attempt.query.count() == 1
    # Published again, it is back.
    assert item_button(admin, "topic", "an-toan", "publish").status_code == 303
    assert villager.get("/lessons/an-toan").status_code == 200


def test_editing_a_published_topic_changes_nothing_for_learners_until_published(
    app, content, staff, staff_client, identify
):
    admin = staff_client("admin")
    form = fill(editor(admin, "topic", "an-toan"), {"title": "Tiêu đề nháp"})
    assert press(admin, "topic", "an-toan", form, "save").status_code == 303
    villager = learner(app, identify)
    assert "Tiêu đề nháp" not in villager.get("/").get_data(as_text=True)
    assert "An toàn trên mạng" in villager.get("/").get_data(as_text=True)
    assert item_button(admin, "topic", "an-toan", "publish").status_code == 303
    assert "Tiêu đề nháp" in villager.get("/").get_data(as_text=True)


def test_a_teachers_topic_is_seen_only_through_their_classes(
    app, staff, staff_client, identify, places
):
    teacher_a = staff_client("teacher_a")
    slug = write_topic(teacher_a, "Kiểm tra 15 phút lớp 7A")
    student = app.test_client()
    student.get(f"/c/{staff.class_a_code}")
    identify(student, name="Lò Văn An", role="student", age="16-29", unit=None)
    assert "Kiểm tra 15 phút lớp 7A" in student.get("/").get_data(as_text=True)
    assert student.get(f"/quizzes/{slug}").status_code == 200

    villager = learner(app, identify, name="Hoàng Thị Mai")
    assert "Kiểm tra 15 phút lớp 7A" not in villager.get("/").get_data(as_text=True)
    assert villager.get(f"/lessons/{slug}").status_code == 404
    assert villager.get(f"/quizzes/{slug}").status_code == 404
    assert villager.get(f"/offline/topics/{slug}.json").status_code == 404
    stranger = app.test_client().get(f"/identify?next=/quizzes/{slug}").get_data(as_text=True)
    assert "Kiểm tra 15 phút lớp 7A" not in stranger
    other = app.test_client()
    other.get(f"/c/{staff.class_b_code}")
    identify(other, name="Vi Văn Bảo", role="student", age="16-29", unit=None)
    assert other.get(f"/quizzes/{slug}").status_code == 404

    # A poster placed in class 7A lets whoever scans it in.
    teacher_page = teacher_a.get(f"{BASE}/topic/{slug}/poster").get_data(as_text=True)
    assert "Lớp 8B" not in teacher_page and "Thôn Nà Pàn" not in teacher_page
    data = read_form(teacher_page, f"{BASE}/topic/{slug}/poster")
    data.setlist("unit_id", [str(staff.class_a)])
    data.setlist("target", ["quiz"])
    assert teacher_a.post(f"{BASE}/topic/{slug}/poster", data=data).status_code == 303
    with app.app_context():
        code = Poster.query.one().code
    assert villager.get(f"/p/{code}").headers["Location"].endswith(f"/quizzes/{slug}")
    assert villager.get(f"/quizzes/{slug}").status_code == 200

    # Promoted by the office, everyone sees it.
    item_button(staff_client("admin"), "topic", slug, "promote")
    assert "Kiểm tra 15 phút lớp 7A" in other.get("/").get_data(as_text=True)


def test_a_teacher_cannot_place_a_poster_outside_their_classes(app, staff, staff_client):
    teacher_a = staff_client("teacher_a")
    slug = write_topic(teacher_a, "Bài lớp 7A")
    data = read_form(
        teacher_a.get(f"{BASE}/topic/{slug}/poster").get_data(as_text=True),
        f"{BASE}/topic/{slug}/poster",
    )
    data.setlist("unit_id", [str(staff.village)])
    assert teacher_a.post(f"{BASE}/topic/{slug}/poster", data=data).status_code == 400
    with app.app_context():
        assert Poster.query.count() == 0


# --- the bundled files -------------------------------------------------------------------


def test_loading_the_bundled_files_again_leaves_office_edits_alone(
    app, content, staff, staff_client
):
    admin = staff_client("admin")
    form = editor(admin, "topic", "an-toan")
    form.setlist("title", ["An toàn trên mạng (xã sửa)"])
    form.setlist("quiz.questions[0].correct", ["b"])
    assert press(admin, "topic", "an-toan", form, "publish").status_code == 303
    with app.app_context():
        result = content_loader.load(FIXTURE_CONTENT)
        database.commit()
        assert result.skipped == ["an-toan"]
        assert "gioi-han" in result.unchanged
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        assert lesson.title == "An toàn trên mạng (xã sửa)"
        assert [v.number for v in lesson.quiz.versions] == [1, 2]

    runner = app.test_cli_runner()
    output = runner.invoke(args=["content", "load"]).output
    assert "Kept as edited in the browser (1): an-toan" in output
    output = runner.invoke(args=["content", "load", "--overwrite-edited"]).output
    assert "Kept as edited" not in output
    with app.app_context():
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        assert lesson.title == "An toàn trên mạng" and lesson.edited_at is None
        assert lesson.quiz.current_version.number == 3  # the file's answer again, as v3
        assert lesson.quiz.current_version.questions[0]["answer"] == "a"


def test_a_province_file_reusing_the_id_of_a_communes_own_topic_is_refused_by_name(
    app, staff, staff_client, tmp_path
):
    """The files write the province's curriculum only: a commune's own topic with the same
    id is neither skipped nor overwritten; the load stops, naming the file, field and commune."""
    admin = staff_client("admin")
    write_topic(admin, "Bài của xã", slug="an-toan")
    with app.app_context():
        with pytest.raises(content_loader.ContentError) as refused:
            content_loader.load(FIXTURE_CONTENT)
        message = "\n".join(refused.value.errors)
        assert "01-an-toan.yaml: id: 'an-toan'" in message and "Xã Hoàng Văn Thụ" in message
        assert Lesson.query.filter_by(slug="an-toan").one().title == "Bài của xã"


# --- surveys and translations ------------------------------------------------------------


def test_an_admin_writes_a_survey_with_all_five_kinds_and_edits_make_versions(
    app, staff, staff_client, identify
):
    admin = staff_client("admin")
    slug = new_item(admin, "survey", "Ý kiến người dân", slug="y-kien-nguoi-dan")
    form = editor(admin, "survey", slug)
    for qtype in ("likert", "single", "multiple", "number", "text"):
        form = add_question(admin, "survey", slug, form, qtype)
    values = {
        "summary": "Năm câu hỏi.",
        "audience": ["villager"],
        "reach": "1",
        "questions[0].text": "Tôi hiểu Nghị quyết 57.",
        "questions[1].text": "Bạn đã nghe chưa?",
        "questions[1].choices[0].text": "Rồi",
        "questions[1].choices[1].text": "Chưa",
        "questions[2].text": "Nghe ở đâu?",
        "questions[2].choices[0].text": "Loa",
        "questions[2].choices[1].text": "Zalo",
        "questions[2].other": "1",
        "questions[3].text": "Mấy lần?",
        "questions[3].min": "0",
        "questions[3].max": "100",
        "questions[3].integer": "1",
        "questions[4].text": "Góp ý",
        "questions[4].max_length": "200",
    }
    form = fill(form, values)
    form.poplist("questions[4].required")  # the comment is optional
    assert press(admin, "survey", slug, form, "publish").status_code == 303
    with app.app_context():
        survey = Survey.query.filter_by(slug=slug).one()
        questions = survey.current_version.questions
        assert [q["type"] for q in questions] == ["likert", "single", "multiple", "number", "text"]
        assert questions[2]["other"] is True and questions[3]["integer"] is True
        assert questions[3]["min"] == 0 and questions[3]["max"] == 100
        assert questions[4]["required"] is False and questions[4]["max_length"] == 200
        assert "required" not in questions[0] and survey.counts_as_reach
        assert survey.current_version.created_by.username == "admin.xa"
    villager = learner(app, identify)
    assert villager.get(f"/surveys/{slug}").status_code == 200
    assert "Ý kiến người dân" in villager.get("/").get_data(as_text=True)

    form = fill(editor(admin, "survey", slug), {"questions[3].max": "50"})
    assert press(admin, "survey", slug, form, "publish").status_code == 303
    with app.app_context():
        assert [v.number for v in Survey.query.filter_by(slug=slug).one().versions] == [1, 2]
    assert item_button(admin, "survey", slug, "withdraw").status_code == 303
    assert villager.get(f"/surveys/{slug}").status_code == 404
    assert "Ý kiến người dân" not in villager.get("/").get_data(as_text=True)


def test_translations_in_english_tay_and_nung_are_kept_with_the_item(
    app, content, staff, staff_client
):
    admin = staff_client("admin")
    for lang, title in (("en", "Online safety, revised"), ("tay", "Tày: an toàn"), ("nun", "Nùng")):
        html = admin.get(f"{BASE}/topic/an-toan/translations/{lang}").get_data(as_text=True)
        form = read_form(html, f"{BASE}/topic/an-toan/translations/{lang}")
        form.setlist("title", [title])
        form.setlist("questions.otp.choices.b", [f"{lang} b"])
        response = admin.post(f"{BASE}/topic/an-toan/translations/{lang}", data=form)
        assert response.status_code == 303, response.get_data(as_text=True)
    assert item_button(admin, "topic", "an-toan", "publish").status_code == 303
    with app.app_context():
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        assert lesson.translations["en"]["title"] == "Online safety, revised"
        assert lesson.translations["en"]["summary"] == "A test lesson about online safety."
        assert lesson.translations["tay"]["title"] == "Tày: an toàn"
        texts = lesson.quiz.current_version.definition["translations"]
        assert texts["nun"]["questions"]["otp"]["choices"] == {"b": "nun b"}
        assert texts["en"]["questions"]["otp"]["choices"]["a"] == "Only you"


def test_a_translation_naming_a_removed_question_goes_with_it(app, content, staff, staff_client):
    admin = staff_client("admin")
    form = editor(admin, "topic", "an-toan")
    response = press(admin, "topic", "an-toan", form, "remove_question:0")
    assert response.status_code == 200
    with app.app_context():
        draft = ContentDraft.query.filter_by(slug="an-toan").one().data
        assert "otp" not in draft["translations"]["en"].get("questions", {})
        assert authoring.errors("topic", draft, FIXTURE_CONTENT) == []


# --- posters -----------------------------------------------------------------------------


def test_an_admin_creates_a_poster_for_a_published_topic_and_prints_it(
    app, content, staff, staff_client
):
    admin = staff_client("admin")
    html = admin.get(f"{BASE}/topic/an-toan/poster").get_data(as_text=True)
    form = read_form(html, f"{BASE}/topic/an-toan/poster")
    form.setlist("unit_id", [str(staff.village)])
    assert admin.post(f"{BASE}/topic/an-toan/poster", data=form).status_code == 303
    with app.app_context():
        poster = Poster.query.one()
        assert poster.lesson.slug == "an-toan" and poster.unit_id == staff.village
        code = poster.code
    page = admin.get(f"{BASE}/topic/an-toan").get_data(as_text=True)
    assert f"/posters/{code}/poster.pdf" in page
    pdf = admin.get(f"/posters/{code}/poster.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_no_poster_for_an_unpublished_topic(app, staff, staff_client):
    admin = staff_client("admin")
    slug = new_item(admin, "topic", "Chưa xuất bản")
    html = admin.get(f"{BASE}/topic/{slug}/poster").get_data(as_text=True)
    assert "Xuất bản bài trước" in html
    with app.app_context():
        village = db.session.get(Unit, staff.village)
    response = admin.post(
        f"{BASE}/topic/{slug}/poster",
        data={"csrf_token": csrf_token(html), "unit_id": str(village.id)},
    )
    assert response.status_code == 400
    with app.app_context():
        assert Poster.query.count() == 0


@pytest.mark.parametrize("slug", ["new", "a", "Có dấu", "x" * 61])
def test_a_new_item_refuses_an_unusable_id(app, staff, staff_client, slug):
    admin = staff_client("admin")
    page = admin.get(f"{BASE}/topic/new").get_data(as_text=True)
    response = admin.post(
        f"{BASE}/topic/new", data={"csrf_token": csrf_token(page), "title": "Bài", "slug": slug}
    )
    assert response.status_code in (400, 409)
    assert "Traceback" not in response.get_data(as_text=True)
    with app.app_context():
        assert ContentDraft.query.count() == 0


def test_teachers_own_topics_are_listed_for_them_only(app, staff, staff_client):
    teacher_a = staff_client("teacher_a")
    write_topic(teacher_a, "Bài riêng của cô Hoa")
    assert "Bài riêng của cô Hoa" in teacher_a.get(f"{BASE}/").get_data(as_text=True)
    assert "Bài riêng của cô Hoa" in staff_client("admin").get(f"{BASE}/").get_data(as_text=True)
    with app.app_context():
        lesson = Lesson.query.filter_by(title="Bài riêng của cô Hoa").one()
        assert lesson.owner.username == "co.hoa" and not lesson.commune_wide
    assert "Bài riêng của cô Hoa" not in staff_client("teacher_b").get(f"{BASE}/").get_data(
        as_text=True
    )


def test_publishing_unchanged_bundled_items_through_the_editor_changes_nothing(
    app, content, surveys, staff, staff_client
):
    """The editor reads and writes a file's item exactly: no new version, no change recorded."""
    admin = staff_client("admin")
    with app.app_context():
        before = {
            "an-toan": Lesson.query.filter_by(slug="an-toan").one().content_hash,
            "y-kien": [
                v.content_hash for v in Survey.query.filter_by(slug="y-kien").one().versions
            ],
        }
    for kind, slug in (("topic", "an-toan"), ("topic", "gioi-han"), ("survey", "y-kien")):
        url = f"{BASE}/{kind}/{slug}/translations/en"
        form = read_form(admin.get(url).get_data(as_text=True), url)
        assert admin.post(url, data=form).status_code == 303
        response = press(admin, kind, slug, editor(admin, kind, slug), "publish")
        assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assert Lesson.query.filter_by(slug="an-toan").one().content_hash == before["an-toan"]
        assert [len(q.versions) for q in Quiz.query.order_by(Quiz.slug)] == [1, 1]
        survey = Survey.query.filter_by(slug="y-kien").one()
        assert [v.content_hash for v in survey.versions] == before["y-kien"]
        events = AuditEvent.query.filter_by(action="content_published").all()
        assert [e.detail["changes"] for e in events] == [[], [], []]


# --- what published answers cannot survive -----------------------------------------------


def answer_survey(client, slug: str, answers: dict) -> None:
    """Send a survey form as a learner's browser would."""
    html = client.get(f"/surveys/{slug}").get_data(as_text=True)
    response = client.post(f"/surveys/{slug}", data=survey_form(html, answers))
    assert response.status_code == 303, response.get_data(as_text=True)


def field_error(html: str, marker: str) -> str:
    """The first error message shown after `marker` (a field's label or input) and before the
    next field."""
    pattern = (
        re.escape(marker) + r'(?:(?!<input|<select|<textarea).)*?<p class="err"[^>]*>([^<]*)</p>'
    )
    match = re.search(pattern, html, re.DOTALL)
    assert match, f"no error next to {marker}"
    return match.group(1)


def test_a_survey_with_responses_cannot_switch_anonymity(
    app, surveys, staff, staff_client, identify
):
    villager = learner(app, identify)
    answer_survey(villager, "y-kien", {"s_da_nghe": "roi", "s_hieu": "4"})
    admin = staff_client("admin")
    form = fill(editor(admin, "survey", "y-kien"), {"anonymous": "1"})
    form.poplist("reach")  # an anonymous survey cannot count reach
    response = press(admin, "survey", "y-kien", form, "publish")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    message = field_error(html, 'name="anonymous" value="1" checked>')
    assert message.startswith("Phiếu đã có 1 câu trả lời nên không đổi được chế độ ẩn danh")
    assert "phiếu khảo sát mới (mã mới)" in message
    assert "must" not in html and "cannot" not in html
    with app.app_context():
        survey = Survey.query.filter_by(slug="y-kien").one()
        assert not survey.anonymous and len(survey.versions) == 1
        assert SurveyResponse.query.one().respondent_key.startswith("p")
        assert ContentDraft.query.filter_by(slug="y-kien").one().data["anonymous"] is True

    # An anonymous survey nobody has answered yet may still become named.
    form = fill(editor(admin, "survey", "an-danh"), {})
    form.poplist("anonymous")
    assert press(admin, "survey", "an-danh", form, "publish").status_code == 303
    with app.app_context():
        assert not Survey.query.filter_by(slug="an-danh").one().anonymous


def test_a_published_questions_type_cannot_change_in_the_editor(
    app, content, surveys, staff, staff_client
):
    admin = staff_client("admin")
    # Quiz: the true/false question 'cap-nhat' made a single-choice question.
    form = editor(admin, "topic", "an-toan")
    assert form.get("quiz.questions[2].id") == "cap-nhat"
    form.setlist("quiz.questions[2].type", ["single"])
    form = editor(
        admin, "topic", "an-toan", press(admin, "topic", "an-toan", form, "refresh").data.decode()
    )
    form = fill(
        form,
        {
            "quiz.questions[2].choices[0].text": "Có",
            "quiz.questions[2].choices[1].text": "Không",
            "quiz.questions[2].correct": "a",
        },
    )
    response = press(admin, "topic", "an-toan", form, "publish")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    message = field_error(html, 'for="quiz.questions[2]-type">')
    assert message.startswith("Câu hỏi này đã được xuất bản với loại khác")
    assert "thêm một câu hỏi mới" in message
    # Survey: the Likert question 'hieu' made a single choice.
    form = editor(admin, "survey", "y-kien")
    assert form.get("questions[2].id") == "hieu"
    form.setlist("questions[2].type", ["single"])
    form.setlist("questions[2].choices[0].id", ["a"])
    form.setlist("questions[2].choices[0].text", ["Có"])
    form.setlist("questions[2].choices[1].id", ["b"])
    form.setlist("questions[2].choices[1].text", ["Không"])
    response = press(admin, "survey", "y-kien", form, "publish")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), 'for="questions[2]-type">').startswith(
        "Câu hỏi này đã được xuất bản với loại khác"
    )
    with app.app_context():
        assert len(Quiz.query.filter_by(slug="an-toan").one().versions) == 1
        assert len(Survey.query.filter_by(slug="y-kien").one().versions) == 1
        draft = ContentDraft.query.filter_by(slug="an-toan").one().data
        errors = authoring.errors("topic", draft, FIXTURE_CONTENT)
        assert [e.where for e in errors] == ["quiz.questions[2].type"]
        assert str(errors[0]) == (
            "topic:an-toan: quiz.questions[2].type: cannot change from true_false to single: "
            "question 'cap-nhat' was published as true_false and its answers are kept by id; "
            "add a new question (with a new id) instead"
        )

    # The way out: the old question removed, a new one (a new id) added with the new type.
    form = editor(admin, "topic", "an-toan")
    form = editor(
        admin,
        "topic",
        "an-toan",
        press(admin, "topic", "an-toan", form, "remove_question:2").data.decode(),
    )
    form = add_question(admin, "topic", "an-toan", form, "single")
    assert form.get("quiz.questions[3].id") == "cau-1"
    form = fill(
        form,
        {
            "quiz.questions[3].text": "Có nên cập nhật phần mềm?",
            "quiz.questions[3].choices[0].text": "Có",
            "quiz.questions[3].choices[1].text": "Không",
            "quiz.questions[3].correct": "a",
            "quiz.questions[3].explanation": "Bản cập nhật vá lỗi.",
        },
    )
    response = press(admin, "topic", "an-toan", form, "publish")
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assert Quiz.query.filter_by(slug="an-toan").one().current_version.number == 2


def test_a_class_only_topics_posters_go_only_in_its_teachers_classes(app, staff, staff_client):
    teacher_a = staff_client("teacher_a")
    slug = write_topic(teacher_a, "Bài riêng lớp 7A")
    admin = staff_client("admin")
    url = f"{BASE}/topic/{slug}/poster"
    html = admin.get(url).get_data(as_text=True)
    offered = re.findall(r'<option value="(\d+)"', html)
    assert offered == [str(staff.class_a)]  # not the village, not teacher B's class 8B
    assert "hãy bấm “Đưa ra toàn xã”" in html
    form = read_form(html, url)
    for unit in (staff.village, staff.class_b):
        form.setlist("unit_id", [str(unit)])
        response = admin.post(url, data=form)
        assert response.status_code == 400
        message = field_error(response.get_data(as_text=True), 'for="unit_id">')
        assert message.startswith("Bài này mới dành cho các lớp của giáo viên soạn bài")
    with app.app_context():
        assert Poster.query.count() == 0
    form.setlist("unit_id", [str(staff.class_a)])
    assert admin.post(url, data=form).status_code == 303

    # The command line holds to the same rule.
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["posters", "create", "--lesson", slug, "--unit", str(staff.village)]
    )
    assert result.exit_code == 1
    assert "is a teacher's class-only topic" in result.output and "Promote it" in result.output

    # Promoted, the topic is the commune's: any unit.
    assert item_button(admin, "topic", slug, "promote").status_code == 303
    html = admin.get(url).get_data(as_text=True)
    assert str(staff.village) in re.findall(r'<option value="(\d+)"', html)
    assert "Đưa ra toàn xã" not in html
    form = read_form(html, url)
    form.setlist("unit_id", [str(staff.village)])
    assert admin.post(url, data=form).status_code == 303
    with app.app_context():
        assert sorted(p.unit_id for p in Poster.query) == sorted([staff.class_a, staff.village])


def test_only_the_office_says_which_quizzes_count_as_training(app, staff, staff_client):
    teacher_a = staff_client("teacher_a")
    slug = write_topic(teacher_a, "Bài tập huấn lớp 7A")
    page = teacher_a.get(f"{BASE}/topic/{slug}/edit").get_data(as_text=True)
    assert re.search(r'name="quiz.training_for" value="student" disabled', page)
    form = editor(teacher_a, "topic", slug, page)
    form.setlist("quiz.training_for", ["student", "villager"])  # forged
    assert press(teacher_a, "topic", slug, form, "publish").status_code == 303
    with app.app_context():
        assert Quiz.query.filter_by(slug=slug).one().training_for == []
    # The office may set it, and the teacher's later edits keep what it set.
    admin = staff_client("admin")
    form = fill(editor(admin, "topic", slug), {"quiz.training_for": ["student"]})
    # A training quiz asks each attempt a draw from a bank of 1.5× as many (issue 15).
    assert press(admin, "topic", slug, form, "publish").status_code == 400
    form = add_question(admin, "topic", slug, editor(admin, "topic", slug), "true_false")
    third = {"text": "Câu ba đúng?", "tf": "true", "explanation": "Vì vậy."}
    form = fill(form, {f"quiz.questions[2].{k}": v for k, v in third.items()})
    form = fill(form, {"quiz.training_for": ["student"], "quiz.draw": "2"})
    assert press(admin, "topic", slug, form, "publish").status_code == 303
    form = fill(editor(teacher_a, "topic", slug), {"title": "Bài tập huấn lớp 7A (sửa)"})
    assert press(teacher_a, "topic", slug, form, "publish").status_code == 303
    with app.app_context():
        quiz = Quiz.query.filter_by(slug=slug).one()
        assert quiz.training_for == ["student"] and quiz.lesson.title.endswith("(sửa)")
        # Still the teacher's class-only quiz: it does not count for the commune yet.
        assert quiz.id not in training.training_quizzes().get("student", [])
    assert item_button(admin, "topic", slug, "promote").status_code == 303
    with app.app_context():
        assert quiz.id in training.training_quizzes()["student"]
