"""Survey results for staff: tallies per question kind, filters, scoping, escaping, exports.

Data: the fixture surveys ('y-kien' named with all five kinds, 'an-danh' anonymous) answered
through services.participation.survey_responses.submit_response, the same code the learner's
form calls.
"""

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

import database
from extensions import db
from models import Survey, SurveyResponse, Unit
from services.common.periods import Period
from services.org.units import create_unit
from services.participation.identity import NewIdentity, create_participant
from services.participation.survey_responses import (
    Given,
    ResponseSubmission,
    respondent_key,
    submit_response,
)
from services.render import charts
from services.reporting import survey_results

pytest_plugins = ["staff_fixtures"]

XSS = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","bấm vào")'
BOLD = "<b>đậm</b>"


def _respond(slug, unit_id, day, answers, name=None, device=None, at=None):
    """One response through the survey service; `at` sets its exact time (named surveys)."""
    survey = Survey.query.filter_by(slug=slug).one()
    participant = None
    if not survey.anonymous:
        participant, _token = create_participant(
            NewIdentity(name, "villager", unit_id, "30-44", False), "test"
        )
    key = respondent_key(survey, participant, device or f"device-{name}-{day}")
    response, _changed = submit_response(
        ResponseSubmission(
            survey=survey,
            version=survey.current_version,
            respondent_key=key,
            participant=participant,
            unit_id=unit_id,
            poster_id=None,
            token=f"t-{key}"[:60],
            answers=answers,
        ),
        day,
    )
    if at is not None:
        response.submitted_at = response.updated_at = at
    db.session.flush()
    return response


def _named_answers(da_nghe, nguon=(), other="", hieu="3", so_lan=None, gop_y=""):
    return {
        "da-nghe": Given(choices=(da_nghe,)),
        "nguon": Given(choices=tuple(nguon), other=other),
        "hieu": Given(choices=(hieu,)),
        "so-lan": Given(number=so_lan),
        "gop-y": Given(text=gop_y),
    }


@pytest.fixture
def named(app, surveys, staff):
    """Four responses to 'y-kien': two from class 7A, one from the village, one from 8B."""
    with app.app_context():
        _respond(
            "y-kien",
            staff.class_a,
            dt.date(2026, 3, 2),
            _named_answers("roi", ["loa", "zalo"], hieu="4", so_lan=2, gop_y="Cần thêm loa"),
            name="Lò Văn Một",
            at=dt.datetime(2026, 3, 2, 1, 0),
        )
        _respond(
            "y-kien",
            staff.class_a,
            dt.date(2026, 3, 10),
            _named_answers("roi", ["loa", "other"], other=XSS, hieu="5", so_lan=10),
            name="Lò Thị Hai",
            at=dt.datetime(2026, 3, 10, 2, 0),
        )
        _respond(
            "y-kien",
            staff.village,
            dt.date(2026, 4, 1),
            _named_answers("chua", hieu="2", so_lan=0, gop_y=FORMULA),
            name="Hoàng Văn Ba",
            at=dt.datetime(2026, 4, 1, 3, 0),
        )
        _respond(
            "y-kien",
            staff.class_b,
            dt.date(2026, 4, 15),
            _named_answers("roi", ["hop"], hieu="4", gop_y=BOLD),
            name="Vi Thị Bốn",
            at=dt.datetime(2026, 4, 15, 4, 0),
        )
        database.commit()
    return staff


ANONYMOUS = [  # (unit key, day, payment, difficulty)
    ("village", dt.date(2026, 3, 1), "chua", "Không biết cách"),
    ("village", dt.date(2026, 3, 2), "roi", "=1+1"),
    ("class_a", dt.date(2026, 3, 3), "roi", ""),
    ("village", dt.date(2026, 3, 4), "roi", "Mạng yếu"),
]


