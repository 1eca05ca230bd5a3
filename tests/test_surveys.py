"""The learner side of surveys through the real pages (issue 6): every question kind answered and
shown back, every form error, anonymity, one response per respondent with edits, idempotent and
concurrent submits, opening and closing dates, escaping, the "reached" indicator, languages.

The fixture surveys (tests/fixtures/surveys): 'y-kien' (named, counts as reach) asks
 1 da-nghe  single, required (roi, chua)
 2 nguon    multiple, optional, with "other" (loa, zalo, hop)
 3 hieu     likert, required
 4 so-lan   number, optional, whole, 0–100
 5 gop-y    text, optional, at most 200 characters
and 'an-danh' (anonymous): 1 thanh-toan single, required; 2 kho-khan text, optional.
"""

import datetime as dt
import gzip
import hashlib
import html as html_lib
import re
import secrets
import shutil
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FIXTURE_SURVEYS, csrf_token, hidden
from helpers import post_together, status_codes, with_new_token
from sqlalchemy import String, Text, select

import database
from blueprints.learn.survey_forms import field_name, other_name
from extensions import db
from models import (
    Participant,
    Scan,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    Visit,
)
from models.base import utcnow
from services.common.periods import Period
from services.common.vietnamese import local_date
from services.content import loader as content_loader
from services.reporting import indicators

FULL = {
    "da-nghe": "roi",
    "nguon": ["loa", "other"],
    "nguon:other": "Cán bộ xã đến tận nhà",
    "hieu": "4",
    "so-lan": "12",
    "gop-y": "Nên mở thêm lớp buổi tối.",
}
SHORTEST = {"da-nghe": "chua", "hieu": "1"}  # the required questions only
ANON = {"thanh-toan": "roi", "kho-khan": "Sóng yếu ở thôn."}
INVALID = "Phiếu chưa gửi được. Vui lòng xem các câu được đánh dấu bên dưới."
BAD_CHOICE = "Lựa chọn không hợp lệ. Vui lòng chọn lại."
NOT_A_NUMBER = "Vui lòng nhập một con số, ví dụ 12 hoặc 2,5."
OUT_OF_RANGE = "Vui lòng nhập số từ 0 đến 100."
TOO_LONG = "Câu trả lời dài quá 200 ký tự."
OTHER_NEEDED = "Vui lòng ghi rõ ý “Khác” của bạn."
THANKS = "Cảm ơn bạn! Câu trả lời đã được ghi nhận."


# --- helpers -----------------------------------------------------------------------------------


def text_of(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def form_data(page_html: str, answers: dict) -> dict:
    """The survey page's hidden fields plus answers keyed by question id ("id:other" for the
    text of an "other" choice)."""
    data = {
        "csrf_token": csrf_token(page_html),
        "submission_token": hidden(page_html, "submission_token"),
        "version": hidden(page_html, "version"),
    }
    if 'name="revision"' in page_html:
        data["revision"] = hidden(page_html, "revision")
    for key, value in answers.items():
        qid, _, part = key.partition(":")
        data[other_name(qid) if part else field_name(qid)] = value
    return data


def open_form(client, slug="y-kien", query="") -> str:
    page = client.get(f"/surveys/{slug}{query}")
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    assert 'name="submission_token"' in html, "no survey form on the page"
    return html


def send(client, answers: dict, slug="y-kien", query="", page_html=None):
    """Open the form (or use `page_html`) and send it with these answers."""
    html = page_html or open_form(client, slug, query)
    return client.post(f"/surveys/{slug}", data=form_data(html, answers))


def resend(client, refused, answers: dict, slug="y-kien"):
    """Send again the page that came back with a refusal."""
    return client.post(f"/surveys/{slug}", data=form_data(refused.get_data(as_text=True), answers))


def assert_sent(response, slug="y-kien"):
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/surveys/{slug}?da_gui=1"


def commune_today() -> dt.date:
    return local_date(utcnow(), "Asia/Ho_Chi_Minh")


@dataclass
class Stored:
    participant_id: int | None
    respondent_key: str
    revision: int
    version_number: int
    unit_id: int | None
    poster_id: int | None
    submitted_on: dt.date
    submitted_at: dt.datetime | None
    updated_at: dt.datetime | None
    submission_token: str
    answers: dict


def stored(app, slug="y-kien") -> list[Stored]:
    """Every response to the survey, oldest first, with its answers as
    {question: [(choice, number, text), …]}."""
    with app.app_context():
        survey = Survey.query.filter_by(slug=slug).one()
        found = []
        for r in SurveyResponse.query.filter_by(survey_id=survey.id).order_by(SurveyResponse.id):
            answers: dict = {}
            for a in r.answers:
                answers.setdefault(a.question_id, []).append(
                    (a.choice_id, a.number_value, a.text_value)
                )
            found.append(
                Stored(
                    r.participant_id,
                    r.respondent_key,
                    r.revision,
                    r.version.number,
                    r.unit_id,
                    r.poster_id,
                    r.submitted_on,
                    r.submitted_at,
                    r.updated_at,
                    r.submission_token,
                    answers,
                )
            )
        return found


def only_response(app, slug="y-kien") -> Stored:
    found = stored(app, slug)
    assert len(found) == 1, found
    return found[0]


def participant_ids(app) -> list[int]:
    with app.app_context():
        return [p.id for p in Participant.query.order_by(Participant.id)]


FULL_STORED = {
    "da-nghe": [("roi", None, None)],
    "nguon": [("loa", None, None), ("other", None, "Cán bộ xã đến tận nhà")],
    "hieu": [("4", None, None)],
    "so-lan": [(None, 12.0, None)],
    "gop-y": [(None, None, "Nên mở thêm lớp buổi tối.")],
}


def survey_folder(tmp_path: Path, extra: str = "", slug="y-kien") -> Path:
    """A copy of the fixture surveys with `extra` lines added to one survey's top level."""
    folder = tmp_path / "surveys"
    if not folder.exists():
        shutil.copytree(FIXTURE_SURVEYS, folder)
    path = folder / f"{slug}.yaml"
    original = (FIXTURE_SURVEYS / f"{slug}.yaml").read_text(encoding="utf-8")
    path.write_text(original.replace("questions:\n", f"{extra}questions:\n", 1), encoding="utf-8")
    return folder


def reload_surveys(app, folder: Path) -> content_loader.LoadResult:
    with app.app_context():
        result = content_loader.load(folder)
        database.commit()
        return result


def set_dates(app, tmp_path, opens: dt.date | None = None, closes: dt.date | None = None):
    """Reload 'y-kien' from a file with these opening and closing days."""
    extra = (f"opens: {opens.isoformat()}\n" if opens else "") + (
        f"closes: {closes.isoformat()}\n" if closes else ""
    )
    reload_surveys(app, survey_folder(tmp_path / secrets.token_hex(4), extra))


def load_survey_text(app, tmp_path, text: str):
    folder = tmp_path / secrets.token_hex(4)
    folder.mkdir()
    (folder / "survey.yaml").write_text(text, encoding="utf-8")
    return reload_surveys(app, folder)


# --- getting there -----------------------------------------------------------------------------


def test_unknown_visitor_is_asked_who_they_are_first(client, surveys):
    response = client.get("/surveys/y-kien")
    assert response.status_code == 302
    assert response.headers["Location"] == "/identify?next=/surveys/y-kien"


def test_identity_form_names_the_survey_and_leads_back_to_it(client, surveys, places):
    page = client.get("/identify?next=/surveys/y-kien")
    assert page.status_code == 200
    assert "Ý kiến về Nghị quyết 57" in text_of(page)
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "display_name": "Hoàng Văn Nam",
        "role": "villager",
        "unit_id": str(places["village"]),
        "age_band": "30-44",
        "next": "/surveys/y-kien",
    }
    done = client.post("/identify", data=data)
    assert done.status_code == 303 and done.headers["Location"] == "/surveys/y-kien"
    assert 'name="submission_token"' in client.get("/surveys/y-kien").get_data(as_text=True)


