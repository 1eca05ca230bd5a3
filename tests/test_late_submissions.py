"""Answers sent late from a phone that had no signal (issue 8): the quiz and survey forms carry a
signed stamp of when they were fetched; /offline/quizzes/<slug> and /offline/surveys/<slug>
accept a late answer once, score it against the version the learner saw, record when it was
answered (corrected for the phone's clock, never in the future, never before the fetch) and count
it at that time (indicators, reports, certificates), and refuse tampered, foreign or expired
stamps with a Vietnamese message. One stamped anonymous survey form makes at most one response
whatever cookies it comes with. Also: a topic's pack (saving it records no visit), the service
worker, the manifest and the offline page."""

import contextlib
import datetime as dt
import io
import secrets
import shutil
from types import SimpleNamespace

import itsdangerous.timed
import pytest
from conftest import FIXTURE_CONTENT, FIXTURE_SURVEYS, csrf_token, hidden
from helpers import ALL_RIGHT, HALF_RIGHT, answer_form, confirm_who
from PIL import Image

import database
from blueprints.learn.survey_forms import field_name as survey_field
from extensions import db
from models import (
    Attempt,
    Certificate,
    Participant,
    Poster,
    Quiz,
    Survey,
    SurveyResponse,
    Visit,
)
from models.base import utcnow
from services.common import periods
from services.common.periods import Period
from services.common.vietnamese import local_date
from services.content import loader as content_loader
from services.participation import offline
from services.participation.survey_responses import respondent_key
from services.reporting import indicators
from services.reporting import unit_reports as reports

HEADERS = {"X-Lantoa-Offline": "1"}
SURVEY_ANSWERS = {"da-nghe": "roi", "hieu": "4"}
INVALID = "Bài làm không hợp lệ. Vui lòng mở lại bài."
OTP_ANSWER = "      answer: a\n      explanation: Mã OTP chỉ dành cho bạn."


# --- helpers -----------------------------------------------------------------------------------


@contextlib.contextmanager
def clock_at(moment: dt.datetime):
    """Forms rendered inside are stamped as fetched at `moment` (naive UTC): itsdangerous's
    clock only, so that everything else keeps the real time."""
    seconds = moment.replace(tzinfo=dt.UTC).timestamp()
    real = itsdangerous.timed.time
    itsdangerous.timed.time = SimpleNamespace(time=lambda: seconds)
    try:
        yield
    finally:
        itsdangerous.timed.time = real


def ms(moment: dt.datetime) -> str:
    return str(int(moment.replace(tzinfo=dt.UTC).timestamp() * 1000))


def quiz_page(client, slug="an-toan", query="") -> str:
    page = client.get(f"/quizzes/{slug}{query}")
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    assert 'name="fetched"' in html
    return html


def late_quiz(client, html: str, answers=ALL_RIGHT, slug="an-toan", **extra):
    """Send a quiz form the way the service worker does: its whole body plus the times."""
    data = {**answer_form(html, answers), "fetched": hidden(html, "fetched"), **extra}
    return client.post(f"/offline/quizzes/{slug}", data=data, headers=HEADERS)


def survey_page(client, slug="y-kien") -> str:
    page = client.get(f"/surveys/{slug}")
    assert page.status_code == 200, page.get_data(as_text=True)
    return page.get_data(as_text=True)


def survey_data(html: str, answers=SURVEY_ANSWERS) -> dict:
    data = {
        "csrf_token": csrf_token(html),
        "submission_token": hidden(html, "submission_token"),
        "version": hidden(html, "version"),
        "revision": hidden(html, "revision"),
        "fetched": hidden(html, "fetched"),
    }
    data.update({survey_field(qid): value for qid, value in answers.items()})
    return data


def late_survey(client, html: str, answers=SURVEY_ANSWERS, slug="y-kien", **extra):
    data = {**survey_data(html, answers), **extra}
    return client.post(f"/offline/surveys/{slug}", data=data, headers=HEADERS)


def attempts(app) -> list[Attempt]:
    with app.app_context():
        found = Attempt.query.order_by(Attempt.id).all()
        for attempt in found:
            db.session.expunge(attempt)
        return found


