"""Storage faults (issue 13): a write lock held past the busy timeout, a full disk, a read-only
database and a database gone never lose what a learner typed. A form submit answers 503 with
Retry-After and the form again, answers as typed, and saves nothing; the same form sent again
once the fault clears is recorded exactly once. Pages that only record a visit still show.

The `storage_fault` fixture makes every write (a flush's statement) or every commit raise the
engine's own error class with the message the real fault gives; two faults are also made for
real on SQLite (another connection's BEGIN IMMEDIATE, PRAGMA query_only).
"""

import contextlib
import html as html_lib
import logging
import re
import sqlite3

import psycopg.errors
import pytest
from conftest import csrf_token, hidden
from helpers import ALL_RIGHT, answer_form
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError

import storage_faults
from blueprints.learn.survey_forms import field_name, other_name
from extensions import db
from models import Answer, Attempt, Scan, SurveyAnswer, SurveyResponse, Visit
from storage_faults import Fault

KINDS = ["locked", "full", "read_only", "unavailable"]
CAUSES = {
    "locked": "Chưa lưu được vì hệ thống đang bận.",
    "full": "Chưa lưu được vì bộ nhớ của hệ thống đã đầy.",
    "read_only": "Chưa lưu được vì hệ thống tạm thời không ghi được dữ liệu.",
    "unavailable": "Chưa lưu được vì tạm thời không kết nối được tới kho dữ liệu.",
}
QUIZ_AGAIN = "Các câu trả lời của bạn vẫn còn trên trang này. Hãy bấm “Nộp bài” lại sau ít phút."
SURVEY_AGAIN = (
    "Các câu trả lời của bạn vẫn còn trên trang này. Hãy bấm “Gửi câu trả lời” lại sau ít phút."
)
SQLITE_ERRORS = {
    "locked": "database is locked",
    "full": "database or disk is full",
    "read_only": "attempt to write a readonly database",
    "unavailable": "unable to open database file",
}
PG_ERRORS = {
    "locked": (psycopg.errors.LockNotAvailable, "canceling statement due to lock timeout"),
    "full": (
        psycopg.errors.DiskFull,
        'could not extend file "base/16384/16385": No space left on device',
    ),
    "read_only": (
        psycopg.errors.ReadOnlySqlTransaction,
        "cannot execute INSERT in a read-only transaction",
    ),
    "unavailable": (
        psycopg.errors.AdminShutdown,
        "terminating connection due to administrator command",
    ),
}
WRITES = ("INSERT", "UPDATE", "DELETE")
SURVEY_FULL = {
    "da-nghe": "roi",
    "nguon": ["loa", "other"],
    "nguon:other": "Cán bộ xã đến tận nhà",
    "hieu": "4",
    "so-lan": "12",
    "gop-y": "Nên mở thêm lớp buổi tối.",
}
ANON = {"thanh-toan": "roi", "kho-khan": "Sóng yếu ở thôn."}
OFFLINE = {"X-Lantoa-Offline": "1"}


class Injector:
    """While set, every write (at="write") or every commit (at="commit") raises `kind`."""

    def __init__(self, engine):
        self.engine, self.kind, self.at = engine, None, "write"

    def __call__(self, kind: str, at: str = "write") -> None:
        self.kind, self.at = kind, at

    def clear(self) -> None:
        self.kind = None

    def error(self) -> Exception:
        if self.engine.dialect.name == "postgresql":
            cls, message = PG_ERRORS[self.kind]
            return cls(message)
        return sqlite3.OperationalError(SQLITE_ERRORS[self.kind])

    def on_statement(self, _conn, _cursor, statement, *_args):
        if self.kind and self.at == "write" and statement.lstrip()[:6].upper() in WRITES:
            raise self.error()