def test_unknown_survey_is_a_vietnamese_404(client, surveys, identify):
    identify(client)
    for path in ("/surveys/khong-co", "/surveys/Y-KIEN", "/surveys/y-kien%00"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Không tìm thấy trang này" in text_of(response)
    post = client.post("/surveys/khong-co", data={"version": "1"})
    assert post.status_code == 404
    assert "Không tìm thấy trang này" in text_of(post)


def test_home_lists_the_open_surveys(client, surveys):
    body = text_of(client.get("/"))
    assert "Ý kiến về Nghị quyết 57" in body and "Dịch vụ số bạn dùng" in body
    assert 'href="/surveys/y-kien"' in body and 'href="/surveys/an-danh"' in body


def test_named_survey_poster_asks_identity_then_opens_the_survey(app, client, surveys, make_poster):
    code = make_poster("y-kien", target="survey")
    response = client.get(f"/p/{code}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/identify?next=/surveys/y-kien"
    with app.app_context():
        assert Scan.query.count() == 1


def test_anonymous_survey_poster_skips_the_identity_form(app, client, surveys, make_poster):
    code = make_poster("an-danh", target="survey")
    response = client.get(f"/p/{code}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/surveys/an-danh"
    page = client.get("/surveys/an-danh")
    assert page.status_code == 200
    assert "Phiếu không ghi tên" in text_of(page)
    assert_sent(send(client, ANON, "an-danh", page_html=page.get_data(as_text=True)), "an-danh")
    answer = only_response(app, "an-danh")
    with app.app_context():
        poster_id = Scan.query.one().poster_id
    assert answer.participant_id is None
    assert answer.poster_id == poster_id
    assert participant_ids(app) == []  # nobody was asked to identify


# --- every question kind -----------------------------------------------------------------------


def test_the_form_shows_every_question_kind(client, surveys, identify):
    identify(client)
    html = open_form(client)
    body = html_lib.unescape(html)
    for text in (
        "Bạn đã nghe về Nghị quyết 57 chưa?",
        "Bạn nghe qua đâu?",
        "Tôi hiểu Nghị quyết 57.",
        "Bạn dùng dịch vụ công trực tuyến mấy lần?",
        "Góp ý của bạn",
        "chọn một hoặc nhiều ý",
        "không bắt buộc",
        "Khác (ghi rõ)",
    ):
        assert text in body, text
    assert re.findall(r'name="s_da_nghe" value="(\w+)"', html) == ["roi", "chua"]
    assert re.findall(r'type="checkbox" name="s_nguon" value="(\w+)"', html) == [
        "loa",
        "zalo",
        "hop",
        "other",
    ]
    assert re.findall(r'name="s_hieu" value="(\d)"', html) == ["1", "2", "3", "4", "5"]
    for label in ("Rất không đồng ý", "Không đồng ý", "Phân vân", "Đồng ý", "Rất đồng ý"):
        assert f"<span>{label}</span>" in body, label
    assert 'name="s_so_lan"' in html and 'inputmode="decimal"' in html
    assert re.search(r'<textarea[^>]*maxlength="200"[^>]*name="s_gop_y"', html) or re.search(
        r'<textarea[^>]*name="s_gop_y"[^>]*maxlength="200"', html
    )
    assert 'name="o_nguon"' in html
    assert "Câu 5" in body and "Câu 6" not in body


def test_every_kind_answered_is_stored_and_shown_back(app, client, surveys, identify):
    identify(client)
    response = send(client, FULL)
    assert_sent(response)
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200
    body = text_of(thanks)
    assert THANKS in body
    for shown in (
        "Đã nghe",
        "Loa truyền thanh, Cán bộ xã đến tận nhà",
        "<strong>Đồng ý</strong>",
        "<strong>12</strong>",
        "Nên mở thêm lớp buổi tối.",
    ):
        assert shown in body, shown
    assert thanks.headers["Cache-Control"] == "private, no-store"  # personal: never cached
    answer = only_response(app)
    assert answer.answers == FULL_STORED
    assert answer.revision == 1 and answer.version_number == 1
    assert answer.participant_id == participant_ids(app)[0]
    assert answer.respondent_key == f"p{answer.participant_id}"
    assert answer.submitted_on == commune_today()
    assert answer.submitted_at is not None and answer.updated_at == answer.submitted_at
    # A later visit shows the answers (no "thank you", no form) and offers to change them.
    later = client.get("/surveys/y-kien")
    body = text_of(later)
    assert "Bạn đã trả lời phiếu này" in body and THANKS not in body
    assert 'name="submission_token"' not in body
    assert 'href="/surveys/y-kien?sua=1"' in body


@pytest.mark.parametrize(
    ("point", "label"),
    [
        ("1", "Rất không đồng ý"),
        ("2", "Không đồng ý"),
        ("3", "Phân vân"),
        ("4", "Đồng ý"),
        ("5", "Rất đồng ý"),
    ],
)
def test_each_likert_point_is_shown_by_its_label(app, client, surveys, identify, point, label):
    identify(client)
    assert_sent(send(client, {**SHORTEST, "hieu": point}))
    assert f"<strong>{label}</strong>" in text_of(client.get("/surveys/y-kien"))
    assert only_response(app).answers["hieu"] == [(point, None, None)]


def test_optional_questions_left_empty_store_nothing_and_show_a_dash(
    app, client, surveys, identify
):
    identify(client)
    assert_sent(send(client, {**SHORTEST, "so-lan": "  ", "gop-y": "   \n "}))
    answer = only_response(app)
    assert answer.answers == {"da-nghe": [("chua", None, None)], "hieu": [("1", None, None)]}
    body = text_of(client.get("/surveys/y-kien"))
    assert body.count("<strong>—</strong>") == 3  # nguon, so-lan, gop-y


def test_other_text_without_ticking_other_is_not_kept(app, client, surveys, identify):
    identify(client)
    assert_sent(send(client, {**SHORTEST, "nguon": ["zalo"], "nguon:other": "Không tick"}))
    assert only_response(app).answers["nguon"] == [("zalo", None, None)]


def test_text_answers_are_cleaned_as_people_see_them(app, client, surveys, identify):
    identify(client)
    answers = {
        **SHORTEST,
        "nguon": ["other"],
        "nguon:other": unicodedata.normalize("NFD", "  Loa   ở chợ  "),
        "gop-y": unicodedata.normalize("NFD", "  Dòng một\r\nDòng hai\x00  "),
    }
    assert_sent(send(client, answers))
    stored_answers = only_response(app).answers
    assert stored_answers["nguon"] == [("other", None, "Loa ở chợ")]
    assert stored_answers["gop-y"] == [(None, None, "Dòng một\nDòng hai")]


def test_text_length_is_counted_as_people_see_it(app, client, surveys, identify):
    """200 letters with tone marks fit in 200 characters, however the phone composed them."""
    identify(client)
    long_text = unicodedata.normalize("NFD", "ệ" * 200)  # 600 code points when decomposed
    assert_sent(send(client, {**SHORTEST, "gop-y": long_text}))
    assert only_response(app).answers["gop-y"] == [(None, None, "ệ" * 200)]


NUMBER_SURVEY = """\
kind: survey
id: so-lieu
title: Số liệu
summary: Phiếu thử câu hỏi số.
audience: [villager]
questions:
  - id: dien-tich
    type: number
    min: 0.5
    max: 100000
    text: Diện tích ruộng (mét vuông)?
"""


@pytest.mark.parametrize(
    ("typed", "value", "shown"),
    [
        ("2,5", 2.5, "2,5"),
        ("2.5", 2.5, "2,5"),
        ("1.250", 1250.0, "1.250"),
        ("1.250,75", 1250.75, "1.250,75"),
        (" 7 ", 7.0, "7"),
        ("0,5", 0.5, "0,5"),
        ("100000", 100000.0, "100.000"),
    ],
)
def test_numbers_as_people_type_them(app, client, places, identify, tmp_path, typed, value, shown):
    load_survey_text(app, tmp_path, NUMBER_SURVEY)
    identify(client)
    assert_sent(send(client, {"dien-tich": typed}, "so-lieu"), "so-lieu")
    assert only_response(app, "so-lieu").answers == {"dien-tich": [(None, value, None)]}
    assert f"<strong>{shown}</strong>" in text_of(client.get("/surveys/so-lieu"))
    # The edit form shows it back the same way.
    edit = open_form(client, "so-lieu", "?sua=1")
    assert f'value="{shown}"' in edit


CLASHING_SURVEY = """\
kind: survey
id: ten-gan-nhau
title: Tên gần nhau
summary: Một câu có ý "Khác" và một câu tên là nó cộng "-other".
audience: [villager]
questions:
  - id: nguon
    type: single
    other: true
    text: Bạn nghe qua đâu?
    choices:
      - {id: loa, text: "Loa"}
      - {id: zalo, text: "Zalo"}
  - id: nguon-other
    type: text
    text: Còn nguồn nào khác không?
"""


def test_a_question_named_like_another_questions_other_text(
    app, client, places, identify, tmp_path
):
    load_survey_text(app, tmp_path, CLASHING_SURVEY)
    identify(client)
    html = open_form(client, "ten-gan-nhau")
    answers = {"nguon": "other", "nguon:other": "Chợ phiên", "nguon-other": "Không có"}
    assert_sent(send(client, answers, "ten-gan-nhau", page_html=html), "ten-gan-nhau")
    assert only_response(app, "ten-gan-nhau").answers == {
        "nguon": [("other", None, "Chợ phiên")],
        "nguon-other": [(None, None, "Không có")],
    }


# --- form errors: 400, a Vietnamese message, answers kept --------------------------------------


def assert_refused(app, response, field: str, message: str):
    """400, the general notice, the field's own message next to it, and nothing stored."""
    assert response.status_code == 400, response.get_data(as_text=True)
    body = text_of(response)
    assert INVALID in body
    own = re.search(rf'<p class="err" id="{field}-err">([^<]*)</p>', body)
    assert own, f"no error shown for {field}"
    assert own.group(1) == message
    assert stored(app) == []
    return response.get_data(as_text=True)


def assert_kept(html: str, answers: dict):
    """The page shows the answers that were sent, ready to send again: ticked choices, typed
    numbers and texts."""
    for key, value in answers.items():
        qid, _, part = key.partition(":")
        name = other_name(qid) if part else field_name(qid)
        for one in value if isinstance(value, list) else [value]:
            escaped = re.escape(html_lib.escape(one, quote=True))
            choice = re.search(rf'type="(radio|checkbox)" name="{name}"', html)
            if choice:
                assert re.search(rf'name="{name}" value="{escaped}" checked', html), (name, one)
                continue
            tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', html)
            textarea = re.search(
                rf'<textarea [^>]*name="{name}"[^>]*>\s*{escaped}</textarea>', html
            )
            assert textarea or (tag and f'value="{html_lib.escape(one)}"' in tag.group()), (
                name,
                one,
            )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"da-nghe": None}, "s_da_nghe", "Bạn chưa trả lời câu 1."),
        ({"hieu": None}, "s_hieu", "Bạn chưa trả lời câu 3."),
        ({"so-lan": "mười hai"}, "s_so_lan", NOT_A_NUMBER),
        ({"so-lan": "12abc"}, "s_so_lan", NOT_A_NUMBER),
        ({"so-lan": "1e2"}, "s_so_lan", NOT_A_NUMBER),
        ({"so-lan": "nan"}, "s_so_lan", NOT_A_NUMBER),
        ({"so-lan": "Infinity"}, "s_so_lan", NOT_A_NUMBER),
        ({"so-lan": "2,5"}, "s_so_lan", "Vui lòng nhập số nguyên (không có phần lẻ)."),
        ({"so-lan": "101"}, "s_so_lan", OUT_OF_RANGE),
        ({"so-lan": "-1"}, "s_so_lan", OUT_OF_RANGE),
        ({"so-lan": "1.000"}, "s_so_lan", OUT_OF_RANGE),
        ({"so-lan": "9" * 20}, "s_so_lan", OUT_OF_RANGE),
        ({"so-lan": "9" * 400}, "s_so_lan", NOT_A_NUMBER),  # beyond any float: not a 500
        ({"gop-y": "x" * 201}, "s_gop_y", TOO_LONG),
        ({"nguon": ["other"], "nguon:other": ""}, "o_nguon", OTHER_NEEDED),
        ({"nguon": ["loa", "other"], "nguon:other": "   "}, "o_nguon", OTHER_NEEDED),
        ({"nguon:other": "y" * 201}, "o_nguon", TOO_LONG),
        ({"da-nghe": "co-le"}, "s_da_nghe", BAD_CHOICE),
        ({"da-nghe": "other"}, "s_da_nghe", BAD_CHOICE),
        ({"nguon": ["loa", "tivi"]}, "s_nguon", BAD_CHOICE),
        ({"hieu": "6"}, "s_hieu", BAD_CHOICE),
        ({"hieu": "0"}, "s_hieu", BAD_CHOICE),
        ({"hieu": "Đồng ý"}, "s_hieu", BAD_CHOICE),
        ({"da-nghe": ["roi", "chua"]}, "s_da_nghe", BAD_CHOICE),
        ({"hieu": ["4", "5"]}, "s_hieu", BAD_CHOICE),
    ],
)  # fmt: skip
def test_form_error(app, client, surveys, identify, change, field, message):
    identify(client)
    answers = {**FULL, **change}
    answers = {k: v for k, v in answers.items() if v is not None}
    html = assert_refused(app, send(client, answers), field, message)
    # Everything else that was sent is still there, so one more tap sends it.
    untouched = {k: v for k, v in FULL.items() if k not in change and k.split(":")[0] not in
                 {c.split(":")[0] for c in change}}  # fmt: skip
    assert_kept(html, untouched)
    again = form_data(html, FULL)
    assert_sent(client.post("/surveys/y-kien", data=again))
    assert only_response(app).answers == FULL_STORED