def responses(app, slug="y-kien") -> list[SurveyResponse]:
    with app.app_context():
        survey = Survey.query.filter_by(slug=slug).one()
        found = SurveyResponse.query.filter_by(survey_id=survey.id).all()
        for response in found:
            response.answer_values = {a.question_id: a.choice_id for a in response.answers}
            db.session.expunge(response)
        return found


def assert_refused(response, status: int, message: str):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    assert response.get_json() == {"ok": False, "message": message}


def near(a: dt.datetime, b: dt.datetime, seconds: float = 5) -> bool:
    return abs((a - b).total_seconds()) <= seconds


@pytest.fixture
def learner(client, content, identify):
    identify(client)
    return client


# --- the stamp ---------------------------------------------------------------------------------


def test_the_quiz_form_carries_a_signed_stamp_of_its_fetch(app, learner):
    html = quiz_page(learner)
    with app.app_context():
        quiz = Quiz.query.filter_by(slug="an-toan").one()
        fields, fetched = offline.read_stamp(
            "test-secret", hidden(html, "fetched"), dt.timedelta(days=30)
        )
        assert fields == [
            "q",
            quiz.id,
            quiz.current_version.id,
            hidden(html, "submission_token"),
            Participant.query.one().id,
        ]
    assert near(fetched, utcnow())


def test_answer_time_is_corrected_for_the_phone_clock_and_bounded():
    fetched = dt.datetime(2026, 11, 20, 8, 0)
    now = dt.datetime(2026, 11, 22, 8, 0)
    answered = dt.datetime(2026, 11, 21, 9, 30)
    assert offline.answered_at(answered, now, fetched, now) == answered
    # The phone's clock is 5 hours slow: both its times are, so the answer is moved back up.
    slow = dt.timedelta(hours=5)
    assert offline.answered_at(answered - slow, now - slow, fetched, now) == answered
    assert offline.answered_at(now + dt.timedelta(days=3), now, fetched, now) == now
    assert offline.answered_at(fetched - dt.timedelta(days=3), now, fetched, now) == fetched
    assert offline.answered_at(None, None, fetched, now) == now
    assert offline.answered_at(answered, None, fetched, now) == answered
    with pytest.raises(ValueError):
        offline.parse_epoch_ms("12e5")
    assert offline.parse_epoch_ms("") is None
    assert offline.parse_epoch_ms("0") == dt.datetime(1970, 1, 1)


# --- late quiz answers -------------------------------------------------------------------------


def test_a_late_quiz_answer_is_recorded_once_with_when_it_was_answered(app, learner):
    now = utcnow()
    with clock_at(now - dt.timedelta(hours=20)):
        html = quiz_page(learner)
    answered = now - dt.timedelta(hours=19)
    first = late_quiz(learner, html, answered_at=ms(answered), sent_at=ms(utcnow()))
    assert first.status_code == 200, first.get_data(as_text=True)
    body = first.get_json()
    assert body["ok"] is True and body["result"].startswith("/results/")

    # The queue sent again (a lost acknowledgement, a second sync): nothing changes.
    again = late_quiz(learner, html, answered_at=ms(answered), sent_at=ms(utcnow()))
    assert again.status_code == 200 and again.get_json() == body
    [attempt] = attempts(app)
    assert (attempt.score_percent, attempt.passed, attempt.number) == (100, True, 1)
    assert near(attempt.answered_at, answered, 2)
    # It counts when it was answered, not when it arrived.
    assert attempt.submitted_at == attempt.answered_at
    assert learner.get(body["result"]).status_code == 200
    with app.app_context():
        [certificate] = Certificate.query.all()
        assert certificate.issued_at == attempt.answered_at


def test_an_answer_submitted_online_counts_when_it_was_submitted(app, learner):
    html = quiz_page(learner)
    assert learner.post("/quizzes/an-toan", data=answer_form(html, ALL_RIGHT)).status_code == 303
    [attempt] = attempts(app)
    assert attempt.answered_at is None and near(attempt.submitted_at, utcnow())
    with app.app_context():
        assert near(Certificate.query.one().issued_at, utcnow())


# Answered on 4 June 2026 at 23:00 in Vietnam (16:00 UTC), inside the 2026-H1 window (6 December
# to 5 June) and a class report for 1–5 June; the phone only found signal on 6 June, in 2026-H2.
JUNE_FETCHED = dt.datetime(2026, 6, 3, 2, 0)
JUNE_ANSWERED = dt.datetime(2026, 6, 4, 16, 0)
JUNE_SENT = dt.datetime(2026, 6, 6, 3, 0)