def _anonymous(staff, rows, prefix="d"):
    for n, (unit, day, paid, text) in enumerate(rows):
        _respond(
            "an-danh",
            getattr(staff, unit),
            day,
            {"thanh-toan": Given(choices=(paid,)), "kho-khan": Given(text=text)},
            device=f"{prefix}{n}",
        )


@pytest.fixture
def anonymous(app, surveys, staff):
    with app.app_context():
        _anonymous(staff, ANONYMOUS)
        database.commit()
    return staff


def _results(app, slug="y-kien", unit_ids=None, period=None):
    with app.app_context():
        survey = Survey.query.filter_by(slug=slug).one()
        found = survey_results.results(survey, unit_ids, period or Period())
        return found.responses, {q.id: q for q in found.questions}


def _tallies(question):
    return {t.key: (t.count, round(t.share * 100, 1)) for t in question.tallies}


# --- the figures, per question kind -------------------------------------------------------


def test_counts_and_shares_per_question_kind(app, named):
    total, q = _results(app)
    assert total == 4
    # Single choice: 3 of 4 heard of it.
    assert q["da-nghe"].answered == 4
    assert _tallies(q["da-nghe"]) == {"roi": (3, 75.0), "chua": (1, 25.0)}
    # Multiple choice, optional: 3 answered; shares of those 3 (they add up past 100 %).
    assert q["nguon"].answered == 3
    assert _tallies(q["nguon"]) == {
        "loa": (2, 66.7),
        "zalo": (1, 33.3),
        "hop": (1, 33.3),
        "other": (1, 33.3),
    }
    assert [t.text for t in q["nguon"].texts] == [XSS]
    assert q["nguon"].texts_total == 1
    assert str(q["nguon"].tallies[-1].label) == "Khác"
    assert [t.label for t in q["nguon"].tallies[:3]] == ["Loa truyền thanh", "Zalo", "Họp thôn"]
    # Likert: every point listed, zeros included; mean (4 + 5 + 2 + 4) / 4.
    assert _tallies(q["hieu"]) == {
        "1": (0, 0.0),
        "2": (1, 25.0),
        "3": (0, 0.0),
        "4": (2, 50.0),
        "5": (1, 25.0),
    }
    assert q["hieu"].mean == pytest.approx(3.75)
    assert str(q["hieu"].tallies[0].label) == "Rất không đồng ý"
    # Number (optional; one person left it empty): 2, 10, 0.
    assert q["so-lan"].numbers == survey_results.NumberSummary(3, 0, 2, 4, 10)
    assert q["so-lan"].answered == 3
    # Free text: newest first (named survey), with the day.
    assert [t.text for t in q["gop-y"].texts] == [BOLD, FORMULA, "Cần thêm loa"]
    assert q["gop-y"].texts[0].day == dt.date(2026, 4, 15)
    assert q["gop-y"].texts_total == 3


def test_median_of_an_even_count_and_repeated_values():
    summary = survey_results.summarise([(3.0, 2), (1.0, 1), (10.0, 1)])  # 1, 3, 3, 10
    assert summary == survey_results.NumberSummary(4, 1, 3, 4.25, 10)
    summary = survey_results.summarise([(1.0, 1), (2.0, 1), (7.0, 1), (9.0, 1)])
    assert summary.median == 4.5
    assert survey_results.summarise([]) is None


def test_period_filter_uses_the_days_inclusive(app, named):
    total, q = _results(app, period=Period(dt.date(2026, 3, 10), dt.date(2026, 4, 1)))
    assert total == 2  # 10 March and 1 April, both ends included
    assert _tallies(q["da-nghe"]) == {"roi": (1, 50.0), "chua": (1, 50.0)}
    assert q["hieu"].mean == pytest.approx(3.5)
    assert q["so-lan"].numbers == survey_results.NumberSummary(2, 0, 5, 5, 10)
    assert [t.text for t in q["gop-y"].texts] == [FORMULA]
    total, _q = _results(app, period=Period(dt.date(2026, 4, 16), None))
    assert total == 0