def test_several_errors_are_all_marked_at_once(app, client, surveys, identify):
    identify(client)
    answers = {"nguon": ["other"], "so-lan": "2,5", "gop-y": "z" * 300}
    html = assert_refused(app, send(client, answers), "s_da_nghe", "Bạn chưa trả lời câu 1.")
    for field in ("s_hieu", "o_nguon", "s_so_lan", "s_gop_y"):
        assert f'id="{field}-err"' in html, field
    assert_kept(html, {"nguon": ["other"], "so-lan": "2,5"})


def test_a_choice_sent_twice_in_a_multiple_question_counts_once(app, client, surveys, identify):
    identify(client)
    assert_sent(send(client, {**SHORTEST, "nguon": ["loa", "loa", "hop"]}))
    assert only_response(app).answers["nguon"] == [("loa", None, None), ("hop", None, None)]


@pytest.mark.parametrize("version", ["", "abc", "999999", "-1", "1" * 12, "other-survey"])
def test_wrong_version_keeps_the_answers(app, client, surveys, identify, version):
    identify(client)
    html = open_form(client)
    data = form_data(html, FULL)
    if version == "other-survey":
        with app.app_context():
            survey = Survey.query.filter_by(slug="an-danh").one()
            version = str(survey.current_version.id)
    data["version"] = version
    response = client.post("/surveys/y-kien", data=data)
    assert response.status_code == 400
    body = text_of(response)
    assert "Phiếu khảo sát đã thay đổi" in body
    assert_kept(response.get_data(as_text=True), FULL)
    assert stored(app) == []
    # The page carries the current version: sending it again works.
    assert_sent(resend(client, response, FULL))
    assert only_response(app).answers == FULL_STORED