def test_a_late_pass_counts_in_the_period_it_was_answered_in(
    app, client, content, participant_in_db, monkeypatch
):
    _id, token = participant_in_db("Hoàng Văn Nam", role="student", unit="class")
    client.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    with app.app_context():  # the quiz trains students too
        Quiz.query.filter_by(slug="an-toan").one().training_for = ["villager", "student"]
        database.commit()
    with clock_at(JUNE_FETCHED):
        html = quiz_page(client)
    monkeypatch.setattr("blueprints.learn.offline.utcnow", lambda: JUNE_SENT)
    with clock_at(JUNE_SENT):
        sent = late_quiz(client, html, answered_at=ms(JUNE_ANSWERED), sent_at=ms(JUNE_SENT))
    assert sent.status_code == 200, sent.get_data(as_text=True)
    [attempt] = attempts(app)
    assert (attempt.answered_at, attempt.submitted_at) == (JUNE_ANSWERED, JUNE_ANSWERED)
    tz = "Asia/Ho_Chi_Minh"
    with app.app_context():
        klass = Participant.query.one().unit_id
        h1, h2 = (periods.half_year(2026, half) for half in (1, 2))
        assert h1.end == dt.date(2026, 6, 5)
        trained_h1 = indicators.trained_by_unit(Period(h1.start, h1.end, tz))
        trained_h2 = indicators.trained_by_unit(Period(h2.start, h2.end, tz))
        assert (trained_h1, trained_h2) == ({klass: 1}, {})

        def row(start, end):
            report = reports.unit_report("Lớp 7A", {klass}, Period(start, end, tz))
            [person] = report.people
            return person.quizzes_passed, person.certificates, person.last_activity

        early_june = row(dt.date(2026, 6, 1), dt.date(2026, 6, 5))
        assert early_june == (1, 1, JUNE_ANSWERED)
        assert row(dt.date(2026, 6, 6), dt.date(2026, 6, 30))[:2] == (0, 0)
        certificate = Certificate.query.one()
        assert local_date(certificate.issued_at, tz) == dt.date(2026, 6, 4)
        assert certificate.serial.split("-")[1] == "2026"


def test_a_late_answer_needs_no_cookie_the_stamp_names_the_learner(app, client, learner):
    html = quiz_page(learner)
    stranger = app.test_client()  # site data cleared, or "Không phải tôi" on a shared phone
    response = late_quiz(stranger, html, HALF_RIGHT)
    assert response.status_code == 200, response.get_data(as_text=True)
    [attempt] = attempts(app)
    assert attempt.score_percent == 50
    assert learner.get(response.get_json()["result"]).status_code == 200
    assert stranger.get(response.get_json()["result"]).status_code == 404


def test_an_answer_time_in_the_future_becomes_now(app, learner):
    html = quiz_page(learner)
    future = utcnow() + dt.timedelta(days=2)
    assert late_quiz(learner, html, answered_at=ms(future), sent_at=ms(utcnow())).status_code == 200
    [attempt] = attempts(app)
    assert attempt.answered_at <= attempt.submitted_at + dt.timedelta(seconds=1)
    assert near(attempt.answered_at, utcnow())


def test_an_answer_time_before_the_fetch_becomes_the_fetch_time(app, learner):
    fetched = (utcnow() - dt.timedelta(hours=3)).replace(microsecond=0)
    with clock_at(fetched):
        html = quiz_page(learner)
    long_ago = fetched - dt.timedelta(days=40)
    response = late_quiz(learner, html, answered_at=ms(long_ago), sent_at=ms(utcnow()))
    assert response.status_code == 200
    assert attempts(app)[0].answered_at == fetched


def test_a_slow_phone_clock_is_corrected(app, learner):
    now = utcnow()
    with clock_at(now - dt.timedelta(hours=2)):
        html = quiz_page(learner)
    slow = dt.timedelta(hours=7)
    answered = now - dt.timedelta(hours=1)
    response = late_quiz(
        learner, html, answered_at=ms(answered - slow), sent_at=ms(utcnow() - slow)
    )
    assert response.status_code == 200
    assert near(attempts(app)[0].answered_at, answered, 3)