def test_unit_filter_and_subtree(app, named):
    total, q = _results(app, unit_ids={named.village})
    assert total == 1 and _tallies(q["da-nghe"]) == {"roi": (0, 0.0), "chua": (1, 100.0)}
    total, _q = _results(app, unit_ids={named.class_a, named.class_b})
    assert total == 3
    total, q = _results(app, unit_ids=set())
    assert total == 0 and q["hieu"].mean is None and q["so-lan"].numbers is None


def test_a_fixed_number_of_queries_whatever_the_responses(app, named):
    """The same statements for 4 responses and for 40 (aggregates, not a query per row)."""

    def count_statements():
        with app.test_request_context():  # the export's "Khác" label is translated
            survey = Survey.query.filter_by(slug="y-kien").one()
            seen = []
            listener = lambda *args: seen.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                survey_results.results(survey, None, Period())
                list(survey_results.export_table(survey, None, Period()).rows)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            return len(seen)

    few = count_statements()
    with app.app_context():
        for n in range(36):
            _respond(
                "y-kien",
                named.village,
                dt.date(2026, 5, 1 + n % 20),
                _named_answers("roi", ["loa", "other"], other=f"ý {n}", so_lan=n, gop_y=f"g{n}"),
                name=f"Người {n}",
            )
        database.commit()
    assert count_statements() == few
    assert few <= 8


def test_answers_from_every_version_are_tallied_under_the_newest_texts(app, surveys, tmp_path):
    """A changed survey is a new version: old answers still count, under the new wording."""
    from conftest import FIXTURE_SURVEYS

    from services.content import loader as content_loader

    with app.app_context():
        unit = create_unit("village", "Thôn Phai Duốc")
        database.commit()
        unit_id = unit.id
        _respond(
            "y-kien",
            unit_id,
            dt.date(2026, 3, 1),
            _named_answers("chua", ["zalo"], hieu="1"),
            name="Người cũ",
        )
        database.commit()
    text = (FIXTURE_SURVEYS / "y-kien.yaml").read_text(encoding="utf-8")
    text = text.replace("Bạn đã nghe về Nghị quyết 57 chưa?", "Bạn đã từng nghe về NQ 57 chưa?")
    text = text.replace('{id: zalo, text: "Zalo"}', '{id: zalo, text: "Nhóm Zalo"}')
    text = text.replace('{id: hop, text: "Họp thôn"}', '{id: tivi, text: "Ti vi"}')
    (tmp_path / "y-kien.yaml").write_text(text, encoding="utf-8")
    with app.app_context():
        content_loader.load(tmp_path)
        database.commit()
        assert len(Survey.query.filter_by(slug="y-kien").one().versions) == 2
        _respond(
            "y-kien",
            unit_id,
            dt.date(2026, 3, 2),
            _named_answers("chua", ["zalo", "tivi"], hieu="2"),
            name="Người mới",
        )
        database.commit()
    total, q = _results(app)
    assert total == 2
    assert q["da-nghe"].text == "Bạn đã từng nghe về NQ 57 chưa?"
    assert _tallies(q["da-nghe"])["chua"] == (2, 100.0)
    labels = {t.key: t.label for t in q["nguon"].tallies}
    # The newest version's choices first, then the one only the old version offered.
    assert list(labels) == ["loa", "zalo", "tivi", "hop", "other"]
    assert labels["zalo"] == "Nhóm Zalo" and labels["hop"] == "Họp thôn"
    assert _tallies(q["nguon"])["zalo"] == (2, 100.0)
    assert _tallies(q["nguon"])["tivi"] == (1, 50.0)


# --- the pages: who sees what -------------------------------------------------------------