def test_expired_csrf_token_keeps_the_answers(app, client, surveys, identify):
    identify(client)
    data = form_data(open_form(client), FULL)
    data["csrf_token"] = "expired"
    response = client.post("/surveys/y-kien", data=data)
    assert response.status_code == 400
    assert "Phiên làm bài đã hết hạn. Câu trả lời của bạn vẫn còn" in text_of(response)
    assert_kept(response.get_data(as_text=True), FULL)
    assert stored(app) == []
    assert_sent(resend(client, response, FULL))


@pytest.mark.parametrize("token", [None, "", "short", "<script>" * 3, "x" * 65])
def test_missing_or_tampered_submission_token_is_refused(app, client, surveys, identify, token):
    identify(client)
    data = form_data(open_form(client), FULL)
    if token is None:
        del data["submission_token"]
    else:
        data["submission_token"] = token
    response = client.post("/surveys/y-kien", data=data)
    assert response.status_code == 400
    assert INVALID in text_of(response)
    assert stored(app) == []


# --- one response per participant, with edits --------------------------------------------------


def test_edit_replaces_the_answers_of_the_one_response(app, client, surveys, identify):
    identify(client)
    assert_sent(send(client, FULL))
    first = only_response(app)
    edit = open_form(client, query="?sua=1")
    assert "Bạn đang sửa câu trả lời đã gửi." in html_lib.unescape(edit)
    assert_kept(edit, FULL)  # the form starts from the answers given
    assert hidden(edit, "submission_token") != first.submission_token
    changed = {"da-nghe": "chua", "nguon": ["zalo"], "hieu": "2", "so-lan": "0"}
    response = send(client, changed, page_html=edit)
    assert_sent(response)
    assert THANKS in text_of(client.get(response.headers["Location"]))
    after = only_response(app)
    assert after.revision == 2
    assert after.answers == {
        "da-nghe": [("chua", None, None)],
        "nguon": [("zalo", None, None)],
        "hieu": [("2", None, None)],
        "so-lan": [(None, 0.0, None)],
    }
    assert after.submitted_at == first.submitted_at
    assert after.updated_at >= first.updated_at
    with app.app_context():  # the old rows are gone, not left beside the new ones
        assert SurveyAnswer.query.count() == 4
    body = text_of(client.get("/surveys/y-kien"))
    assert "Chưa nghe" in body and "Zalo" in body and "Cán bộ xã" not in body