@pytest.mark.parametrize("field", ["answered_at", "sent_at"])
@pytest.mark.parametrize("value", ["abc", "-5", "1e12", "9" * 14, "9" * 15, "9" * 16])
def test_a_malformed_answer_time_is_refused(app, learner, field, value):
    """Past the year 9999 a time would overflow (a 500): at most 13 digits (the year 2286)."""
    html = quiz_page(learner)
    assert_refused(late_quiz(learner, html, **{field: value}), 400, INVALID)
    assert attempts(app) == []


def test_thirteen_digits_are_still_a_time(app, learner):
    html = quiz_page(learner)
    response = late_quiz(learner, html, answered_at="9" * 13, sent_at="9" * 13)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert near(attempts(app)[0].answered_at, utcnow())


def test_a_tampered_stamp_is_refused(app, learner):
    html = quiz_page(learner)
    stamp = hidden(html, "fetched")
    forged = stamp[:-3] + ("AAA" if not stamp.endswith("AAA") else "BBB")
    assert_refused(late_quiz(learner, html, fetched=forged), 400, INVALID)
    assert_refused(late_quiz(learner, html, fetched=""), 400, INVALID)
    assert_refused(late_quiz(learner, html, fetched="x" * 500), 400, INVALID)
    assert attempts(app) == []


def test_a_stamp_signed_with_another_secret_is_refused(app, learner):
    html = quiz_page(learner)
    fields, _fetched = offline.read_stamp(
        "test-secret", hidden(html, "fetched"), dt.timedelta(days=1)
    )
    unknown = offline.stamp("another-secret", *fields)
    assert_refused(late_quiz(learner, html, fetched=unknown), 400, INVALID)
    assert attempts(app) == []


def test_an_expired_stamp_is_refused_with_a_reason(app, learner):
    with clock_at(utcnow() - dt.timedelta(days=31)):
        html = quiz_page(learner)
    message = "Bài làm được lưu quá 30 ngày nên không gửi được nữa. Vui lòng làm lại."
    assert_refused(late_quiz(learner, html), 400, message)
    assert attempts(app) == []


def test_a_stamp_within_the_limit_is_accepted(app, learner):
    with clock_at(utcnow() - dt.timedelta(days=29)):
        html = quiz_page(learner)
    assert late_quiz(learner, html).status_code == 200
    assert len(attempts(app)) == 1


def test_another_learners_stamp_or_token_is_refused(app, learner, identify):
    mine = quiz_page(learner)
    other = app.test_client()
    identify(other, name="Hoàng Văn Nam")
    theirs = quiz_page(other)
    # Their stamp on my form, and my stamp on their form: both name another form.
    assert_refused(late_quiz(learner, mine, fetched=hidden(theirs, "fetched")), 400, INVALID)
    assert_refused(late_quiz(other, theirs, fetched=hidden(mine, "fetched")), 400, INVALID)
    # My stamp with their idempotency token.
    forged = late_quiz(learner, mine, submission_token=hidden(theirs, "submission_token"))
    assert_refused(forged, 400, INVALID)
    assert attempts(app) == []


def test_the_header_is_required(app, learner):
    html = quiz_page(learner)
    data = {**answer_form(html, ALL_RIGHT), "fetched": hidden(html, "fetched")}
    # A cross-site form can send the same body but not the header.
    response = learner.post("/offline/quizzes/an-toan", data=data)
    assert_refused(response, 400, INVALID)
    assert attempts(app) == []


def test_an_incomplete_answer_is_refused(app, learner):
    html = quiz_page(learner)
    response = late_quiz(learner, html, {"otp": "a"})
    assert_refused(response, 400, "Bài làm chưa đủ câu trả lời. Vui lòng làm lại bài.")
    response = late_quiz(learner, html, {**ALL_RIGHT, "otp": "z"})
    assert response.status_code == 400
    assert attempts(app) == []


def test_unknown_quiz_or_version(app, learner):
    html = quiz_page(learner)
    assert_refused(
        late_quiz(learner, html, slug="khong-co"), 404, "Không tìm thấy bài kiểm tra này."
    )
    with app.app_context():
        other_version = Quiz.query.filter_by(slug="gioi-han").one().current_version.id
    assert_refused(late_quiz(learner, html, version=str(other_version)), 400, INVALID)
    assert_refused(late_quiz(learner, html, version="abc"), 400, INVALID)
    assert attempts(app) == []