def test_list_counts_only_the_responses_each_person_may_see(app, named, staff_client):
    def count_on_list(who):
        page = staff_client(who).get("/staff/surveys/").get_data(as_text=True)
        row = re.search(r"Ý kiến về Nghị quyết 57</a>.*?<td class=\"n\">(\d+)</td>", page, re.S)
        return int(row.group(1))

    assert count_on_list("admin") == 4
    assert count_on_list("officer") == 1
    assert count_on_list("teacher_a") == 2
    assert count_on_list("teacher_b") == 1


def test_results_page_shows_tallies_and_charts(app, named, staff_client):
    page = staff_client("admin").get("/staff/surveys/y-kien").get_data(as_text=True)
    assert "Số phiếu trả lời: 4" in page
    assert page.count("<svg") == 3  # two choice questions, one Likert
    assert "3 (75%)" in page and page.count("75%") >= 2  # da-nghe: chart and table
    assert "Điểm trung bình: 3.75/5" in page
    assert "Cần thêm loa" in page


def test_free_text_and_other_text_are_escaped(app, named, staff_client):
    page = staff_client("admin").get("/staff/surveys/y-kien").get_data(as_text=True)
    assert XSS not in page and BOLD not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;đậm&lt;/b&gt;" in page


def test_chart_labels_are_escaped():
    svg = str(charts.answer_bars([("<img src=x onerror=alert(1)>", 2, 0.5)]))
    svg += str(charts.stacked_bar([("<script>x</script>", 1), ("b", 0)]))
    assert "<img" not in svg and "<script>" not in svg
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg and "&lt;script&gt;" in svg
    assert "1 (50%)" not in svg and "2 (50%)" in svg and "1 (100%)" in svg


def test_officer_sees_only_their_subtree(app, named, staff_client):
    officer = staff_client("officer")
    page = officer.get("/staff/surveys/y-kien").get_data(as_text=True)
    assert "Số phiếu trả lời: 1" in page
    assert "Cần thêm loa" not in page and "&lt;b&gt;" not in page  # other units' texts
    assert "Lớp 7A" not in page  # nor their names in the unit filter
    # Another unit in the URL: refused, and nothing of it shown.
    refused = officer.get(f"/staff/surveys/y-kien?unit={named.class_a}")
    assert refused.status_code == 403 and "Cần thêm loa" not in refused.get_data(as_text=True)
    assert officer.get(f"/staff/surveys/y-kien/export.csv?unit={named.class_a}").status_code == 403
    assert officer.get(f"/staff/surveys/y-kien?unit={named.commune}").status_code == 403
    assert officer.get("/staff/surveys/y-kien?unit=987654").status_code == 404
    assert officer.get("/staff/surveys/khong-co").status_code == 404
    assert officer.get("/staff/surveys/khong-co/export.xlsx").status_code == 404
    # Their own export holds their village's response only.
    body = officer.get("/staff/surveys/y-kien/export.csv").data.decode("utf-8-sig")
    assert "Hoàng Văn Ba" in body and "Lò Văn Một" not in body and "Vi Thị Bốn" not in body


def test_teacher_sees_their_classes_only(app, named, staff_client):
    teacher = staff_client("teacher_a")
    page = teacher.get("/staff/surveys/y-kien").get_data(as_text=True)
    assert "Số phiếu trả lời: 2" in page
    assert "&lt;b&gt;đậm" not in page  # class 8B's text
    assert teacher.get(f"/staff/surveys/y-kien?unit={named.class_b}").status_code == 403
    assert teacher.get(f"/staff/surveys/y-kien?unit={named.school}").status_code == 403
    body = teacher.get("/staff/surveys/y-kien/export.csv").data.decode("utf-8-sig")
    assert "Lò Văn Một" in body and "Lò Thị Hai" in body
    assert "Vi Thị Bốn" not in body and "Hoàng Văn Ba" not in body