def test_every_edit_counts_a_revision(app, client, surveys, identify):
    identify(client)
    assert_sent(send(client, SHORTEST))
    for point in ("2", "3", "4", "5"):
        assert_sent(send(client, {**SHORTEST, "hieu": point}, query="?sua=1"))
    answer = only_response(app)
    assert answer.revision == 5
    assert answer.answers["hieu"] == [("5", None, None)]


def test_another_participant_has_their_own_response(app, client, surveys, identify):
    identify(client)
    assert_sent(send(client, FULL))
    other = app.test_client()
    identify(other, name="Lý Thị Mai")
    assert 'name="submission_token"' in open_form(other)  # not the first person's answers
    assert_sent(send(other, SHORTEST))
    first, second = stored(app)
    assert first.answers == FULL_STORED
    assert second.answers == {"da-nghe": [("chua", None, None)], "hieu": [("1", None, None)]}
    assert first.participant_id != second.participant_id


def test_a_second_tab_opened_before_the_first_answer_does_not_make_a_second_response(
    app, client, surveys, identify
):
    identify(client)
    tab_one, tab_two = open_form(client), open_form(client)
    assert_sent(send(client, FULL, page_html=tab_one))
    response = send(client, SHORTEST, page_html=tab_two)
    # The second tab's form was made before the answers were sent: it is not applied silently.
    assert response.status_code == 409
    body = text_of(response)
    assert "đã được gửi" in body
    assert_kept(response.get_data(as_text=True), SHORTEST)
    assert only_response(app).answers == FULL_STORED
    # Sending the refreshed page is a deliberate change.
    assert_sent(resend(client, response, SHORTEST))
    answer = only_response(app)
    assert answer.revision == 2 and answer.answers["da-nghe"] == [("chua", None, None)]


# --- idempotent submits ------------------------------------------------------------------------


def test_the_same_form_sent_five_times_changes_nothing(app, client, surveys, identify):
    identify(client)
    data = form_data(open_form(client), FULL)
    for _ in range(5):
        assert_sent(client.post("/surveys/y-kien", data=data))
    answer = only_response(app)
    assert answer.revision == 1 and answer.answers == FULL_STORED
    assert answer.updated_at == answer.submitted_at


def test_an_old_form_sent_again_after_an_edit_does_not_undo_the_edit(
    app, client, surveys, identify
):
    identify(client)
    first_form = form_data(open_form(client), FULL)
    assert_sent(client.post("/surveys/y-kien", data=first_form))
    assert_sent(send(client, SHORTEST, query="?sua=1"))
    edited = only_response(app)
    again = client.post("/surveys/y-kien", data=first_form)  # a late retry of the first form
    assert again.status_code in (303, 409)
    assert only_response(app) == edited


def test_the_edit_form_sent_unchanged_is_not_a_new_revision(app, client, surveys, identify):
    """The back button reloads the edit form (answers are personal: never cached), so sending
    it again carries a new token but the same answers."""
    identify(client)
    assert_sent(send(client, FULL))
    before = only_response(app)
    for _ in range(2):
        assert_sent(send(client, FULL, query="?sua=1"))
    assert only_response(app) == before


def test_the_edit_form_sent_twice_counts_once(app, client, surveys, identify):
    identify(client)
    assert_sent(send(client, FULL))
    data = form_data(open_form(client, query="?sua=1"), SHORTEST)
    for _ in range(3):
        assert_sent(client.post("/surveys/y-kien", data=data))
    assert only_response(app).revision == 2


def test_same_first_form_from_ten_threads_makes_one_response(app, client, surveys, identify):
    identify(client)
    data = form_data(open_form(client), FULL)
    responses = post_together(app, client, "/surveys/y-kien", [data] * 10, require_identity=False)
    assert status_codes(responses) == [303] * 10, Counter(status_codes(responses))
    answer = only_response(app)
    assert answer.revision == 1 and answer.answers == FULL_STORED
    with app.app_context():
        assert SurveyAnswer.query.count() == 6


