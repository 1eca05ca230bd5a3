"""`flask jobs run`: the worker that prepares big exports beside the web workers.

Run it as its own process (a systemd unit, deploy/lantoa-jobs.service), as many as wanted:
each job is claimed by exactly one worker. `--once` does what is queued and stops (cron, tests).
SIGTERM (systemd stopping it) lets the job in hand finish first; a worker killed outright
leaves its job running, and another worker takes it again after JOB_TIMEOUT_MINUTES.
"""

import datetime as dt
import signal
import time

import click
from flask import current_app
from flask.cli import AppGroup

import database
from services.operations import jobs, retention
from services.org import tenancy

jobs_cli = AppGroup("jobs", help="Background jobs: big exports prepared beside the web workers.")


def work_once() -> int:
    """Claim and run one job (its claim committed first, its outcome after); returns 0 when
    none was waiting, else 1."""
    timeout = dt.timedelta(minutes=current_app.config["JOB_TIMEOUT_MINUTES"])
    job = jobs.claim_next(timeout)
    database.commit()
    if job is None:
        return 0
    job_id, claim = job.id, job.claim
    try:
        # The file shows what its requester may see: their commune's rows only.
        with tenancy.scoped(tenancy.scope_of_staff(job.requested_by)):
            jobs.run(job)
    except Exception as exc:  # any failure is the job's, recorded on it
        database.rollback()
        jobs.fail(job_id, claim, exc)
    database.commit()
    return 1


def work_queue(stopping=lambda: False) -> int:
    """Old prepared files removed, then every waiting job run; returns how many were run."""
    retention.prune_jobs(current_app.config["EXPORT_KEEP_DAYS"])
    database.commit()
    done = 0
    while not stopping() and work_once():
        done += 1
    return done


@jobs_cli.command("run")
@click.option("--once", is_flag=True, help="Run what is queued now, then stop.")
@click.option(
    "--sleep", "pause", default=5.0, show_default=True, help="Seconds between looks at the queue."
)
def run_command(once: bool, pause: float) -> None:
    """Prepare queued exports: with --once until the queue is empty, else until stopped."""
    if once:
        click.echo(f"{work_queue()} job(s) run.")
        return
    stop = {"asked": False}

    def _stop(_signum, _frame):
        stop["asked"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo("Waiting for jobs (Ctrl+C to stop).")
    while not stop["asked"]:
        done = work_queue(lambda: stop["asked"])
        if done:
            click.echo(f"{done} job(s) run.")
        slept = 0.0
        while slept < pause and not stop["asked"]:
            time.sleep(min(0.5, pause - slept))
            slept += 0.5
