"""The register of state-funded science and technology tasks, and the share that is published.

A task counts as published when it has both a publication date and a link. Cancelled tasks are
left out of the share (and of the public page): the plan's target is that 100% of the others are
published. Services add and flush; the request's unit of work commits (see unit_of_work.py).
"""

import datetime as dt

from sqlalchemy import and_, case, func

from extensions import db
from models import ScienceTask
from models.base import utcnow
from models.science import TASK_STATUSES
from services.common.text import clean_line
from services.reporting.activities import clean_notes, link_ok

EARLIEST = dt.date(2000, 1, 1)  # earlier publication dates are typing errors
MAX_NAME = 300
MAX_OWNER = 200
MAX_BUDGET = 200
MAX_LINK = 500
MAX_SUMMARY = 4000
COUNTED = ScienceTask.status != "cancelled"
PUBLISHED = and_(
    ScienceTask.published_on.isnot(None),
    ScienceTask.publication_link.isnot(None),
    ScienceTask.publication_link != "",
)


class ScienceTaskError(ValueError):
    """Invalid task data: `errors` maps each bad field to a code (see `check`)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{field}: {code}" for field, code in errors.items()))
        self.errors = errors


def check(
    *,
    name: str | None,
    owner: str | None,
    budget_source: str | None,
    status: str | None,
    published_on: dt.date | None,
    publication_link: str | None,
    summary: str | None,
    today: dt.date,
) -> tuple[dict, dict[str, str]]:
    """The cleaned values and the problems, {field: code}; no problems means it may be saved.

    Codes: name, owner, budget_source — required, too_long; status — unknown;
    published_on — future, too_early; publication_link — scheme, too_long; summary — too_long.
    """
    errors: dict[str, str] = {}
    values: dict = {}
    for field, value, limit in (
        ("name", name, MAX_NAME),
        ("owner", owner, MAX_OWNER),
        ("budget_source", budget_source, MAX_BUDGET),
    ):
        values[field] = clean_line(value)
        if not values[field]:
            errors[field] = "required"
        elif len(values[field]) > limit:
            errors[field] = "too_long"
    if status not in TASK_STATUSES:
        errors["status"] = "unknown"
    values["status"] = status
    if published_on is not None and published_on > today:
        errors["published_on"] = "future"
    elif published_on is not None and published_on < EARLIEST:
        errors["published_on"] = "too_early"
    values["published_on"] = published_on
    link = clean_line(publication_link) or None
    if link is not None:
        if len(link) > MAX_LINK:
            errors["publication_link"] = "too_long"
        elif not link_ok(link):
            errors["publication_link"] = "scheme"
    values["publication_link"] = link
    values["summary"] = clean_notes(summary)
    if len(values["summary"]) > MAX_SUMMARY:
        errors["summary"] = "too_long"
    return values, errors


def create(today: dt.date, **fields) -> ScienceTask:
    """A new task from form values (raises ScienceTaskError, and adds nothing, when invalid)."""
    values, errors = check(today=today, **fields)
    if errors:
        raise ScienceTaskError(errors)
    task = ScienceTask(**values)
    db.session.add(task)
    db.session.flush()
    return task


def update(task: ScienceTask, today: dt.date, **fields) -> ScienceTask:
    """Change every field of a task (raises ScienceTaskError, and changes nothing, when invalid)."""
    values, errors = check(today=today, **fields)
    if errors:
        raise ScienceTaskError(errors)
    for key, value in values.items():
        setattr(task, key, value)
    task.updated_at = utcnow()
    db.session.flush()
    return task


def all_tasks() -> list[ScienceTask]:
    """Every task, the newest first (for the office)."""
    return ScienceTask.query.order_by(ScienceTask.created_at.desc(), ScienceTask.id.desc()).all()


def published_tasks() -> list[ScienceTask]:
    """The published, not cancelled tasks, the latest publication first (for the public page)."""
    return (
        ScienceTask.query.filter(COUNTED, PUBLISHED)
        .order_by(ScienceTask.published_on.desc(), ScienceTask.id.desc())
        .all()
    )


def published_share() -> tuple[int, int]:
    """(published, total), cancelled tasks excluded from both; counted in the database."""
    published, total = db.session.execute(
        db.select(
            func.coalesce(func.sum(case((PUBLISHED, 1), else_=0)), 0),
            func.count(ScienceTask.id),
        ).where(COUNTED)
    ).one()
    return int(published or 0), int(total or 0)