def test_ten_different_first_forms_at_once_make_one_response(app, client, surveys, identify):
    identify(client)
    data = form_data(open_form(client), SHORTEST)
    forms = [with_new_token({**data, field_name("so-lan"): str(i)}) for i in range(10)]
    responses = post_together(app, client, "/surveys/y-kien", forms, require_identity=False)
    statuses = status_codes(responses)
    assert 500 not in statuses
    # One is recorded; the others were made before it and would silently replace it.
    assert statuses == [303] + [409] * 9, Counter(statuses)
    answer = only_response(app)
    assert answer.revision == 1
    [winner] = [f for f, r in zip(forms, responses, strict=True) if r.status_code == 303]
    assert answer.submission_token == winner["submission_token"]
    assert answer.answers["so-lan"] == [(None, float(winner[field_name("so-lan")]), None)]
    with app.app_context():
        assert SurveyAnswer.query.count() == 3
    refused = [r for r in responses if r.status_code == 409]
    assert all("đã được gửi từ một trang khác" in text_of(r) for r in refused)


def test_ten_different_edits_at_once_apply_one(app, client, surveys, identify):
    identify(client)
    assert_sent(send(client, SHORTEST))
    data = form_data(open_form(client, query="?sua=1"), SHORTEST)
    forms = [with_new_token({**data, field_name("so-lan"): str(i)}) for i in range(10)]
    responses = post_together(app, client, "/surveys/y-kien", forms, require_identity=False)
    assert status_codes(responses) == [303] + [409] * 9, Counter(status_codes(responses))
    answer = only_response(app)
    assert answer.revision == 2
    [winner] = [f for f, r in zip(forms, responses, strict=True) if r.status_code == 303]
    assert answer.answers["so-lan"] == [(None, float(winner[field_name("so-lan")]), None)]


def test_same_edit_form_from_ten_threads_counts_once(app, client, surveys, identify):
    identify(client)
    assert_sent(send(client, SHORTEST))
    data = form_data(open_form(client, query="?sua=1"), FULL)
    responses = post_together(app, client, "/surveys/y-kien", [data] * 10, require_identity=False)
    assert status_codes(responses) == [303] * 10, Counter(status_codes(responses))
    answer = only_response(app)
    assert answer.revision == 2 and answer.answers == FULL_STORED


def test_anonymous_same_form_from_ten_threads_makes_one_response(app, client, surveys):
    data = form_data(open_form(client, "an-danh"), ANON)
    responses = post_together(app, client, "/surveys/an-danh", [data] * 10, require_identity=False)
    assert status_codes(responses) == [303] * 10, Counter(status_codes(responses))
    assert only_response(app, "an-danh").revision == 1


# --- opening and closing dates -----------------------------------------------------------------


def test_closed_survey_refuses_answers(app, client, surveys, identify, tmp_path):
    set_dates(app, tmp_path, closes=commune_today() - dt.timedelta(days=1))
    identify(client)
    page = client.get("/surveys/y-kien")
    assert page.status_code == 200
    body = text_of(page)
    assert "Khảo sát này đã đóng, không nhận thêm câu trả lời." in body
    assert 'name="submission_token"' not in body
    with app.app_context():
        version = Survey.query.filter_by(slug="y-kien").one().current_version.id
    data = {
        "csrf_token": csrf_token(client.get("/identify").get_data(as_text=True)),
        "submission_token": secrets.token_urlsafe(24),
        "version": str(version),
        **form_data_fields(FULL),
    }
    response = client.post("/surveys/y-kien", data=data)
    assert response.status_code == 409
    assert "Khảo sát này đã đóng" in text_of(response)
    # Invalid answers to a closed survey: still "closed", not a list of errors to fix.
    bad = client.post("/surveys/y-kien", data={**data, field_name("hieu"): "9"})
    assert bad.status_code == 409 and "Khảo sát này đã đóng" in text_of(bad)
    assert stored(app) == []
    assert "Ý kiến về Nghị quyết 57" not in text_of(client.get("/"))


def form_data_fields(answers: dict) -> dict:
    return {
        (other_name(k.split(":")[0]) if ":" in k else field_name(k)): v for k, v in answers.items()
    }


def test_survey_not_yet_open(app, client, surveys, identify, tmp_path):
    opens = commune_today() + dt.timedelta(days=3)
    set_dates(app, tmp_path, opens=opens)
    identify(client)
    page = client.get("/surveys/y-kien")
    assert page.status_code == 200
    assert (
        f"Khảo sát này chưa mở. Mời bạn quay lại từ ngày {opens.strftime('%d/%m/%Y')}."
        in text_of(page)
    )
    assert 'name="submission_token"' not in page.get_data(as_text=True)
    with app.app_context():
        version = Survey.query.filter_by(slug="y-kien").one().current_version.id
    data = {
        "csrf_token": csrf_token(client.get("/identify").get_data(as_text=True)),
        "submission_token": secrets.token_urlsafe(24),
        "version": str(version),
        **form_data_fields(FULL),
    }
    response = client.post("/surveys/y-kien", data=data)
    assert response.status_code == 409 and "chưa mở" in text_of(response)
    assert stored(app) == []
    assert "Ý kiến về Nghị quyết 57" not in text_of(client.get("/"))


def test_survey_open_on_its_first_and_last_day(app, client, surveys, identify, tmp_path):
    today = commune_today()
    set_dates(app, tmp_path, opens=today, closes=today)
    identify(client)
    html = open_form(client)
    assert f"Nhận câu trả lời đến hết ngày {today.strftime('%d/%m/%Y')}." in html_lib.unescape(html)
    assert_sent(send(client, FULL, page_html=html))


def test_saved_answers_stay_visible_read_only_after_closing(
    app, client, surveys, identify, tmp_path
):
    identify(client)
    assert_sent(send(client, FULL))
    edit_form = form_data(open_form(client, query="?sua=1"), SHORTEST)
    set_dates(app, tmp_path, closes=commune_today() - dt.timedelta(days=1))
    for query in ("", "?sua=1"):
        page = client.get(f"/surveys/y-kien{query}")
        assert page.status_code == 200
        body = text_of(page)
        assert "Cán bộ xã đến tận nhà" in body and "<strong>Đồng ý</strong>" in body
        assert "Khảo sát đã đóng, không sửa được nữa." in body
        assert "sua=1" not in body and 'name="submission_token"' not in body
    response = client.post("/surveys/y-kien", data=edit_form)
    assert response.status_code == 409
    assert only_response(app).answers == FULL_STORED and only_response(app).revision == 1


