"""Big exports as background jobs: queued above EXPORT_JOB_MIN_ROWS, made by `flask jobs run`,
downloaded by the requester (or an admin) only; failures recorded with a Vietnamese message;
a job is claimed by one worker only, and taken again when its worker died.

Data: the four named responses of tests/test_survey_results.py (`named`: two from class 7A,
one from the village, one from 8B).
"""

import csv
import datetime as dt
import io
import threading

import pytest
from openpyxl import load_workbook
from test_survey_results import _named_answers, _respond, named  # noqa: F401 (the fixture)

import database
from extensions import db
from models import AuditEvent, Job, StaffUser
from models.base import utcnow
from services.operations import jobs, retention

pytest_plugins = ["staff_fixtures"]

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def folder(app, tmp_path, monkeypatch):
    """Prepared files go to a temporary folder; exports above 2 rows become jobs."""
    target = tmp_path / "exports"
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(target))
    monkeypatch.setitem(app.config, "EXPORT_JOB_MIN_ROWS", 2)
    return target


def _worker(app) -> str:
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def _jobs(app) -> list[Job]:
    with app.app_context():
        found = Job.query.order_by(Job.id).all()
        for job in found:
            db.session.expunge(job)
        return found


def _csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_small_export_is_sent_now_and_streamed(app, named, staff_client, folder):  # noqa: F811
    response = staff_client("teacher_a").get("/staff/surveys/y-kien/export.csv")
    assert response.status_code == 200 and response.is_streamed
    assert len(_csv_rows(response.data)) == 3  # header and 7A's two responses: not above 2
    assert _jobs(app) == []


def test_a_big_export_is_queued_and_the_page_says_where_to_fetch_it(
    app,
    named,  # noqa: F811
    staff_client,
    folder,
):
    admin = staff_client("admin")
    response = admin.get("/staff/surveys/y-kien/export.xlsx?from=01/03/2026")
    assert response.status_code == 202
    html = response.get_data(as_text=True)
    assert "Tệp đang được chuẩn bị, tải về tại" in html and 'href="/staff/exports/"' in html
    assert "4 dòng" in html
    # A reload, or the link clicked again, does not queue the same export twice.
    assert admin.get("/staff/surveys/y-kien/export.xlsx?from=01/03/2026").status_code == 202
    (job,) = _jobs(app)
    assert job.kind == "survey_export" and job.status == "queued"
    assert job.parameters == {
        "survey": "y-kien",
        "unit": None,
        "from": "2026-03-01",
        "to": None,
        "format": "xlsx",
        "locale": "vi",
    }
    with app.app_context():
        event = AuditEvent.query.filter_by(action="export_job_requested").first()
        assert event.target == "survey:y-kien" and event.detail["job"] == job.id
        assert event.detail["rows"] == 4
    assert not folder.exists() or not any(folder.iterdir())  # nothing made in the request
    page = admin.get("/staff/exports/").get_data(as_text=True)
    assert "Tệp xuất đang chuẩn bị" in page and "Đang chờ" in page
    assert "survey_export" not in page and "queued" not in page


def test_the_worker_makes_the_file_the_requester_downloads(app, named, staff_client, folder):  # noqa: F811
    admin = staff_client("admin")
    admin.get("/staff/surveys/y-kien/export.csv")
    assert "1 job(s) run." in _worker(app)
    (job,) = _jobs(app)
    assert job.status == "done" and job.attempts == 1 and job.error is None
    assert job.file_name.startswith("khao-sat-y-kien-") and job.file_name.endswith(".csv")
    assert (folder / job.file_path).stat().st_size == job.file_size
    page = admin.get("/staff/exports/").get_data(as_text=True)
    assert "Đã xong" in page and f"/staff/exports/{job.id}/download" in page
    assert job.file_name in page
    response = admin.get(f"/staff/exports/{job.id}/download")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert job.file_name in response.headers["Content-Disposition"]
    prepared = _csv_rows(response.data)
    # The same rows as the export made in the request.
    app.config["EXPORT_JOB_MIN_ROWS"] = 1000
    assert prepared == _csv_rows(admin.get("/staff/surveys/y-kien/export.csv").data)
    assert len(prepared) == 5
    with app.app_context():
        event = AuditEvent.query.filter_by(action="export_job_downloaded").one()
        assert event.detail == {"job": job.id} and event.target == job.file_name
    assert "0 job(s) run." in _worker(app)  # nothing left to do


def test_only_the_requester_or_an_admin_may_download(app, named, staff_client, folder):  # noqa: F811
    with app.app_context():  # 7A gets a third response: its export is above 2 rows
        _respond("y-kien", named.class_a, dt.date(2026, 5, 1), _named_answers("roi"), name="Ba")
        database.commit()
    teacher = staff_client("teacher_a")
    assert teacher.get("/staff/surveys/y-kien/export.xlsx").status_code == 202
    _worker(app)
    (job,) = _jobs(app)
    url = f"/staff/exports/{job.id}/download"
    for other in ("teacher_b", "officer"):
        client = staff_client(other)
        assert client.get(url).status_code == 404
        assert url not in client.get("/staff/exports/").get_data(as_text=True)
    response = teacher.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    units = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert units == ["Lớp 7A"] * 3  # the teacher's own class only
    assert staff_client("admin").get(url).status_code == 200
    assert app.test_client().get(url).status_code in (302, 303, 401)
    assert teacher.get("/staff/exports/999999/download").status_code == 404