def test_admin_filters_by_unit_and_period_in_the_url(app, named, staff_client):
    admin = staff_client("admin")
    page = admin.get(f"/staff/surveys/y-kien?unit={named.school}").get_data(as_text=True)
    assert "Số phiếu trả lời: 3" in page  # both classes under the school
    page = admin.get("/staff/surveys/y-kien?from=2026-04-01&to=2026-04-30").get_data(as_text=True)
    assert "Số phiếu trả lời: 2" in page
    body = admin.get(
        f"/staff/surveys/y-kien/export.csv?unit={named.class_a}&from=2026-03-05"
    ).data.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(body)))) == 2  # header + Lò Thị Hai


@pytest.mark.parametrize(
    "query, message",
    [
        ("unit=abc", "Đơn vị không hợp lệ."),
        ("unit=99999999999999999999", "Đơn vị không hợp lệ."),
        ("from=2026-13-01", "Ngày không hợp lệ"),
        ("from=2026-05-01&to=2026-04-01", "Ngày bắt đầu phải trước ngày kết thúc."),
    ],
)
def test_bad_filters_are_a_clear_400(app, named, staff_client, query, message):
    admin = staff_client("admin")
    for url in ("/staff/surveys/y-kien", "/staff/surveys/y-kien/export.csv"):
        response = admin.get(f"{url}?{query}")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)


def test_an_empty_survey(app, surveys, staff_client):
    admin = staff_client("admin")
    page = admin.get("/staff/surveys/an-danh")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Số phiếu trả lời: 0" in html and "0 người trả lời câu này" in html
    body = admin.get("/staff/surveys/an-danh/export.csv").data
    assert body.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == 1
    workbook = load_workbook(io.BytesIO(admin.get("/staff/surveys/an-danh/export.xlsx").data))
    assert workbook.active.max_row == 1


# --- exports ------------------------------------------------------------------------------


def _csv(client, url):
    body = client.get(url).data
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(client, url):
    sheet = load_workbook(io.BytesIO(client.get(url).data)).active
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


def test_named_export_one_row_per_response(app, named, staff_client):
    rows = _csv(staff_client("admin"), "/staff/surveys/y-kien/export.csv")
    header, *data = rows
    assert header[:3] == ["Đơn vị", "Người trả lời", "Thời gian trả lời"]
    assert header[3:] == [
        "1. Bạn đã nghe về Nghị quyết 57 chưa?",
        "2. Bạn nghe qua đâu?",
        "3. Tôi hiểu Nghị quyết 57.",
        "4. Bạn dùng dịch vụ công trực tuyến mấy lần?",
        "5. Góp ý của bạn",
    ]
    assert len(data) == 4
    # In time order; local time (UTC+7); multiple choices joined, "other" with its text.
    assert data[0] == [
        "Lớp 7A",
        "Lò Văn Một",
        "02/03/2026 08:00",
        "Đã nghe",
        "Loa truyền thanh; Zalo",
        "4",
        "2",
        "Cần thêm loa",
    ]
    assert data[1][4] == f"Loa truyền thanh; Khác: {XSS}" and data[1][7] == ""
    assert data[2][7] == "'" + FORMULA  # neutralised: a text, never a formula
    assert [row[1] for row in data] == ["Lò Văn Một", "Lò Thị Hai", "Hoàng Văn Ba", "Vi Thị Bốn"]
    with app.app_context():
        from models import AuditEvent

        event_ = AuditEvent.query.filter_by(action="survey_exported").one()
        assert event_.target == "y-kien" and event_.detail["format"] == "csv"