# --- anonymity ---------------------------------------------------------------------------------


def _all_text_in_database(app) -> list[str]:
    """Every text value stored in every table."""
    values = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if not columns:
                continue
            for row in db.session.execute(select(*columns)):
                values.extend(v for v in row if isinstance(v, str))
    return values


def test_anonymous_answers_keep_no_link_to_the_person(app, client, surveys, identify, make_poster):
    code = make_poster("an-danh", target="survey")
    identify(client)  # a known participant on this phone: still no link
    [pid] = participant_ids(app)
    assert client.get(f"/p/{code}").headers["Location"] == "/surveys/an-danh"
    assert_sent(send(client, ANON, "an-danh"), "an-danh")
    answer = only_response(app, "an-danh")
    assert answer.participant_id is None
    assert answer.submitted_at is None and answer.updated_at is None  # the day only
    assert answer.submitted_on == commune_today()
    assert answer.respondent_key != f"p{pid}"
    with app.app_context():
        poster_unit = Scan.query.one().unit_id
        # Neither the scan of the poster nor a visit ties this person to the survey.
        assert Scan.query.filter(Scan.participant_id.isnot(None)).count() == 0
        assert Visit.query.filter(Visit.survey_id.isnot(None)).count() == 0
    assert answer.unit_id == poster_unit and answer.poster_id is not None
    # What they open next is not attributed to the survey's poster (which would name them).
    assert client.get("/lessons/an-toan").status_code == 200
    with app.app_context():
        [lesson_visit] = Visit.query.all()
        assert lesson_visit.participant_id == pid and lesson_visit.poster_id is None
    # Identifying later on this phone does not claim the survey poster's scan either.
    other = app.test_client()
    other.get(f"/p/{code}")
    send(other, ANON, "an-danh")
    identify(other, name="Người khác")
    with app.app_context():
        assert Scan.query.filter(Scan.participant_id.isnot(None)).count() == 0


def test_anonymous_respondent_key_cannot_be_derived_from_the_database(
    app, client, surveys, identify
):
    identify(client)
    assert_sent(send(client, ANON, "an-danh"), "an-danh")
    answer = only_response(app, "an-danh")
    device = client.get_cookie("lt_device").value
    participant_token = client.get_cookie(app.config["PARTICIPANT_COOKIE"]).value
    # The key comes from the device's secret, which only the phone holds …
    expected = hashlib.sha256(f"survey:an-danh:{device}".encode()).hexdigest()
    assert answer.respondent_key == expected
    values = _all_text_in_database(app)
    assert device not in values and not any(device in v for v in values)
    # … and no text in the database, nor the person's own token, leads to it.
    assert participant_token != device
    for value in [*values, participant_token]:
        for candidate in (value, f"survey:an-danh:{value}"):
            assert hashlib.sha256(candidate.encode()).hexdigest() != answer.respondent_key


def test_anonymous_same_device_sees_and_edits_its_answers(app, client, surveys):
    assert_sent(send(client, ANON, "an-danh"), "an-danh")
    body = text_of(client.get("/surveys/an-danh"))
    assert "Bạn đã trả lời phiếu này" in body and "Sóng yếu ở thôn." in body
    edit = open_form(client, "an-danh", "?sua=1")
    assert_kept(edit, ANON)
    assert_sent(send(client, {"thanh-toan": "chua"}, "an-danh", page_html=edit), "an-danh")
    answer = only_response(app, "an-danh")
    assert answer.revision == 2
    assert answer.answers == {"thanh-toan": [("chua", None, None)]}
    assert answer.submitted_at is None and answer.updated_at is None
    # Another phone starts afresh.
    other = app.test_client()
    assert 'name="submission_token"' in open_form(other, "an-danh")
    assert_sent(send(other, ANON, "an-danh"), "an-danh")
    assert len(stored(app, "an-danh")) == 2


def test_not_me_lets_another_person_answer_on_a_shared_phone(app, client, surveys, identify):
    identify(client, name="Người thứ nhất")
    assert_sent(send(client, FULL))
    assert_sent(send(client, ANON, "an-danh"), "an-danh")
    home = client.get("/").get_data(as_text=True)
    assert "Không phải tôi" in html_lib.unescape(home)
    response = client.post("/not-me", data={"csrf_token": csrf_token(home)})
    assert response.status_code == 303
    # The next person: the anonymous survey is blank for them, the named one asks who they are.
    assert 'name="submission_token"' in open_form(client, "an-danh")
    assert_sent(send(client, {"thanh-toan": "chua"}, "an-danh"), "an-danh")
    assert client.get("/surveys/y-kien").status_code == 302
    identify(client, name="Người thứ hai")
    assert 'name="submission_token"' in open_form(client)
    assert_sent(send(client, SHORTEST))
    named = stored(app)
    assert len(named) == 2 and named[0].participant_id != named[1].participant_id
    anonymous = stored(app, "an-danh")
    assert len(anonymous) == 2
    assert anonymous[0].respondent_key != anonymous[1].respondent_key
    assert [a.answers["thanh-toan"][0][0] for a in anonymous] == ["roi", "chua"]


def test_anonymous_survey_counts_only_its_own_poster(app, client, surveys, make_poster, places):
    lesson_poster = make_poster()
    client.get(f"/p/{lesson_poster}")  # a lesson poster first: not the survey's
    assert_sent(send(client, ANON, "an-danh"), "an-danh")
    answer = only_response(app, "an-danh")
    assert answer.poster_id is None and answer.unit_id is None
    other_survey_poster = make_poster("y-kien", target="survey", unit="agency")
    other = app.test_client()
    other.get(f"/p/{other_survey_poster}")
    assert_sent(send(other, ANON, "an-danh"), "an-danh")
    assert stored(app, "an-danh")[1].poster_id is None
    own = make_poster("an-danh", target="survey", unit="agency")
    third = app.test_client()
    third.get(f"/p/{own}")
    assert_sent(send(third, ANON, "an-danh"), "an-danh")
    assert stored(app, "an-danh")[2].unit_id == places["agency"]


