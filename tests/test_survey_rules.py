"""Survey questions that measure well (issue 15): a multiple choice's `exclusive` choices
("Chưa dùng cách nào", "Không có khó khăn") stand alone, and a question with `show_if` is asked
only when an earlier answer holds one of its choices.

The fixture survey 'quy-tac' (tests/fixtures/survey_rules/quy-tac.yaml) asks
 1 da-dung  single, required (roi, chua); the reach question (roi)
 2 cach     multiple, required, with "other" (qr, chuyen-khoan; chua-dung and khong-nho exclusive)
 3 lam-gi   multiple, required, only if da-dung is roi (giay-to, dich-vu-cong)
 4 so-lan   number, optional, 0–100, only if cach holds qr, chuyen-khoan or other
 5 gop-y    text, optional
"""

import copy
import csv
import datetime as dt
import gzip
import html as html_lib
import io
import re
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_RULE_SURVEYS, csrf_token, hidden
from test_authoring import editor, fill, press
from test_content_export import import_file, wipe_content
from test_content_validation import make_folder, topic

import database
from blueprints.learn.survey_forms import field_name, other_name
from models import Survey, SurveyResponse, SurveyVersion, Visit
from services.common.periods import Period
from services.content import exporter, schema_messages
from services.content import loader as content_loader
from services.content.loader import check
from services.content.survey_schema import validate_survey
from services.participation.identity import NewIdentity, create_participant
from services.participation.survey_responses import (
    Given,
    InvalidSurveyAnswer,
    ResponseSubmission,
    answer_rows,
    respondent_key,
    submit_response,
)
from services.reporting import survey_results

pytest_plugins = ["staff_fixtures"]

SURVEY_FILE = FIXTURE_RULE_SURVEYS / "quy-tac.yaml"
SLUG = "quy-tac"
EXCLUSIVE_MESSAGE = (
    "Ý “Chưa dùng cách nào” không chọn cùng các ý khác được. Hãy bỏ chọn ý này, hoặc bỏ các ý "
    "còn lại."
)
HINT_LAM_GI = (
    "Chỉ trả lời nếu ở câu 1 “Trong 6 tháng qua, bạn đã dùng ứng dụng VNeID chưa?” bạn chọn "
    "“Đã dùng”."
)


def rules_data() -> dict:
    return yaml.safe_load(SURVEY_FILE.read_text(encoding="utf-8"))


def errors_of(data: dict) -> list[tuple[str, str]]:
    return [(e.where, e.template) for e in validate_survey(data, "s.yaml")]