def test_an_answer_sent_online_first_is_not_doubled_by_the_late_copy(app, learner):
    html = quiz_page(learner)
    online = learner.post("/quizzes/an-toan", data=answer_form(html, ALL_RIGHT))
    assert online.status_code == 303
    late = late_quiz(learner, html, HALF_RIGHT, answered_at=ms(utcnow()))
    assert late.status_code == 200
    assert late.get_json()["result"] == online.headers["Location"]
    [attempt] = attempts(app)
    assert attempt.score_percent == 100 and attempt.answered_at is None


def test_the_next_attempts_form_is_its_own_answer(app, learner):
    first = quiz_page(learner)
    assert late_quiz(learner, first, HALF_RIGHT).status_code == 200
    second = quiz_page(learner, query="?lan=2")
    assert late_quiz(learner, second).status_code == 200
    assert late_quiz(learner, second).status_code == 200
    assert [(a.number, a.score_percent) for a in attempts(app)] == [(1, 50), (2, 100)]


def test_a_quiz_changed_in_between_scores_the_version_the_learner_saw(app, learner, tmp_path):
    html = quiz_page(learner)  # version 1: the OTP answer is "a"
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    path = folder / "01-an-toan.yaml"
    text = path.read_text(encoding="utf-8")
    assert OTP_ANSWER in text
    path.write_text(text.replace(OTP_ANSWER, OTP_ANSWER.replace("answer: a", "answer: b")))
    with app.app_context():
        assert content_loader.load(folder).new_quiz_versions == ["an-toan v2"]
        database.commit()
        quiz = Quiz.query.filter_by(slug="an-toan").one()
        v1, v2 = (v.id for v in quiz.versions)

    response = late_quiz(learner, html, ALL_RIGHT)
    assert response.status_code == 200, response.get_data(as_text=True)
    [attempt] = attempts(app)
    assert attempt.quiz_version_id == v1
    assert attempt.score_percent == 100
    # The stamp names version 1: a form relabelled as version 2 is not the form fetched.
    assert_refused(late_quiz(learner, html, version=str(v2)), 400, INVALID)


def test_saving_a_topic_does_not_count_as_opening_the_quiz(app, learner):
    learner.get("/quizzes/an-toan", headers={"X-Lantoa-Save": "1"})
    with app.app_context():
        assert Visit.query.filter_by(kind="quiz").count() == 0
    learner.get("/quizzes/an-toan")
    with app.app_context():
        assert Visit.query.filter_by(kind="quiz").count() == 1


# --- late survey answers -----------------------------------------------------------------------


@pytest.fixture
def respondent(client, surveys, identify):
    identify(client)
    return client


def test_a_late_survey_answer_is_recorded_once_on_the_day_it_was_answered(app, respondent):
    now = utcnow()
    with clock_at(now - dt.timedelta(days=3)):
        html = survey_page(respondent)
    answered = now - dt.timedelta(days=2)
    first = late_survey(respondent, html, answered_at=ms(answered), sent_at=ms(utcnow()))
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json() == {"ok": True, "result": "/surveys/y-kien"}
    again = late_survey(respondent, html, answered_at=ms(answered), sent_at=ms(utcnow()))
    assert again.status_code == 200
    [response] = responses(app)
    assert response.revision == 1
    assert response.answer_values == {"da-nghe": "roi", "hieu": "4"}
    assert response.submitted_on == local_date(answered, "Asia/Ho_Chi_Minh")
    # A named survey keeps exact times: when it was answered, not when it arrived; and it
    # counts as reaching the person then.
    assert near(response.submitted_at, answered, 2)
    assert response.updated_at == response.submitted_at
    with app.app_context():
        [reach] = Visit.query.filter_by(kind="survey").order_by(Visit.id.desc()).limit(1).all()
        assert reach.visited_at == response.submitted_at


