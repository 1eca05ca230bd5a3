"""The browser editor and issue 15's quiz rules: "Số câu mỗi lần làm" (quiz.draw), a training
quiz's bank of at least 1.5× its draw, no comma in a multiple choice, and each question's
`why` kept."""

import re

from test_authoring import (
    QUESTIONS,
    TOPIC_FIELDS,
    add_question,
    editor,
    fill,
    new_item,
    press,
    write_topic,
)

from models import ContentDraft, Lesson

pytest_plugins = ["staff_fixtures"]

WHY = "Ai có mã OTP là rút được tiền trong tài khoản."


def test_the_editor_has_a_draw_field_and_publishes_it(app, staff, staff_client):
    admin = staff_client("admin")
    slug = new_item(admin, "topic", "Rút câu hỏi")
    form = editor(admin, "topic", slug)
    assert "quiz.draw" in form
    html = admin.get(f"/staff/content/topic/{slug}/edit").get_data(as_text=True)
    assert "Số câu mỗi lần làm" in html
    for qtype in ("single", "true_false", "true_false"):
        form = add_question(admin, "topic", slug, form, qtype)
    fields = TOPIC_FIELDS | QUESTIONS | {"quiz.draw": "2"}
    fields |= {"quiz.questions[2].text": "Câu ba.", "quiz.questions[2].tf": "false"}
    fields |= {"quiz.questions[2].explanation": "Vì vậy."}
    response = press(admin, "topic", slug, fill(form, fields), "publish")
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        definition = Lesson.query.filter_by(slug=slug).one().quiz.current_version.definition
        assert definition["draw"] == 2 and len(definition["questions"]) == 3
    # The editor shows it again.
    assert editor(admin, "topic", slug).get("quiz.draw") == "2"


def test_a_teachers_quiz_without_training_may_still_ask_every_question(app, staff, staff_client):
    teacher = staff_client("teacher_a")
    slug = write_topic(teacher, "Bài của cô")
    with app.app_context():
        assert "draw" not in Lesson.query.filter_by(slug=slug).one().quiz.current_version.definition


def test_a_training_quiz_drawing_its_whole_bank_is_refused_next_to_the_draw_field(
    app, staff, staff_client
):
    admin = staff_client("admin")
    slug = new_item(admin, "topic", "Tập huấn cán bộ")
    form = editor(admin, "topic", slug)
    form = add_question(admin, "topic", slug, form, "single")
    form = add_question(admin, "topic", slug, form, "true_false")
    fields = TOPIC_FIELDS | QUESTIONS | {"quiz.training_for": ["official"]}
    response = press(admin, "topic", slug, fill(form, fields), "publish")
    assert response.status_code in (400, 422), response.status_code
    html = response.get_data(as_text=True)
    assert re.search(
        r'for="draw">[^<]*</label>(?:<p class="muted"[^>]*>[^<]*</p>)?'
        r'<p class="err"[^>]*>Bài tính là tập huấn cần ít nhất 3 câu trong ngân hàng câu hỏi '
        r"để mỗi lần làm rút 2 câu \(hiện có 2 câu\)",
        html,
    ), html[html.find('for="draw"') - 200 : html.find('for="draw"') + 600]
    with app.app_context():
        assert Lesson.query.filter_by(slug=slug).count() == 0


def test_a_comma_in_a_multiple_choice_is_refused_next_to_the_choice(app, staff, staff_client):
    admin = staff_client("admin")
    slug = new_item(admin, "topic", "Dấu phẩy")
    form = editor(admin, "topic", slug)
    form = add_question(admin, "topic", slug, form, "multiple")
    form = add_question(admin, "topic", slug, form, "true_false")
    fields = TOPIC_FIELDS | {
        "quiz.questions[0].text": "Dấu hiệu lừa đảo?",
        "quiz.questions[0].choices[0].text": "Giục gấp, dọa nạt",
        "quiz.questions[0].choices[1].text": "Gặp ở trụ sở",
        "quiz.questions[0].correct": "a",
        "quiz.questions[0].explanation": "Kẻ gian hay giục gấp.",
        "quiz.questions[1].text": "Nên cập nhật điện thoại.",
        "quiz.questions[1].tf": "true",
        "quiz.questions[1].explanation": "Bản cập nhật vá lỗi.",
    }
    saved = press(admin, "topic", slug, fill(form, fields), "save")
    html = admin.get(saved.headers["Location"]).get_data(as_text=True)
    message = "Lựa chọn của câu chọn nhiều đáp án không được có dấu phẩy"
    choice_input = html.index('name="quiz.questions[0].choices[0].text"')
    spots = [m.start() for m in re.finditer(re.escape(message), html)]
    assert any(abs(spot - choice_input) < 600 for spot in spots), spots  # next to that choice
    assert "must not contain" not in html  # no English left


def test_the_editor_keeps_each_questions_why(app, staff, staff_client):
    admin = staff_client("admin")
    slug = new_item(admin, "topic", "Giữ lời nhắc")
    form = editor(admin, "topic", slug)
    form = add_question(admin, "topic", slug, form, "single")
    form = add_question(admin, "topic", slug, form, "true_false")
    fields = TOPIC_FIELDS | QUESTIONS | {"quiz.questions[0].why": WHY}
    assert press(admin, "topic", slug, fill(form, fields), "publish").status_code == 303
    with app.app_context():
        version = Lesson.query.filter_by(slug=slug).one().quiz.current_version
        assert version.questions[0]["why"] == WHY and "why" not in version.questions[1]
    # Saved again untouched: the why stays, and no new version is made.
    form = editor(admin, "topic", slug)
    assert form.get("quiz.questions[0].why") == WHY
    saved = press(admin, "topic", slug, form, "save")
    assert saved.status_code == 303
    with app.app_context():
        assert (
            ContentDraft.query.filter_by(slug=slug).one().data["quiz"]["questions"][0]["why"] == WHY
        )