def text_of(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


# --- the schema ----------------------------------------------------------------------------------


def test_the_fixture_survey_with_both_rules_is_valid():
    assert errors_of(rules_data()) == []


@pytest.mark.parametrize(
    ("path", "value", "where", "template"),
    [
        # `exclusive` is a yes/no on a multiple question's choice
        (
            ("cach", 2, "exclusive"),
            "yes",
            "questions[1].choices[2].exclusive",
            "must be true or false",
        ),
        (
            ("da-dung", 0, "exclusive"),
            True,
            "questions[0].choices[0].exclusive",
            "only the choices of a multiple choice question can be exclusive",
        ),
    ],
)
def test_a_bad_exclusive_choice_is_refused(path, value, where, template):
    data = rules_data()
    qid, index, key = path
    question = next(q for q in data["questions"] if q["id"] == qid)
    question["choices"][index][key] = value
    assert errors_of(data) == [(where, template)]


def test_a_quiz_choice_cannot_be_exclusive(tmp_path):
    data = topic()
    data["quiz"]["questions"][0]["choices"][0]["exclusive"] = True
    errors = check(make_folder(tmp_path, {"01-bai.yaml": data})).errors
    assert len(errors) == 1 and errors[0].where.endswith("choices[0].exclusive"), errors
    assert errors[0].template == "unknown key"


def test_several_exclusive_choices_each_stand_alone():
    data = rules_data()
    choices = data["questions"][1]["choices"]
    assert [c.get("exclusive", False) for c in choices] == [False, False, True, True]
    assert errors_of(data) == []


@pytest.mark.parametrize(
    ("show_if", "where", "template"),
    [
        ("da-dung", "questions[2].show_if", "must be a block with question and choices"),
        (
            {"question": "da-dung"},
            "questions[2].show_if",
            "must be a block with question and choices",
        ),
        (
            {"question": "nope", "choices": ["roi"]},
            "questions[2].show_if.question",
            "must name an earlier single or multiple choice question",
        ),
        (  # a later question
            {"question": "so-lan", "choices": ["roi"]},
            "questions[2].show_if.question",
            "must name an earlier single or multiple choice question",
        ),
        (  # itself
            {"question": "lam-gi", "choices": ["giay-to"]},
            "questions[2].show_if.question",
            "must name an earlier single or multiple choice question",
        ),
        (
            {"question": "da-dung", "choices": ["giay-to"]},
            "questions[2].show_if.choices",
            "must list choice ids of {question}",
        ),
        (
            {"question": "da-dung", "choices": []},
            "questions[2].show_if.choices",
            "must list choice ids of {question}",
        ),
        (  # da-dung has no "other" box
            {"question": "da-dung", "choices": ["other"]},
            "questions[2].show_if.choices",
            "must list choice ids of {question}",
        ),
    ],
)
def test_a_bad_show_if_is_refused_naming_its_field(show_if, where, template):
    data = rules_data()
    data["questions"][2]["show_if"] = show_if
    assert errors_of(data) == [(where, template)]


def test_show_if_must_name_a_choice_question_not_a_number_or_text():
    data = rules_data()
    data["questions"][4]["show_if"] = {"question": "so-lan", "choices": ["1"]}
    assert errors_of(data) == [
        ("questions[4].show_if.question", "must name an earlier single or multiple choice question")
    ]


def test_show_if_may_name_other_when_the_earlier_question_has_it():
    data = rules_data()
    assert data["questions"][3]["show_if"]["choices"][-1] == "other"
    assert errors_of(data) == []


def test_the_new_messages_have_vietnamese_forms_and_field_names():
    for template in (
        "only the choices of a multiple choice question can be exclusive",
        "must name an earlier single or multiple choice question",
    ):
        assert template in schema_messages.VIETNAMESE
    assert "›" in schema_messages.field_label("questions[2].show_if.question")
    label = schema_messages.field_label("questions[1].choices[2].exclusive")
    assert "exclusive" not in label and "Lựa chọn 3" in label


# --- the survey service: whatever sends the answers -----------------------------------------------


def _version(app) -> SurveyVersion:
    return Survey.query.filter_by(slug=SLUG).one().current_version


def test_the_service_refuses_an_exclusive_choice_with_another(app, rule_survey):
    with app.app_context():
        version = _version(app)
        for chosen, other in ((("qr", "chua-dung"), ""), (("chua-dung", "other"), "Thẻ")):
            answers = {
                "da-dung": Given(choices=("chua",)),
                "cach": Given(choices=chosen, other=other),
            }
            with pytest.raises(InvalidSurveyAnswer) as refused:
                answer_rows(version, answers)
            assert refused.value.question_id == "cach"
            assert refused.value.errors == {"cach": "exclusive_with_others"}
        # the exclusive choice alone, and the two exclusive choices each alone, are fine
        for alone in ("chua-dung", "khong-nho"):
            rows = answer_rows(
                version, {"da-dung": Given(choices=("chua",)), "cach": Given(choices=(alone,))}
            )
            assert [r["choice_id"] for r in rows if r["question_id"] == "cach"] == [alone]
        with pytest.raises(InvalidSurveyAnswer):
            answer_rows(
                version,
                {
                    "da-dung": Given(choices=("chua",)),
                    "cach": Given(choices=("chua-dung", "khong-nho")),
                },
            )


def test_the_service_ignores_a_conditional_answer_when_the_condition_is_not_met(app, rule_survey):
    with app.app_context():
        version = _version(app)
        rows = answer_rows(
            version,
            {
                "da-dung": Given(choices=("chua",)),
                "cach": Given(choices=("chua-dung",)),
                "lam-gi": Given(choices=("giay-to",)),  # not asked: da-dung is not roi
                "so-lan": Given(number=7),  # not asked: cach holds none of its choices
            },
        )
        assert {r["question_id"] for r in rows} == {"da-dung", "cach"}
        # not answered while not asked: not required either
        rows = answer_rows(
            version, {"da-dung": Given(choices=("chua",)), "cach": Given(choices=("qr",))}
        )
        assert {r["question_id"] for r in rows} == {"da-dung", "cach"}
        # even an answer that would be refused is not looked at when not asked
        rows = answer_rows(
            version,
            {
                "da-dung": Given(choices=("chua",)),
                "cach": Given(choices=("khong-nho",)),
                "so-lan": Given(number=5000),
            },
        )
        assert {r["question_id"] for r in rows} == {"da-dung", "cach"}


def test_the_service_requires_a_conditional_answer_when_the_condition_is_met(app, rule_survey):
    with app.app_context():
        version = _version(app)
        with pytest.raises(InvalidSurveyAnswer) as refused:
            answer_rows(
                version, {"da-dung": Given(choices=("roi",)), "cach": Given(choices=("qr",))}
            )
        assert refused.value.errors == {"lam-gi": "required"}
        rows = answer_rows(
            version,
            {
                "da-dung": Given(choices=("roi",)),
                "cach": Given(choices=("other",), other="Ví điện tử"),
                "lam-gi": Given(choices=("giay-to",)),
                "so-lan": Given(number=3),  # asked: "other" is among its choices
            },
        )
        assert {r["question_id"] for r in rows} == {"da-dung", "cach", "lam-gi", "so-lan"}
        with pytest.raises(InvalidSurveyAnswer) as refused:  # asked, so checked
            answer_rows(
                version,
                {
                    "da-dung": Given(choices=("roi",)),
                    "cach": Given(choices=("qr",)),
                    "lam-gi": Given(choices=("giay-to",)),
                    "so-lan": Given(number=5000),
                },
            )
        assert refused.value.errors == {"so-lan": "out_of_range"}


def test_a_condition_on_a_question_that_was_not_asked_is_not_met(app, tmp_path):
    data = rules_data()
    data["questions"][3]["show_if"] = {"question": "lam-gi", "choices": ["giay-to"]}
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "quy-tac.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with app.app_context():
        content_loader.load(folder)
        version = _version(app)
        rows = answer_rows(
            version,
            {
                "da-dung": Given(choices=("chua",)),
                "cach": Given(choices=("qr",)),
                "lam-gi": Given(choices=("giay-to",)),  # ignored: not asked …
                "so-lan": Given(number=4),  # … so so-lan is not asked either
            },
        )
        assert {r["question_id"] for r in rows} == {"da-dung", "cach"}


# --- the learner's form, without JavaScript ----------------------------------------------------


def _page(client) -> str:
    page = client.get(f"/surveys/{SLUG}")
    assert page.status_code == 200, page.get_data(as_text=True)
    return page.get_data(as_text=True)


def _post(client, html: str, answers: dict):
    data = {
        "csrf_token": csrf_token(html),
        "submission_token": hidden(html, "submission_token"),
        "version": hidden(html, "version"),
        "revision": hidden(html, "revision"),
    }
    for key, value in answers.items():
        qid, _, part = key.partition(":")
        data[other_name(qid) if part else field_name(qid)] = value
    return client.post(f"/surveys/{SLUG}", data=data)


def _stored(app) -> dict:
    with app.app_context():
        found = {}
        for response in SurveyResponse.query.all():
            for answer in response.answers:
                found.setdefault(answer.question_id, []).append(
                    answer.choice_id
                    if answer.choice_id is not None
                    else (
                        answer.number_value
                        if answer.number_value is not None
                        else answer.text_value
                    )
                )
        return found


def _checked(html: str, name: str) -> set[str]:
    return set(re.findall(rf'name="{name}" value="([^"]+)"[^>]*? checked', html))


def test_an_exclusive_choice_with_another_is_refused_with_the_answers_kept(
    app, client, rule_survey, identify
):
    identify(client)
    html = _page(client)
    answers = {
        "da-dung": "roi",
        "cach": ["qr", "chua-dung", "other"],
        "cach:other": "Thẻ ngân hàng",
        "lam-gi": ["giay-to", "dich-vu-cong"],
        "so-lan": "4",
        "gop-y": "Cần hướng dẫn thêm.",
    }
    refused = _post(client, html, answers)
    assert refused.status_code == 422
    body = text_of(refused)
    assert EXCLUSIVE_MESSAGE in body
    # next to question 2: between its number and question 3
    card = body.split("Câu 2")[1].split("Câu 3")[0]
    assert EXCLUSIVE_MESSAGE in card
    assert EXCLUSIVE_MESSAGE not in body.split("Câu 2")[0]
    raw = refused.get_data(as_text=True)
    assert _checked(raw, "s_da_dung") == {"roi"}
    assert _checked(raw, "s_cach") == {"qr", "chua-dung", "other"}
    assert _checked(raw, "s_lam_gi") == {"giay-to", "dich-vu-cong"}
    assert 'value="Thẻ ngân hàng"' in raw and 'value="4"' in raw
    assert "Cần hướng dẫn thêm." in body
    assert _stored(app) == {}
    with app.app_context():
        assert (
            SurveyResponse.query.count() == 0
            and Visit.query.filter_by(counts_reach=True).count() == 0
        )
    # the same page, the exclusive choice left alone: sent
    answers["cach"] = ["qr", "other"]
    sent = _post(client, refused.get_data(as_text=True), answers)
    assert sent.status_code == 303, text_of(sent)
    assert _stored(app)["cach"] == ["qr", "other"]


def test_a_conditional_answer_is_ignored_when_its_condition_is_not_met(
    app, client, rule_survey, identify
):
    identify(client)
    sent = _post(
        client,
        _page(client),
        {"da-dung": "chua", "cach": ["chua-dung"], "lam-gi": ["giay-to"], "so-lan": "9"},
    )
    assert sent.status_code == 303, text_of(sent)
    assert _stored(app) == {"da-dung": ["chua"], "cach": ["chua-dung"]}
    # the answers read back do not show the questions that were not asked
    thanks = text_of(client.get(f"/surveys/{SLUG}?da_gui=1"))
    assert "Bạn dùng VNeID để làm gì?" not in thanks
    assert "Chưa dùng cách nào" in thanks


def test_a_conditional_question_is_required_only_when_its_condition_is_met(
    app, client, rule_survey, identify
):
    identify(client)
    html = _page(client)
    refused = _post(client, html, {"da-dung": "roi", "cach": ["qr"], "so-lan": "2"})
    assert refused.status_code == 400
    assert "Bạn chưa trả lời câu 3." in text_of(refused)
    assert _stored(app) == {}
    sent = _post(
        client,
        refused.get_data(as_text=True),
        {"da-dung": "roi", "cach": ["qr"], "lam-gi": ["dich-vu-cong"], "so-lan": "2"},
    )
    assert sent.status_code == 303, text_of(sent)
    assert _stored(app) == {
        "da-dung": ["roi"],
        "cach": ["qr"],
        "lam-gi": ["dich-vu-cong"],
        "so-lan": [2.0],
    }
    with app.app_context():  # the reach rule reads the answers as asked
        assert Visit.query.filter_by(counts_reach=True).count() == 1


def test_an_invalid_answer_to_a_question_not_asked_does_not_block_the_form(
    app, client, rule_survey, identify
):
    identify(client)
    sent = _post(
        client, _page(client), {"da-dung": "chua", "cach": ["khong-nho"], "so-lan": "nhiều lắm"}
    )
    assert sent.status_code == 303, text_of(sent)
    assert _stored(app) == {"da-dung": ["chua"], "cach": ["khong-nho"]}


def test_the_page_marks_the_rules_for_the_script_and_says_the_condition(
    app, client, rule_survey, identify
):
    identify(client)
    raw = _page(client)
    body = html_lib.unescape(raw)
    assert HINT_LAM_GI in body
    assert (
        "Chỉ trả lời nếu ở câu 2 “Trong tháng vừa qua, bạn thanh toán không dùng tiền mặt bằng "
        "cách nào?” bạn chọn “Quét mã QR”, “Chuyển khoản” hoặc “Khác (ghi rõ)”." in body
    )
    assert 'data-show-if="s_da_dung" data-show-values="roi"' in raw
    assert 'value="chua-dung" data-exclusive' in raw and 'value="khong-nho" data-exclusive' in raw
    assert 'value="qr" data-exclusive' not in raw
    assert '<script src="/static/js/survey.js" defer></script>' in raw
    client.set_cookie("lang", "en")
    english = text_of(client.get(f"/surveys/{SLUG}"))
    # the hint names the earlier question and its choices in the page's language (the
    # sentence itself comes from the catalog: "Answer only if you chose … in question 1 …")
    [hint] = re.findall(r'<p class="muted cond">([^<]*)</p>', english)[:1]
    assert "“In the last 6 months, have you used the VNeID app?”" in hint and "“Yes”" in hint


def test_a_survey_without_rules_loads_no_survey_script(app, client, surveys, identify):
    identify(client)
    raw = client.get("/surveys/y-kien").get_data(as_text=True)
    assert "survey.js" not in raw and "data-show-if" not in raw


def test_the_survey_script_is_small_and_kept_for_offline_use(app, client):
    script = (Path(app.static_folder) / "js" / "survey.js").read_bytes()
    assert len(gzip.compress(script, 9)) < 1536
    assert "/static/js/survey.js" in client.get("/sw.js").get_data(as_text=True)


# --- results: a conditional question counted over those who were asked -------------------------


def _respond(app, unit_id, n, answers):
    survey = Survey.query.filter_by(slug=SLUG).one()
    participant, _token = create_participant(
        NewIdentity(f"Người {n}", "villager", unit_id, "30-44", False), "test"
    )
    key = respondent_key(survey, participant, f"d{n}")
    submit_response(
        ResponseSubmission(
            survey=survey,
            version=survey.current_version,
            respondent_key=key,
            participant=participant,
            unit_id=unit_id,
            poster_id=None,
            token=f"t{n}-{key}"[:60],
            answers=answers,
        ),
        dt.date(2026, 3, 1 + n),
    )


@pytest.fixture
def answered(app, rule_survey, staff):
    """Five responses: three used VNeID (two of them pay by QR, one says how often), two did
    not (one pays by transfer and says how often, one uses no way)."""
    rows = [
        ("roi", ("qr",), ("giay-to",), 4),
        ("roi", ("qr", "chuyen-khoan"), ("giay-to", "dich-vu-cong"), None),
        ("roi", ("chua-dung",), ("dich-vu-cong",), None),
        ("chua", ("chuyen-khoan",), (), 10),
        ("chua", ("khong-nho",), (), None),
    ]
    with app.app_context():
        for n, (used, ways, what, times) in enumerate(rows):
            answers = {
                "da-dung": Given(choices=(used,)),
                "cach": Given(choices=ways),
                "lam-gi": Given(choices=what),
                "so-lan": Given(number=times),
            }
            _respond(app, staff.village, n, answers)
        database.commit()
    return staff


def test_a_conditional_questions_shares_are_counted_over_those_who_were_asked(app, answered):
    with app.app_context():
        found = survey_results.results(Survey.query.filter_by(slug=SLUG).one(), None, Period())
        q = {r.id: r for r in found.questions}
        assert found.responses == 5
        lam_gi = q["lam-gi"]
        assert lam_gi.asked == 3 and lam_gi.answered == 3
        shares = {t.key: (t.count, round(t.share, 3)) for t in lam_gi.tallies}
        assert shares == {"giay-to": (2, 0.667), "dich-vu-cong": (2, 0.667)}
        assert lam_gi.condition is not None
        assert lam_gi.condition.question_number == 1
        assert [str(c) for c in lam_gi.condition.choices] == ["Đã dùng"]
        so_lan = q["so-lan"]  # asked of the three who pay by QR or transfer; two said how often
        assert so_lan.asked == 3 and so_lan.answered == 2 and so_lan.numbers.count == 2
        # a question asked of everyone: over those who answered it, as before
        cach = q["cach"]
        assert cach.condition is None and cach.asked is None
        assert {t.key: t.count for t in cach.tallies}["chua-dung"] == 1
        assert round({t.key: t.share for t in cach.tallies}["qr"], 3) == 0.4


def test_the_results_page_says_who_a_conditional_question_was_asked_of(app, answered, staff_client):
    admin = staff_client("admin")
    page = text_of(admin.get(f"/staff/surveys/{SLUG}"))
    section = page.split('id="q-lam-gi"')[1].split("</section>")[0]
    assert (
        "Chỉ hỏi người đã chọn “Đã dùng” ở câu 1: 3 người được hỏi, tỉ lệ tính trên số người này."
        in section
    )
    assert '<td class="n">2</td><td class="n">67%</td>' in section  # 2 of the 3 asked
    other = page.split('id="q-cach"')[1].split("</section>")[0]
    assert "Chỉ hỏi người" not in other


def test_the_export_names_the_condition_and_leaves_questions_not_asked_empty(
    app, answered, staff_client
):
    admin = staff_client("admin")
    body = admin.get(f"/staff/surveys/{SLUG}/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header = rows[0]
    [lam_gi] = [h for h in header if "Bạn dùng VNeID để làm gì?" in h]
    assert lam_gi.endswith("(chỉ hỏi người đã chọn “Đã dùng” ở câu 1)")
    column = header.index(lam_gi)
    assert sorted(row[column] for row in rows[1:]) == [
        "",
        "",
        "Làm thủ tục hành chính",
        "Xuất trình giấy tờ",
        "Xuất trình giấy tờ; Làm thủ tục hành chính",
    ]


# --- the browser editor and the content files -----------------------------------------------------


def test_the_editor_shows_both_rules_and_publishing_unchanged_makes_no_new_version(
    app, rule_survey, staff_client
):
    admin = staff_client("admin")
    html = admin.get(f"/staff/content/survey/{SLUG}/edit").get_data(as_text=True)
    assert 'name="questions[1].exclusive" value="chua-dung" checked' in html
    assert 'name="questions[1].exclusive" value="qr">' in html or (
        'name="questions[1].exclusive" value="qr" ' in html
    )
    assert "questions[0].exclusive" not in html  # a single choice has none
    form = editor(admin, "survey", SLUG, html)
    assert form.get("questions[2].show_if.question") == "da-dung"
    assert form.getlist("questions[2].show_if.choices") == ["roi"]
    assert form.get("questions[0].show_if.question") is None  # the first has nothing before it
    assert press(admin, "survey", SLUG, form, "publish").status_code == 303
    with app.app_context():
        survey = Survey.query.filter_by(slug=SLUG).one()
        assert [v.number for v in survey.versions] == [1]
        assert survey.current_version.definition["reach"] == {
            "question": "da-dung",
            "choices": ["roi"],
        }


def test_the_editor_sets_and_clears_both_rules(app, rule_survey, staff_client):
    admin = staff_client("admin")
    form = editor(admin, "survey", SLUG)
    form = fill(
        form,
        {
            "questions[1].exclusive": ["khong-nho"],  # chua-dung is no longer exclusive
            "questions[2].show_if.question": "",  # lam-gi asked of everyone
            "questions[4].show_if.question": "cach",  # gop-y only for who used no way
            "questions[4].show_if.choices": ["chua-dung"],
        },
    )
    refreshed = press(admin, "survey", SLUG, form, "refresh")
    assert refreshed.status_code == 200
    form = editor(admin, "survey", SLUG, refreshed.get_data(as_text=True))
    assert press(admin, "survey", SLUG, form, "publish").status_code == 303
    with app.app_context():
        questions = Survey.query.filter_by(slug=SLUG).one().current_version.questions
        choices = {c["id"]: c.get("exclusive", False) for c in questions[1]["choices"]}
        assert choices == {
            "qr": False,
            "chuyen-khoan": False,
            "chua-dung": False,
            "khong-nho": True,
        }
        assert "show_if" not in questions[2]
        assert questions[4]["show_if"] == {"question": "cach", "choices": ["chua-dung"]}


def test_the_editor_names_a_bad_condition_next_to_its_field(app, rule_survey, staff_client):
    admin = staff_client("admin")
    form = editor(admin, "survey", SLUG)
    form.setlist("questions[2].show_if.choices", [])  # a condition on no choice
    page = press(admin, "survey", SLUG, form, "publish")
    assert page.status_code == 400
    body = text_of(page)
    assert "Câu hỏi 3 › Chỉ hỏi khi › Lựa chọn: Phải ghi các mã lựa chọn của câu da-dung." in body
    with app.app_context():
        assert len(Survey.query.filter_by(slug=SLUG).one().versions) == 1


def test_export_then_import_keeps_both_rules(app, rule_survey, staff_client):
    with app.app_context():
        before = copy.deepcopy(Survey.query.filter_by(slug=SLUG).one().current_version.definition)
        document = exporter.survey_document(Survey.query.filter_by(slug=SLUG).one())
        assert validate_survey(document, "x.yaml") == []
    admin = staff_client("admin")
    response = admin.get(f"/staff/content-files/export/survey/{SLUG}.yaml")
    text = response.get_data(as_text=True)
    assert "exclusive: true" in text and "show_if:" in text
    wipe_content(app)
    assert import_file(admin, response.data, f"{SLUG}.yaml").status_code == 303
    with app.app_context():
        after = Survey.query.filter_by(slug=SLUG).one().current_version.definition
        assert after == before
