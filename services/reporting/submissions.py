"""Sending the half-year report to Sở KH&CN in the app: draft → submitted → received.

The draft is the commune's editable HalfYearReport. `submit` freezes it into a
HalfYearSubmission (version 1): its figures and texts (`snapshot`), the issuer, place and
signer as printed (`settings_snapshot`), and the PDF's bytes, printed from those two and
nothing else. A submitted version never changes: `correct` sends the draft as it now stands
as the next version, naming the one it replaces and why; `receive` (the province office
only) sets `received_*`, the one change a submission takes. The flush guard installed by
`install()` refuses any other UPDATE, and every DELETE, whoever tries it.

PDFs are printed by services.documents, a layer above this one: callers pass its printer.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from extensions import db
from models import Commune, HalfYearReport, HalfYearSubmission, StaffUser, Unit
from models.base import utcnow
from models.staff import PROVINCE_ROLES
from services.common.errors import InvalidInput
from services.org.settings import CommuneSettings
from services.reporting import half_year

# The only columns a submission's UPDATE may touch: the province marking it received.
RECEIPT_COLUMNS = frozenset({"received_at", "received_by_id"})
NOTE_MAX = 2000

# (snapshot, settings_snapshot) → the PDF's bytes (services.documents.half_year_submission_pdf).
Printer = Callable[[dict, dict], bytes]


class SubmissionFrozen(Exception):
    """A change to a submission other than its receipt (raised by the service and the guard)."""


def is_province(staff: StaffUser | None) -> bool:
    """Whether a staff member works for the province office (Sở KH&CN): the only ones who
    read every commune's submissions and mark them received."""
    return staff is not None and staff.role in PROVINCE_ROLES


def commune_of(staff: StaffUser) -> int | None:
    """The commune a commune's staff member works for: their own, else (an account made
    before its commune existed) the deployment's only commune; None for the province's."""
    if staff.commune_id is not None or is_province(staff):
        return staff.commune_id
    found = db.session.scalars(select(Commune.unit_id).order_by(Commune.unit_id).limit(2)).all()
    return found[0] if len(found) == 1 else None


# --- what is frozen -----------------------------------------------------------------------


def frozen_report(report: HalfYearReport) -> dict:
    """The report's texts and its saved figures, as plain data (JSON): what a PDF prints."""
    return {
        "report": {
            "period_key": report.period_key,
            "number": report.number,
            "report_date": report.report_date.isoformat(),
            "results_text": report.results_text,
            "difficulties": report.difficulties,
            "proposals": report.proposals,
            "recipients": report.recipients,
            "signer_capacity": report.signer_capacity,
            "signer_name": report.signer_name,
        },
        "figures": report.snapshot,
    }


def frozen_settings(report: HalfYearReport, settings: CommuneSettings) -> dict:
    """Who issues and signs the report, and where, as printed (never read live again)."""
    return {
        "issuer_name": settings.issuer_name,
        "issuer_unit": settings.issuer_unit,
        "province_name": settings.province_name,
        "place_name": settings.place_name,
        "commune_name": settings.commune_name,
        "signature": list(half_year.signature_lines(report)),
        "signer_name": report.signer_name,
    }


# --- reading --------------------------------------------------------------------------------


def of_commune(commune_id: int, period_key: str | None = None) -> list[HalfYearSubmission]:
    """A commune's submissions (of one period, if given), newest version first."""
    query = select(HalfYearSubmission).where(HalfYearSubmission.commune_id == commune_id)
    if period_key is not None:
        query = query.where(HalfYearSubmission.period_key == period_key)
    order = (HalfYearSubmission.period_key.desc(), HalfYearSubmission.version.desc())
    return list(db.session.scalars(query.order_by(*order)))


def of_report(report: HalfYearReport) -> list[HalfYearSubmission]:
    """The versions sent of a report's period by its commune, newest first."""
    return of_commune(report.commune_id, report.period_key)


def latest(commune_id: int, period_key: str) -> HalfYearSubmission | None:
    found = of_commune(commune_id, period_key)
    return found[0] if found else None


def of_period(period_key: str) -> dict[int, HalfYearSubmission]:
    """The latest version of every commune that sent the period's report, by commune id."""
    newest = (
        select(HalfYearSubmission.commune_id, func.max(HalfYearSubmission.version).label("v"))
        .where(HalfYearSubmission.period_key == period_key)
        .group_by(HalfYearSubmission.commune_id)
        .subquery()
    )
    query = select(HalfYearSubmission).join(
        newest,
        (HalfYearSubmission.commune_id == newest.c.commune_id)
        & (HalfYearSubmission.version == newest.c.v)
        & (HalfYearSubmission.period_key == period_key),
    )
    return {row.commune_id: row for row in db.session.scalars(query)}


@dataclass(frozen=True)
class CommuneSending:
    """One commune's line on the province's list: its latest version sent, if any."""

    commune_id: int
    name: str
    latest: HalfYearSubmission | None

    @property
    def status(self) -> str:
        return status(self.latest)


def of_province(period_key: str) -> list[CommuneSending]:
    """Every commune of the deployment (those that sent nothing too), by name, with the
    latest version each sent for the period."""
    sent = of_period(period_key)
    communes = db.session.execute(
        select(Commune.unit_id, Unit.name)
        .join(Unit, Unit.id == Commune.unit_id)
        .order_by(Unit.name, Commune.unit_id)
    ).all()
    return [CommuneSending(unit_id, name, sent.get(unit_id)) for unit_id, name in communes]