def test_a_survey_closed_since_still_takes_answers_given_while_open(app, respondent, tmp_path):
    now = utcnow()
    with clock_at(now - dt.timedelta(days=4)):
        html = survey_page(respondent)
    yesterday = local_date(now, "Asia/Ho_Chi_Minh") - dt.timedelta(days=1)
    folder = tmp_path / "surveys"
    shutil.copytree(FIXTURE_SURVEYS, folder)
    path = folder / "y-kien.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "questions:\n", f"closes: {yesterday.isoformat()}\nquestions:\n", 1
        ),
        encoding="utf-8",
    )
    with app.app_context():
        content_loader.load(folder)
        database.commit()
    # Answered today, after the survey closed: refused, with the reason.
    late = late_survey(respondent, html, answered_at=ms(utcnow()), sent_at=ms(utcnow()))
    assert_refused(late, 422, "Phiếu khảo sát đã đóng khi bạn trả lời.")
    # Answered three days ago, while it was open: kept.
    answered = now - dt.timedelta(days=3)
    ok = late_survey(respondent, html, answered_at=ms(answered), sent_at=ms(utcnow()))
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert len(responses(app)) == 1


def test_a_late_survey_edit_keeps_when_it_was_answered(app, respondent):
    now = utcnow()
    with clock_at(now - dt.timedelta(hours=12)):
        first = survey_page(respondent)
    first_answered = now - dt.timedelta(hours=10)
    assert late_survey(respondent, first, answered_at=ms(first_answered)).status_code == 200
    with clock_at(now - dt.timedelta(hours=5)):
        # A new browser session (the earlier one is 12 hours old): "Bạn là …?" first.
        confirm_who(respondent, "/confirm?next=/surveys/y-kien")
        edit = survey_page(respondent, "y-kien?sua=1")  # the edit form, kept on the phone
    answered = utcnow() - dt.timedelta(hours=4)
    late = late_survey(respondent, edit, {"da-nghe": "chua", "hieu": "2"}, answered_at=ms(answered))
    assert late.status_code == 200, late.get_data(as_text=True)
    [response] = responses(app)
    assert response.revision == 2 and response.answer_values == {"da-nghe": "chua", "hieu": "2"}
    assert near(response.submitted_at, first_answered, 2)
    assert near(response.updated_at, answered, 2)


def test_a_late_survey_answer_never_replaces_answers_changed_since(app, respondent):
    kept_offline = survey_page(respondent)
    online = respondent.post("/surveys/y-kien", data=survey_data(survey_page(respondent)))
    assert online.status_code == 303
    late = late_survey(respondent, kept_offline, {"da-nghe": "chua", "hieu": "1"})
    message = "Phiếu này đã được trả lời lại ở trang khác; câu trả lời đó được giữ nguyên."
    assert_refused(late, 422, message)
    [response] = responses(app)
    assert response.answer_values == {"da-nghe": "roi", "hieu": "4"}


def test_a_late_anonymous_survey_answer(app, client, surveys):
    html = survey_page(client, "an-danh")
    answers = {"thanh-toan": "chua"}
    for _ in range(2):
        response = late_survey(client, html, answers, slug="an-danh")
        assert response.status_code == 200, response.get_data(as_text=True)
    [response] = responses(app, "an-danh")
    assert response.participant_id is None and response.revision == 1
    assert response.answer_values == {"thanh-toan": "chua"}


def test_a_stamped_anonymous_form_makes_one_response_whatever_the_cookies(
    app, client, surveys, identify
):
    """The same form sent three times without the device cookie (a cleared phone, or someone
    stuffing the survey), then with another device's cookie: one response, which the device
    that fetched the form still finds."""
    identify(client)
    html = survey_page(client, "an-danh")
    device = client.get_cookie("lt_device").value
    for _ in range(3):
        cookieless = app.test_client()
        sent = late_survey(cookieless, html, {"thanh-toan": "chua"}, slug="an-danh")
        assert sent.status_code == 200, sent.get_data(as_text=True)
    other = app.test_client()
    survey_page(other, "an-danh")  # another device, with its own cookie
    assert other.get_cookie("lt_device").value != device
    again = late_survey(other, html, {"thanh-toan": "roi"}, slug="an-danh")
    assert again.status_code == 200
    [response] = responses(app, "an-danh")
    assert response.answer_values == {"thanh-toan": "chua"} and response.revision == 1
    # Anonymity: the stamp names the device's one-way key (what the response is filed under),
    # not the participant, and nothing stored links the response to them.
    fields, _fetched = offline.read_stamp("test-secret", hidden(html, "fetched"), dt.timedelta(1))
    with app.app_context():
        survey = Survey.query.filter_by(slug="an-danh").one()
        assert fields[4] == respondent_key(survey, None, device) == response.respondent_key
        participant = Participant.query.one()
    assert fields[4] != participant.id and response.participant_id is None
    # Sent by other sessions, not this one: the device knows it answered, shows no answers.
    assert "Thiết bị này đã gửi một câu trả lời" in survey_page(client, "an-danh")