@pytest.fixture
def storage_fault(app, monkeypatch):
    with app.app_context():
        engine = db.engine
    injector = Injector(engine)
    event.listen(engine, "before_cursor_execute", injector.on_statement)
    real_commit = engine.dialect.do_commit

    def do_commit(dbapi_connection):
        if injector.kind and injector.at == "commit":
            raise injector.error()
        return real_commit(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_commit", do_commit)
    yield injector
    injector.clear()
    event.remove(engine, "before_cursor_execute", injector.on_statement)


# --- helpers -----------------------------------------------------------------------------------


def text_of(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def inputs(page_html: str) -> list[dict]:
    """Every <input> of the page as its attributes (a bare `checked` is "")."""
    found = []
    for tag in re.findall(r"<input\b[^>]*>", page_html):
        attrs = dict(re.findall(r'([a-z_-]+)(?:="([^"]*)")?', tag[len("<input") :]))
        found.append({k: html_lib.unescape(v) for k, v in attrs.items()})
    return found


def checked(page_html: str) -> set[tuple[str, str]]:
    return {(i.get("name"), i.get("value")) for i in inputs(page_html) if "checked" in i}


def typed(page_html: str, name: str) -> str | None:
    """The text of a text/number input or a textarea."""
    for i in inputs(page_html):
        if i.get("name") == name and i.get("type") not in ("radio", "checkbox", "hidden"):
            return i.get("value", "")
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page_html, re.S)
    return html_lib.unescape(match.group(1)).strip() if match else None


def count(app, model) -> int:
    with app.app_context():
        return model.query.count()


def assert_not_saved_page(response, kind: str, again: str):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
    assert "private" in response.headers["Cache-Control"]  # never kept by a shared cache
    page = text_of(response)
    assert f"{CAUSES[kind]} {again}" in page
    assert "Dữ liệu đã lưu của bạn không bị mất" not in page


def quiz_form(client) -> dict:
    page = client.get("/quizzes/an-toan")
    assert page.status_code == 200
    return answer_form(page.get_data(as_text=True), ALL_RIGHT)


def survey_form(client, slug: str, answers: dict) -> dict:
    page = client.get(f"/surveys/{slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(html),
        "submission_token": hidden(html, "submission_token"),
        "version": hidden(html, "version"),
        "revision": hidden(html, "revision"),
        "fetched": hidden(html, "fetched"),
    }
    for key, value in answers.items():
        qid, _, part = key.partition(":")
        data[other_name(qid) if part else field_name(qid)] = value
    return data


@pytest.fixture
def learner(client, content, surveys, identify):
    identify(client)
    return client


# --- forms: the answers stay on the page, nothing half-saved, one record after the retry -------


@pytest.mark.parametrize("at", ["write", "commit"])
@pytest.mark.parametrize("kind", KINDS)
def test_quiz_submit_keeps_the_answers_then_records_once(app, learner, storage_fault, kind, at):
    data = quiz_form(learner)
    storage_fault(kind, at)
    refused = learner.post("/quizzes/an-toan", data=data)
    assert_not_saved_page(refused, kind, QUIZ_AGAIN)
    page = refused.get_data(as_text=True)
    assert checked(page) >= {
        ("q_otp", "a"),
        ("q_dau_hieu", "a"),
        ("q_dau_hieu", "b"),
        ("q_cap_nhat", "true"),
        ("q_ung_dung", "a"),
    }
    assert ("q_dau_hieu", "c") not in checked(page)
    assert hidden(page, "submission_token") == data["submission_token"]
    assert count(app, Attempt) == 0 and count(app, Answer) == 0

    storage_fault.clear()
    for _ in range(2):  # the retry, then a double tap
        again = learner.post("/quizzes/an-toan", data=data)
        assert again.status_code == 303, again.get_data(as_text=True)
        assert again.headers["Location"].startswith("/results/")
    assert count(app, Attempt) == 1


@pytest.mark.parametrize("at", ["write", "commit"])
@pytest.mark.parametrize("kind", KINDS)
def test_named_survey_keeps_every_answer_then_records_once(app, learner, storage_fault, kind, at):
    data = survey_form(learner, "y-kien", SURVEY_FULL)
    storage_fault(kind, at)
    refused = learner.post("/surveys/y-kien", data=data)
    assert_not_saved_page(refused, kind, SURVEY_AGAIN)
    page = refused.get_data(as_text=True)
    assert checked(page) >= {
        (field_name("da-nghe"), "roi"),
        (field_name("nguon"), "loa"),
        (field_name("nguon"), "other"),
        (field_name("hieu"), "4"),
    }
    assert typed(page, other_name("nguon")) == "Cán bộ xã đến tận nhà"
    assert typed(page, field_name("so-lan")) == "12"
    assert typed(page, field_name("gop-y")) == "Nên mở thêm lớp buổi tối."
    assert hidden(page, "submission_token") == data["submission_token"]
    assert count(app, SurveyResponse) == 0 and count(app, SurveyAnswer) == 0

    storage_fault.clear()
    again = learner.post("/surveys/y-kien", data=data)
    assert again.status_code == 303, again.get_data(as_text=True)
    assert learner.post("/surveys/y-kien", data=data).status_code == 303
    assert count(app, SurveyResponse) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_survey_keeps_the_answers_then_records_once(
    app, client, surveys, storage_fault, kind
):
    data = survey_form(client, "an-danh", ANON)
    storage_fault(kind)
    refused = client.post("/surveys/an-danh", data=data)
    assert_not_saved_page(refused, kind, SURVEY_AGAIN)
    page = refused.get_data(as_text=True)
    assert (field_name("thanh-toan"), "roi") in checked(page)
    assert typed(page, field_name("kho-khan")) == "Sóng yếu ở thôn."
    assert count(app, SurveyResponse) == 0

    storage_fault.clear()
    assert client.post("/surveys/an-danh", data=data).status_code == 303
    assert client.post("/surveys/an-danh", data=data).status_code == 303
    assert count(app, SurveyResponse) == 1


def test_the_retry_form_from_the_503_page_records_once(app, learner, storage_fault):
    """Pressing the button on the page that came back sends the same idempotency token."""
    data = quiz_form(learner)
    storage_fault("full")
    page = learner.post("/quizzes/an-toan", data=data).get_data(as_text=True)
    storage_fault.clear()
    resent = answer_form(page, ALL_RIGHT)
    assert resent["submission_token"] == data["submission_token"]
    assert learner.post("/quizzes/an-toan", data=resent).status_code == 303
    assert learner.post("/quizzes/an-toan", data=data).status_code == 303
    assert count(app, Attempt) == 1


# --- pages that only record a visit --------------------------------------------------------------


@pytest.mark.parametrize("at", ["write", "commit"])
@pytest.mark.parametrize("kind", KINDS)
def test_lesson_page_shows_when_the_visit_cannot_be_written(app, learner, storage_fault, kind, at):
    storage_fault(kind, at)
    page = learner.get("/lessons/an-toan")
    assert page.status_code == 200, page.get_data(as_text=True)
    assert "Không bao giờ đưa" in text_of(page)
    storage_fault.clear()
    assert count(app, Visit) == 0


@pytest.mark.parametrize("at", ["write", "commit"])
@pytest.mark.parametrize("kind", KINDS)
def test_poster_leads_to_its_lesson_when_the_scan_cannot_be_written(
    app, client, identify, make_poster, storage_fault, kind, at
):
    code = make_poster()
    identify(client)
    storage_fault(kind, at)
    page = client.get(f"/p/{code}", follow_redirects=True)
    assert page.status_code == 200, page.get_data(as_text=True)
    assert "Không bao giờ đưa" in text_of(page)
    storage_fault.clear()
    assert count(app, Scan) == 0 and count(app, Visit) == 0
    # The next scan, once the storage is back, counts as usual.
    assert client.get(f"/p/{code}").status_code == 302
    assert count(app, Scan) == 1


# --- the operator's log, the generic page, and errors that are bugs -----------------------------


def test_the_log_names_the_fault_and_the_endpoint(learner, storage_fault, caplog):
    data = quiz_form(learner)
    storage_fault("full")
    with caplog.at_level(logging.WARNING):
        learner.post("/quizzes/an-toan", data=data)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("full" in line and "learn.quiz" in line for line in lines), lines
    assert all(r.exc_info is None for r in caplog.records)


def test_a_form_without_its_own_page_gets_a_generic_503(app, client, places, storage_fault):
    page = client.get("/identify")
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "display_name": "Nguyễn Văn An",
        "role": "villager",
        "unit_id": str(places["village"]),
        "age_band": "30-44",
    }
    storage_fault("locked")
    refused = client.post("/identify", data=data)
    assert refused.status_code == 503
    # /identify is rate-limited: Flask-Limiter re-writes Retry-After as whole seconds from now,
    # so the fault's 30 s may read 29.
    assert int(refused.headers["Retry-After"]) in (29, 30)
    assert f"{CAUSES['locked']} Vui lòng thử lại sau ít phút." in text_of(refused)
    assert (
        refused.headers.get("Set-Cookie") is None or "lt_pid" not in refused.headers["Set-Cookie"]
    )