def for_commune(submission_id: int, commune_id: int) -> HalfYearSubmission | None:
    """A submission of this commune (None for another commune's: it is not theirs to see)."""
    found = db.session.get(HalfYearSubmission, submission_id)
    return found if found is not None and found.commune_id == commune_id else None


# --- sending, correcting, receiving ------------------------------------------------------------


def submit(
    report: HalfYearReport, staff: StaffUser, settings: CommuneSettings, printer: Printer
) -> HalfYearSubmission:
    """Send a report's period for the first time (InvalidInput "already_submitted" when its
    commune has sent that period: a change is a correction)."""
    if latest(report.commune_id, report.period_key) is not None:
        raise InvalidInput.of("", "already_submitted")
    return _freeze(report, staff, settings, printer, version=1)


def correct(
    submission: HalfYearSubmission,
    note: str,
    staff: StaffUser,
    settings: CommuneSettings,
    printer: Printer,
) -> HalfYearSubmission:
    """Send the report as it now stands as the next version, replacing `submission` (the
    latest; InvalidInput "note_empty", "note_too_long" or "not_latest")."""
    text = (note or "").strip()
    if not text:
        raise InvalidInput.of("note", "note_empty")
    if len(text) > NOTE_MAX:
        raise InvalidInput.of("note", "note_too_long", limit=NOTE_MAX)
    newest = latest(submission.commune_id, submission.period_key)
    if newest is None or newest.id != submission.id:
        raise InvalidInput.of("", "not_latest")
    return _freeze(
        submission.report,
        staff,
        settings,
        printer,
        version=submission.version + 1,
        replaces=submission,
        note=text,
    )


def _freeze(
    report: HalfYearReport,
    staff: StaffUser,
    settings: CommuneSettings,
    printer: Printer,
    version: int,
    replaces: HalfYearSubmission | None = None,
    note: str | None = None,
) -> HalfYearSubmission:
    snapshot = frozen_report(report)
    if replaces is not None:
        snapshot["correction"] = {
            "replaces_version": replaces.version,
            "replaces_submitted_at": replaces.submitted_at.isoformat(),
            "note": note,
        }
    settings_snapshot = frozen_settings(report, settings)
    body = printer(snapshot, settings_snapshot)
    submission = HalfYearSubmission(
        commune_id=report.commune_id,
        report_id=report.id,
        period_key=report.period_key,
        version=version,
        replaces_id=replaces.id if replaces is not None else None,
        correction_note=note,
        snapshot=snapshot,
        settings_snapshot=settings_snapshot,
        pdf=body,
        pdf_sha256=hashlib.sha256(body).hexdigest(),
        submitted_at=utcnow(),
        submitted_by_id=staff.id,
    )
    db.session.add(submission)
    db.session.flush()
    return submission


def receive(submission: HalfYearSubmission, staff: StaffUser) -> None:
    """The province office marks a submission received (InvalidInput "not_province" for
    anyone else, "already_received" the second time)."""
    if not is_province(staff):
        raise InvalidInput.of("", "not_province")
    if submission.received_at is not None:
        raise InvalidInput.of("", "already_received")
    submission.received_at = utcnow()
    submission.received_by_id = staff.id
    db.session.flush()


def status(submission: HalfYearSubmission | None) -> str:
    """ "draft" (nothing sent), "submitted" or "received"."""
    if submission is None:
        return "draft"
    return "received" if submission.received_at is not None else "submitted"


# --- the guard ----------------------------------------------------------------------------------


def install() -> None:
    """Refuse, at every flush, a change to a submission other than its receipt, and its
    deletion (once per process)."""
    if not event.contains(Session, "before_flush", _guard):
        event.listen(Session, "before_flush", _guard)
    if not event.contains(Session, "do_orm_execute", _guard_statements):
        event.listen(Session, "do_orm_execute", _guard_statements)


def _guard(session: Session, _context, _instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, HalfYearSubmission):
            raise SubmissionFrozen(f"half_year_submissions {obj.id}: a submission is kept")
    for obj in session.dirty:
        if not isinstance(obj, HalfYearSubmission):
            continue
        state = inspect(obj)
        changed = {
            attr.key
            for attr in state.mapper.column_attrs
            if state.attrs[attr.key].history.has_changes()
        }
        if changed - RECEIPT_COLUMNS:
            names = ", ".join(sorted(changed - RECEIPT_COLUMNS))
            raise SubmissionFrozen(f"half_year_submissions {obj.id}: {names} cannot change")


def _guard_statements(state) -> None:
    """The same refusal for ORM `update(...)` and `delete(...)` statements on the table."""
    if not (state.is_update or state.is_delete):
        return
    statement = state.statement
    table = getattr(statement, "table", None)
    if getattr(table, "name", None) != HalfYearSubmission.__tablename__:
        return
    if state.is_delete:
        raise SubmissionFrozen("half_year_submissions: a submission is kept")
    columns = {getattr(column, "key", str(column)) for column in statement._values or {}}
    if not columns or columns - RECEIPT_COLUMNS:
        raise SubmissionFrozen("half_year_submissions: only its receipt can change")


def received_by_name(submission: HalfYearSubmission) -> str | None:
    """Who at the province office received it: an account of no commune, so outside the
    commune's own scope; its name alone is read, across the scope."""
    if submission is None or submission.received_by_id is None:
        return None
    return db.session.execute(
        select(StaffUser.display_name).where(StaffUser.id == submission.received_by_id),
        execution_options={"all_communes": True},
    ).scalar_one_or_none()