def test_an_anonymous_stamp_without_its_respondent_is_refused(app, client, surveys):
    html = survey_page(client, "an-danh")
    fields, _fetched = offline.read_stamp("test-secret", hidden(html, "fetched"), dt.timedelta(1))
    for owner in (None, 7, "p7", "x" * 64):
        forged = offline.stamp("test-secret", *fields[:4], owner)
        sent = late_survey(client, html, {"thanh-toan": "chua"}, slug="an-danh", fetched=forged)
        assert_refused(sent, 400, INVALID)
    assert responses(app, "an-danh") == []


def test_an_anonymous_form_sent_twice_online_without_the_device_cookie_is_one_response(
    app, client, surveys
):
    html = survey_page(client, "an-danh")
    data = {**survey_data(html, {"thanh-toan": "chua"})}
    for _ in range(2):
        client.delete_cookie("lt_device")
        sent = client.post("/surveys/an-danh", data=data)
        assert sent.status_code == 303, sent.get_data(as_text=True)
    assert len(responses(app, "an-danh")) == 1


def test_a_late_anonymous_answer_counts_only_its_own_surveys_poster(
    app, client, surveys, make_poster
):
    """A lesson poster scanned earlier must not be credited with an anonymous survey answer
    sent later; the survey's own poster is."""
    lesson_poster = make_poster()
    client.get(f"/p/{lesson_poster}")
    html = survey_page(client, "an-danh")
    assert late_survey(client, html, {"thanh-toan": "roi"}, slug="an-danh").status_code == 200
    survey_poster = make_poster("an-danh", target="survey")
    client.get(f"/p/{survey_poster}")
    other = app.test_client()
    other.get(f"/p/{survey_poster}")
    html = survey_page(other, "an-danh")
    assert late_survey(other, html, {"thanh-toan": "chua"}, slug="an-danh").status_code == 200
    with app.app_context():
        posters = {
            r.answers[0].choice_id: r.poster_id
            for r in SurveyResponse.query.order_by(SurveyResponse.id)
        }
        expected = Poster.query.filter_by(code=survey_poster).one().id
    assert posters == {"roi": None, "chua": expected}


def test_survey_stamps_are_checked_like_quiz_stamps(app, respondent, content):
    html = survey_page(respondent)
    assert_refused(late_survey(respondent, html, fetched="nope"), 400, INVALID)
    quiz_stamp = hidden(quiz_page(respondent), "fetched")
    assert_refused(late_survey(respondent, html, fetched=quiz_stamp), 400, INVALID)
    assert_refused(
        late_survey(respondent, html, submission_token=secrets.token_urlsafe(24)), 400, INVALID
    )
    with clock_at(utcnow() - dt.timedelta(days=45)):
        old = survey_page(respondent)
    expired = late_survey(respondent, old)
    assert expired.status_code == 400 and "quá 30 ngày" in expired.get_json()["message"]
    assert responses(app) == []


def test_saving_a_topic_does_not_count_as_opening_its_surveys(app, respondent):
    respondent.get("/surveys/y-kien", headers={"X-Lantoa-Save": "1"})
    with app.app_context():
        assert Visit.query.filter_by(kind="survey").count() == 0
    respondent.get("/surveys/y-kien")
    with app.app_context():
        assert Visit.query.filter_by(kind="survey").count() == 1


# --- a topic's pack ----------------------------------------------------------------------------