def test_a_database_error_that_is_a_bug_is_still_a_500(app, learner, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such column: x"))

    monkeypatch.setattr("blueprints.learn.routes.catalog.lesson_html", broken)
    page = learner.get("/lessons/an-toan")
    assert page.status_code == 500
    assert "Retry-After" not in page.headers
    assert "Dữ liệu đã lưu của bạn không bị mất" not in text_of(page)
    assert "Hệ thống gặp sự cố nên chưa làm được việc bạn vừa yêu cầu." in text_of(page)


# --- answers sent late from a phone: 503 keeps them in the phone's queue ------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_late_quiz_is_refused_with_503_and_not_recorded(app, learner, storage_fault, kind):
    page = learner.get("/quizzes/an-toan").get_data(as_text=True)
    data = {**answer_form(page, ALL_RIGHT), "fetched": hidden(page, "fetched")}
    storage_fault(kind)
    refused = learner.post("/offline/quizzes/an-toan", data=data, headers=OFFLINE)
    assert refused.status_code == 503  # static/sw.js keeps every 5xx answer to send again
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.get_json() == {"ok": False, "message": f"{CAUSES[kind]} Máy sẽ gửi lại sau."}
    assert count(app, Attempt) == 0
    storage_fault.clear()
    sent = learner.post("/offline/quizzes/an-toan", data=data, headers=OFFLINE)
    assert sent.status_code == 200 and sent.get_json()["ok"] is True
    assert learner.post("/offline/quizzes/an-toan", data=data, headers=OFFLINE).status_code == 200
    assert count(app, Attempt) == 1


@pytest.mark.parametrize("at", ["write", "commit"])
def test_late_survey_is_refused_with_503_and_not_recorded(app, learner, storage_fault, at):
    data = survey_form(learner, "y-kien", {"da-nghe": "roi", "hieu": "4"})
    storage_fault("unavailable", at)
    refused = learner.post("/offline/surveys/y-kien", data=data, headers=OFFLINE)
    assert refused.status_code == 503
    assert "Retry-After" in refused.headers
    assert count(app, SurveyResponse) == 0
    storage_fault.clear()
    assert learner.post("/offline/surveys/y-kien", data=data, headers=OFFLINE).status_code == 200
    assert count(app, SurveyResponse) == 1


def test_the_service_worker_keeps_5xx_answers_in_the_queue(app):
    """The phone side of the 503: only an acknowledged or refused (4xx) answer leaves it."""
    script = (app.static_folder + "/sw.js").replace("//", "/")
    with open(script, encoding="utf-8") as f:
        source = f.read()
    assert "res.status >= 500) return false;" in source


# --- the faults for real, on the engine the suite runs on -------------------------------------


def _on_every_new_connection(app, statement_for):
    """Run a statement on each new connection of the app's engine (until the context ends)."""
    with app.app_context():
        engine = db.engine

    def run(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(statement_for(engine.dialect.name))
        cursor.close()
        if engine.dialect.name != "sqlite":
            dbapi_connection.commit()  # a SET inside a transaction is undone by its rollback

    event.listen(engine, "connect", run)
    engine.dispose()
    return engine, run


def _stop(engine, run):
    event.remove(engine, "connect", run)
    engine.dispose()


@contextlib.contextmanager
def write_lock_held_elsewhere(app):
    """Another connection holds the write lock on attempts; ours wait 200 ms, not 15 s.

    SQLite: BEGIN IMMEDIATE on the file and a short busy timeout. PostgreSQL: LOCK TABLE in
    EXCLUSIVE mode (reads go on, writes wait) and a short lock_timeout.
    """
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///"):
        app.config["SQLITE_BUSY_TIMEOUT_MS"] = 200
        with app.app_context():
            db.engine.dispose()
        other = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
            app.config.pop("SQLITE_BUSY_TIMEOUT_MS")
            with app.app_context():
                db.engine.dispose()
        return
    engine, run = _on_every_new_connection(app, lambda _name: "SET lock_timeout = '200ms'")
    with app.app_context():
        other = db.engine.connect()
    transaction = other.begin()
    other.exec_driver_sql("LOCK TABLE attempts IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        transaction.rollback()
        other.close()
        _stop(engine, run)


def test_a_write_lock_held_past_the_timeout(app, learner):
    data = quiz_form(learner)
    visits = count(app, Visit)  # the quiz page's own
    with write_lock_held_elsewhere(app):
        refused = learner.post("/quizzes/an-toan", data=data)
        lesson = learner.get("/lessons/an-toan")
    assert_not_saved_page(refused, "locked", QUIZ_AGAIN)
    assert ("q_otp", "a") in checked(refused.get_data(as_text=True))
    assert lesson.status_code == 200
    assert count(app, Attempt) == 0
    assert count(app, Visit) >= visits  # the lesson's visit waits on no attempts lock
    assert learner.post("/quizzes/an-toan", data=data).status_code == 303
    assert count(app, Attempt) == 1


def test_a_read_only_database(app, learner):
    """SQLite: PRAGMA query_only. PostgreSQL: read-only transactions (as on a standby)."""
    data = survey_form(learner, "y-kien", SURVEY_FULL)
    statements = {"sqlite": "PRAGMA query_only=ON"}
    engine, run = _on_every_new_connection(
        app,
        lambda name: statements.get(name, "SET default_transaction_read_only = on"),
    )
    try:
        refused = learner.post("/surveys/y-kien", data=data)
    finally:
        _stop(engine, run)
    assert_not_saved_page(refused, "read_only", SURVEY_AGAIN)
    assert typed(refused.get_data(as_text=True), field_name("gop-y")) == "Nên mở thêm lớp buổi tối."
    assert count(app, SurveyResponse) == 0
    assert learner.post("/surveys/y-kien", data=data).status_code == 303
    assert count(app, SurveyResponse) == 1


# --- the classifier -------------------------------------------------------------------------------


def _wrapped(error: Exception) -> OperationalError:
    return OperationalError("INSERT INTO t VALUES (1)", {}, error)


def test_real_sqlite_errors_are_classified_by_their_code(tmp_path):
    path = tmp_path / "t.sqlite"
    first = sqlite3.connect(path, isolation_level=None, timeout=0)
    first.execute("CREATE TABLE t (x)")
    second = sqlite3.connect(path, isolation_level=None, timeout=0)
    first.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError) as locked:
        second.execute("BEGIN IMMEDIATE")
    first.execute("ROLLBACK")
    second.execute("PRAGMA query_only=ON")
    with pytest.raises(sqlite3.OperationalError) as read_only:
        second.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError) as gone:
        sqlite3.connect(tmp_path / "no" / "such" / "dir.sqlite")
    assert storage_faults.classify(_wrapped(locked.value)) is Fault.LOCKED
    assert storage_faults.classify(_wrapped(read_only.value)) is Fault.READ_ONLY
    assert storage_faults.classify(_wrapped(gone.value)) is Fault.UNAVAILABLE


@pytest.mark.parametrize("kind", KINDS)
def test_messages_and_sqlstates_name_the_fault(kind):
    cls, message = PG_ERRORS[kind]
    assert storage_faults.classify(_wrapped(sqlite3.OperationalError(SQLITE_ERRORS[kind]))) == kind
    assert storage_faults.classify(_wrapped(cls(message))) == kind
    assert storage_faults.RETRY_AFTER_S[Fault(kind)] > 0


def test_a_lost_postgresql_connection_is_unavailable():
    refused = psycopg.OperationalError("connection to server failed: Connection refused")
    assert storage_faults.classify(_wrapped(refused)) is Fault.UNAVAILABLE
    assert storage_faults.classify(_wrapped(psycopg.errors.ConnectionFailure("x"))) == "unavailable"


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("no such table: t"),
        sqlite3.IntegrityError("UNIQUE constraint failed: t.x"),
        psycopg.errors.UniqueViolation("duplicate key"),
        psycopg.errors.SerializationFailure("could not serialize access"),
        psycopg.errors.UndefinedColumn("column x does not exist"),
    ],
)
def test_errors_that_are_not_storage_faults(error):
    wrapped = IntegrityError("INSERT", {}, error)
    assert storage_faults.classify(wrapped) is None
    assert storage_faults.classify(ValueError("database is locked")) is None