def test_the_audit_log_export_is_queued_when_big(app, named, staff_client, folder):  # noqa: F811
    admin = staff_client("admin")
    for _ in range(4):
        admin.get(f"/staff/surveys/y-kien/export.csv?unit={named.village}")  # logged events
    response = admin.get("/staff/admin/audit.xlsx")
    assert response.status_code == 202
    _worker(app)
    (job,) = _jobs(app)
    assert job.kind == "audit_export" and job.status == "done"
    sheet = load_workbook(io.BytesIO(admin.get(f"/staff/exports/{job.id}/download").data)).active
    actions = [row[2].value for row in sheet.iter_rows(min_row=2)]
    assert "Yêu cầu chuẩn bị tệp xuất lớn" in actions
    assert actions.count("Tải kết quả khảo sát") == 4


def test_a_failing_job_is_recorded_failed_with_a_message(app, named, staff_client, folder):  # noqa: F811
    teacher = staff_client("teacher_a")
    with app.app_context():
        _respond("y-kien", named.class_a, dt.date(2026, 5, 1), _named_answers("roi"), name="Ba")
        database.commit()
    assert teacher.get(f"/staff/surveys/y-kien/export.csv?unit={named.class_a}").status_code == 202
    with app.app_context():  # the teacher no longer has the class when the job runs
        db.session.get(StaffUser, named.teacher_a).classes = []
        database.commit()
    _worker(app)
    (job,) = _jobs(app)
    assert job.status == "failed" and job.file_path is None
    assert job.error == "Bạn không còn được xem kết quả của đơn vị này."
    page = teacher.get("/staff/exports/").get_data(as_text=True)
    assert "Không chuẩn bị được" in page and job.error in page
    assert teacher.get(f"/staff/exports/{job.id}/download").status_code == 404


def test_an_unexpected_error_fails_the_job_with_a_general_message(app, staff, folder, monkeypatch):
    def broken(_job):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(jobs.KINDS, "survey_export", broken)
    with app.app_context():
        admin = db.session.get(StaffUser, staff.admin)
        jobs.enqueue("survey_export", {"survey": "x"}, admin)
        database.commit()
    _worker(app)
    (job,) = _jobs(app)
    assert job.status == "failed" and "lỗi hệ thống" in job.error
    assert "disk on fire" not in job.error  # the details go to the server's log only
    assert not list(folder.glob("*"))  # no half-written file left behind


def _queue(app, staff, count: int) -> list[int]:
    with app.app_context():
        admin = db.session.get(StaffUser, staff.admin)
        ids = [jobs.enqueue("survey_export", {"survey": f"s{n}"}, admin).id for n in range(count)]
        database.commit()
        return ids


def test_two_workers_claiming_at_once_never_take_the_same_job(app, staff, folder):
    ids = _queue(app, staff, 24)
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)
    errors = []

    def worker(name: str) -> None:
        try:
            with app.app_context():
                start.wait()
                while (job := jobs.claim_next(HOUR)) is not None:
                    claimed[name].append(job.id)
                    database.commit()
                database.commit()
                db.session.remove()
        except Exception as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    taken = claimed["a"] + claimed["b"]
    assert sorted(taken) == ids  # every job once, none twice
    assert {job.status for job in _jobs(app)} == {"running"}
    assert {job.attempts for job in _jobs(app)} == {1}


def test_a_job_left_running_by_a_killed_worker_is_taken_again_after_the_timeout(app, staff, folder):
    (job_id,) = _queue(app, staff, 1)
    with app.app_context():
        first = jobs.claim_next(HOUR)
        old_claim = first.claim
        database.commit()
        # The worker is killed here. Within the timeout nobody takes its job.
        assert jobs.claim_next(HOUR, now=utcnow() + dt.timedelta(minutes=30)) is None
        database.commit()
        again = jobs.claim_next(HOUR, now=utcnow() + 2 * HOUR)
        assert again.id == job_id and again.attempts == 2 and again.claim != old_claim
        database.commit()
        # A late word from the first worker changes nothing: the job is no longer its own.
        jobs.fail(job_id, old_claim, RuntimeError("late"))
        database.commit()
        assert db.session.get(Job, job_id, populate_existing=True).status == "running"
        # After MAX_ATTEMPTS tries the job is given up, with a message for the requester.
        later = utcnow() + 4 * HOUR
        assert jobs.claim_next(HOUR, now=later).attempts == jobs.MAX_ATTEMPTS
        database.commit()
        assert jobs.claim_next(HOUR, now=later + 2 * HOUR) is None
        database.commit()
        job = db.session.get(Job, job_id, populate_existing=True)
        assert job.status == "failed" and "nhiều lần thử" in job.error


def test_a_retried_job_is_done_by_the_worker_that_runs_it(app, named, staff_client, folder):  # noqa: F811
    staff_client("admin").get("/staff/surveys/y-kien/export.csv")
    with app.app_context():
        jobs.claim_next(HOUR)  # a worker takes it and dies
        database.commit()
        job = Job.query.one()
        job.started_at = utcnow() - 2 * HOUR
        database.commit()
    assert "1 job(s) run." in _worker(app)
    (job,) = _jobs(app)
    assert job.status == "done" and job.attempts == 2
    assert len(list(folder.glob("job-*"))) == 1


def test_prepared_files_are_removed_after_the_days_kept(app, named, staff_client, folder):  # noqa: F811
    staff_client("admin").get("/staff/surveys/y-kien/export.csv")
    _worker(app)
    (job,) = _jobs(app)
    path = folder / job.file_path
    assert path.is_file()
    with app.app_context():
        assert retention.prune_jobs(7, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=6)) == 0
        database.commit()
        kept_days = app.config["EXPORT_KEEP_DAYS"]
        db.session.get(Job, job.id).finished_at = utcnow() - dt.timedelta(days=kept_days + 1)
        database.commit()
    _worker(app)  # the worker removes old files before it looks at the queue
    assert not path.exists() and _jobs(app) == []