def test_the_topic_pack_lists_every_file_with_its_size(app, learner, surveys):
    response = learner.get("/offline/topics/an-toan.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    pack = response.get_json()
    urls = [f["url"] for f in pack["files"]]
    assert urls == [
        "/lessons/an-toan",
        "/media/otp.png",
        "/quizzes/an-toan",
        "/surveys/an-danh",
        "/surveys/y-kien",
        "/",
    ]
    image = next(f for f in pack["files"] if f["url"] == "/media/otp.png")
    assert image["bytes"] == (FIXTURE_CONTENT / "media" / "otp.png").stat().st_size
    assert pack["bytes"] == sum(f["bytes"] for f in pack["files"])
    assert pack["size"] == f"Khoảng {round(pack['bytes'] / 1024)} KB"
    assert pack["url"] == "/offline/topics/an-toan.json"


def test_after_an_attempt_the_pack_keeps_the_next_attempts_form(app, learner):
    assert late_quiz(learner, quiz_page(learner), HALF_RIGHT).status_code == 200
    files = learner.get("/offline/topics/an-toan.json").get_json()["files"]
    quiz = next(f for f in files if f["url"] == "/quizzes/an-toan")
    assert quiz["fetch"] == "/quizzes/an-toan?lan=2"


def test_the_pack_carries_the_lesson_audio_of_every_language(
    app, client, places, identify, tmp_path, monkeypatch
):
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    (folder / "media" / "bai-vi.mp3").write_bytes(b"\x00" * 3000)
    (folder / "media" / "bai-tay.mp3").write_bytes(b"\x00" * 5000)
    path = folder / "01-an-toan.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "lesson:\n", "lesson:\n  audio: {vi: media/bai-vi.mp3, tay: media/bai-tay.mp3}\n"
        ),
        encoding="utf-8",
    )
    with app.app_context():
        content_loader.load(folder)
        database.commit()
    monkeypatch.setitem(app.config, "CONTENT_DIR", str(folder))
    identify(client)
    files = client.get("/offline/topics/an-toan.json").get_json()["files"]
    sizes = {f["url"]: f["bytes"] for f in files}
    assert sizes["/media/bai-vi.mp3"] == 3000
    assert sizes["/media/bai-tay.mp3"] == 5000


def test_the_pack_needs_a_known_learner_and_a_known_lesson(client, content, identify):
    response = client.get("/offline/topics/an-toan.json")
    assert_refused(response, 403, "Vui lòng cho biết bạn là ai trước khi lưu bài.")
    identify(client)
    assert_refused(client.get("/offline/topics/khong-co.json"), 404, "Không tìm thấy bài học này.")


# --- service worker, manifest, pages -----------------------------------------------------------


def test_the_service_worker_is_served_at_the_root_and_names_its_caches_by_version(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    script = response.get_data(as_text=True)
    assert "__VERSION__" not in script and "__ASSETS__" not in script
    etag = response.headers["ETag"].strip('"')
    assert f'VERSION = "{etag}"' in script
    for asset in ("/static/css/app.css", "/static/js/offline.js", "/offline"):
        assert f'"{asset}"' in script
    assert client.get("/sw.js", headers={"If-None-Match": f'"{etag}"'}).status_code == 304


def test_the_manifest_names_the_app_in_vietnamese_with_its_icons(client):
    response = client.get("/static/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == manifest["short_name"] == "Lan Tỏa"
    assert (manifest["start_url"], manifest["display"]) == ("/", "standalone")
    seen = set()
    for icon in manifest["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.mimetype == "image/png"
        with Image.open(io.BytesIO(png.data)) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
        seen.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= seen


def test_pages_link_the_manifest_and_one_offline_script(client, content, identify):
    identify(client)
    html = client.get("/lessons/an-toan").get_data(as_text=True)
    assert html.count('rel="manifest"') == 1
    assert html.count("js/offline.js") == 1
    assert 'data-queued="Đã lưu trên máy, sẽ gửi khi có mạng"' in html
    # The save box is there for the script, hidden without it.
    assert '<div class="card" id="offline-save" hidden' in html
    assert 'data-pack="/offline/topics/an-toan.json"' in html


def test_the_offline_page(client):
    response = client.get("/offline")
    assert response.status_code == 200
    assert "Không có mạng" in response.get_data(as_text=True)


def test_json_and_scripts_are_compressed(client):
    for url in ("/sw.js", "/static/js/offline.js", "/static/manifest.webmanifest"):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("Content-Encoding") == "gzip", url