def test_anonymous_survey_without_poster_keeps_no_unit_for_an_unknown_visitor(app, client, surveys):
    assert_sent(send(client, ANON, "an-danh"), "an-danh")
    assert only_response(app, "an-danh").unit_id is None


def test_anonymous_survey_page_says_it_is_anonymous(client, surveys):
    assert "Phiếu không ghi tên: câu trả lời không gắn với tên của bạn." in html_lib.unescape(
        open_form(client, "an-danh")
    )


# --- escaping ----------------------------------------------------------------------------------


def test_free_text_and_other_text_are_shown_escaped(app, client, surveys, identify):
    identify(client)
    script = "<script>alert('gop-y')</script>"
    image = '<img src=x onerror="alert(1)">'
    answers = {**SHORTEST, "nguon": ["other"], "nguon:other": image, "gop-y": script}
    assert_sent(send(client, answers))
    for query in ("", "?da_gui=1"):
        raw = client.get(f"/surveys/y-kien{query}").get_data(as_text=True)
        assert "<script>alert" not in raw and "<img src=x" not in raw
        assert "&lt;script&gt;alert(&#39;gop-y&#39;)&lt;/script&gt;" in raw
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in raw
    edit = client.get("/surveys/y-kien?sua=1").get_data(as_text=True)
    assert "<script>alert" not in edit and "<img src=x" not in edit
    stored_answers = only_response(app).answers
    assert stored_answers["gop-y"] == [(None, None, script)]  # kept as typed, escaped on output
    assert stored_answers["nguon"] == [("other", None, image)]


def test_errors_page_escapes_what_was_sent(client, surveys, identify):
    identify(client)
    answers = {**FULL, "so-lan": '"><script>alert(1)</script>', "gop-y": "</textarea><b>x"}
    raw = send(client, answers).get_data(as_text=True)
    assert "<script>alert(1)" not in raw and "</textarea><b>" not in raw


# --- the "reached" indicator -------------------------------------------------------------------


def _reached(app, places) -> int:
    with app.app_context():
        today = commune_today()
        period = Period(today - dt.timedelta(days=1), today + dt.timedelta(days=1))
        return indicators.reached_by_unit(period).get(places["village"], 0)


def test_answering_the_reach_survey_counts_the_person_as_reached(
    app, client, surveys, identify, places
):
    identify(client)
    html = open_form(client)
    with app.app_context():  # the visit of the page was long ago: only the answer counts now
        for visit in Visit.query:
            visit.visited_at -= dt.timedelta(days=400)
        database.commit()
    assert _reached(app, places) == 0
    assert_sent(send(client, FULL, page_html=html))
    assert _reached(app, places) == 1
    with app.app_context():
        visit = Visit.query.order_by(Visit.id.desc()).first()
        assert visit.kind == "survey" and visit.unit_id == places["village"]
        assert visit.participant_id == participant_ids(app)[0]
    # Editing the answers later does not count them twice.
    assert_sent(send(client, SHORTEST, query="?sua=1"))
    assert _reached(app, places) == 1


def test_an_anonymous_survey_counts_nobody_as_reached(app, client, surveys, identify, places):
    identify(client)
    assert_sent(send(client, ANON, "an-danh"), "an-danh")
    assert _reached(app, places) == 0
    with app.app_context():
        assert Visit.query.count() == 0


# --- languages ---------------------------------------------------------------------------------


def test_english_shows_the_translated_texts(app, client, surveys, identify):
    identify(client)
    client.set_cookie("lang", "en")
    html = open_form(client)
    body = html_lib.unescape(html)
    assert "Your views on Resolution 57" in body
    assert "Have you heard of Resolution 57?" in body
    assert "<span>Yes</span>" in body and "<span>No</span>" in body
    assert "Strongly disagree" in body and "Strongly agree" in body
    assert "Other (please say)" in body
    assert "Bạn nghe qua đâu?" in body  # untranslated questions stay in Vietnamese
    assert "Tôi hiểu" in body
    assert "Rất đồng ý" not in body
    response = send(client, {**FULL, "so-lan": "x"}, page_html=html)
    assert response.status_code == 400
    assert "Vui lòng" not in text_of(response)  # the error messages are in English too
    assert_sent(send(client, FULL, page_html=html))
    thanks = text_of(client.get("/surveys/y-kien?da_gui=1"))
    assert "Your views on Resolution 57" in thanks
    assert "<strong>Yes</strong>" in thanks and "<strong>Agree</strong>" in thanks
    assert "Cảm ơn bạn" not in thanks


# --- page weight -------------------------------------------------------------------------------


def test_bundled_survey_pages_fit_the_page_weight_budget(app, client, places, identify):
    with app.app_context():
        content_loader.load(Path(__file__).resolve().parent.parent / "quizzes")
        database.commit()
    identify(client)
    for slug in ("khao-sat-nghi-quyet-57", "dich-vu-so-dang-dung"):
        raw = client.get(f"/surveys/{slug}").get_data()
        assert len(gzip.compress(raw, 6)) < 14 * 1024, slug


def test_anonymous_survey_pages_leave_the_participants_last_seen_alone(
    app, client, surveys, identify, make_poster
):
    """The last-seen time would otherwise match the anonymous scan's time and name the person."""
    code = make_poster("an-danh", target="survey")
    identify(client)
    [pid] = participant_ids(app)
    three_days_ago = utcnow() - dt.timedelta(days=3)
    with app.app_context():
        db.session.execute(
            db.update(Participant).where(Participant.id == pid).values(last_seen_at=three_days_ago)
        )
        database.commit()
    client.get(f"/p/{code}")
    assert_sent(send(client, ANON, "an-danh"), "an-danh")
    client.get("/surveys/an-danh")
    with app.app_context():
        assert db.session.get(Participant, pid).last_seen_at == three_days_ago
    client.get("/lessons/an-toan")  # a named page still records that they were here
    with app.app_context():
        assert db.session.get(Participant, pid).last_seen_at > three_days_ago


def test_anonymous_survey_without_poster_keeps_no_unit_even_for_a_known_person(
    app, client, surveys, identify
):
    identify(client)
    assert_sent(send(client, ANON, "an-danh"), "an-danh")
    assert only_response(app, "an-danh").unit_id is None
