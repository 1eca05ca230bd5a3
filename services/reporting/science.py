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
from services.common.errors import InvalidInput
from services.common.text import clean_line
from services.reporting.field_rules import (
    Table,
    as_given,
    check_fields,
    clean_notes,
    not_after,
    not_before,
    one_of,
    optional_line,
    required,
    too_long,
    web_link,
)

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


def _rules(today: dt.date) -> Table:
    """Each field: its cleaner and its rules, in the order they are tried."""
    return {
        "name": (clean_line, (required, too_long(MAX_NAME))),
        "owner": (clean_line, (required, too_long(MAX_OWNER))),
        "budget_source": (clean_line, (required, too_long(MAX_BUDGET))),
        "status": (as_given, (one_of(TASK_STATUSES),)),
        "published_on": (as_given, (not_after(today), not_before(EARLIEST))),
        "publication_link": (optional_line, (too_long(MAX_LINK), web_link)),
        "summary": (clean_notes, (too_long(MAX_SUMMARY),)),
    }


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
    raw = {
        "name": name,
        "owner": owner,
        "budget_source": budget_source,
        "status": status,
        "published_on": published_on,
        "publication_link": publication_link,
        "summary": summary,
    }
    return check_fields(_rules(today), raw)


def create(today: dt.date, **fields) -> ScienceTask:
    """A new task from form values (raises InvalidInput, and adds nothing, when invalid)."""
    values, errors = check(today=today, **fields)
    if errors:
        raise InvalidInput(errors)
    task = ScienceTask(**values)
    db.session.add(task)
    db.session.flush()
    return task


def update(task: ScienceTask, today: dt.date, **fields) -> ScienceTask:
    """Change every field of a task (raises InvalidInput, and changes nothing, when invalid)."""
    values, errors = check(today=today, **fields)
    if errors:
        raise InvalidInput(errors)
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