def test_xlsx_export_is_formula_safe(app, named, staff_client):
    with app.app_context():
        _respond(
            "y-kien",
            named.village,
            dt.date(2026, 5, 1),
            _named_answers("roi", ["other"], other="+cmd|' /C calc'!A0", gop_y="\x0b=1+2"),
            name="@SUM(1+1)",
        )
        database.commit()
    sheet, rows = _xlsx(staff_client("admin"), "/staff/surveys/y-kien/export.xlsx")
    assert len(rows) == 6
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not any(c.data_type == "f" for c in cells)
    values = {c.value for c in cells}
    assert "'" + FORMULA in values
    assert "'@SUM(1+1)" in values  # the respondent's name too
    assert "'=1+2" in values  # the hidden control character is dropped, then neutralised
    assert "Khác: +cmd|' /C calc'!A0" in values  # not at the start of the cell: harmless
    assert rows[1][5] == 4 and rows[1][6] == 2  # Likert point and number stay numbers


def _anonymous_csv(client, url="/staff/surveys/an-danh/export.csv"):
    response = client.get(url)
    assert response.status_code == 200
    return response.data


def test_anonymous_export_has_no_person_no_time_no_id(app, anonymous, staff_client):
    admin = staff_client("admin")
    body = _anonymous_csv(admin)
    header, *data = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header == [
        "Đơn vị",
        "1. Bạn đã thanh toán bằng điện thoại chưa?",
        "2. Bạn gặp khó khăn gì?",
    ]
    # Sorted by unit, then answers: not the order (nor the days) they came in.
    assert data == [
        ["Lớp 7A", "Rồi", ""],
        ["Thôn Nà Pàn", "Chưa", "Không biết cách"],
        ["Thôn Nà Pàn", "Rồi", "'=1+1"],
        ["Thôn Nà Pàn", "Rồi", "Mạng yếu"],
    ]
    text = body.decode("utf-8-sig")
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}", text)
    with app.app_context():
        ids = [str(r.id) for r in SurveyResponse.query.all()]
    assert not any(cell in ids for row in data for cell in row)
    _sheet, rows = _xlsx(admin, "/staff/surveys/an-danh/export.xlsx")
    assert rows[0] == header and [r[:2] for r in rows[1:]] == [r[:2] for r in data]
    assert not any(isinstance(v, dt.date | dt.datetime) for row in rows for v in row)


def test_anonymous_export_does_not_depend_on_arrival_order_or_days(app, anonymous, staff_client):
    """The same answers arriving in the opposite order, on other days: the same bytes."""
    admin = staff_client("admin")
    first = _anonymous_csv(admin)
    with app.app_context():
        for response in SurveyResponse.query.all():
            db.session.delete(response)
        database.commit()
        shuffled = [
            (unit, dt.date(2026, 5, 1 + n), paid, text)
            for n, (unit, _day, paid, text) in enumerate(reversed(ANONYMOUS))
        ]
        _anonymous(anonymous, shuffled, prefix="later")
        database.commit()
    assert _anonymous_csv(admin) == first


def test_anonymous_texts_on_the_page_are_in_text_order_without_days(app, anonymous, staff_client):
    with app.app_context():
        survey = Survey.query.filter_by(slug="an-danh").one()
        found = survey_results.results(survey, None, Period())
    texts = {q.id: q.texts for q in found.questions}["kho-khan"]
    assert [t.text for t in texts] == ["=1+1", "Không biết cách", "Mạng yếu"]
    assert all(t.day is None for t in texts)
    page = staff_client("admin").get("/staff/surveys/an-danh").get_data(as_text=True)
    assert "Phiếu không ghi tên" in page
    assert "/2026" not in page.split("Các câu trả lời")[1]


def test_units_with_unsafe_names_are_escaped_and_neutralised(app, anonymous, staff_client):
    with app.app_context():
        unit = db.session.get(Unit, anonymous.village)
        unit.name = "=cmd<i>x</i>"
        database.commit()
    admin = staff_client("admin")
    page = admin.get("/staff/surveys/an-danh").get_data(as_text=True)
    assert "<i>x</i>" not in page and "=cmd&lt;i&gt;x&lt;/i&gt;" in page
    rows = list(csv.reader(io.StringIO(_anonymous_csv(admin).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["'=cmd<i>x</i>"] * 3 + ["Lớp 7A"]
