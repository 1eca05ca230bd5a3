"""A survey's responses as a file: made now for a small export, or by `flask jobs run` for
one with more rows than EXPORT_JOB_MIN_ROWS (the job keeps the filters, and the requester's
scope is read again when it runs)."""

import datetime as dt

from flask import current_app
from flask_babel import lazy_gettext as _l

from blueprints.common.dates import local_today
from blueprints.survey_results.tables import responses_sheet
from extensions import db
from models import Job, Survey, Unit
from services.common.periods import Period
from services.operations import jobs
from services.org import access
from services.render import exports
from services.reporting import survey_results

KIND = "survey_export"
SURVEY_GONE = _l("Phiếu khảo sát này không còn trong hệ thống.")
UNIT_HIDDEN = _l("Bạn không còn được xem kết quả của đơn vị này.")


def output(survey: Survey, unit_ids: set[int] | None, period: Period, fmt: str) -> jobs.Output:
    """The file name and the bytes (made as they are read) of the export."""
    sheet = responses_sheet(survey, survey_results.export_table(survey, unit_ids, period))
    stem = f"khao-sat-{survey.slug}-{local_today().isoformat()}"
    return jobs.Output(f"{stem}.{fmt}", exports.chunks([sheet], fmt))


def parameters(survey: Survey, unit: Unit | None, period: Period, fmt: str) -> dict:
    """What a job needs to make the same export later."""
    return {
        "survey": survey.slug,
        "unit": unit.id if unit else None,
        "from": period.start.isoformat() if period.start else None,
        "to": period.end.isoformat() if period.end else None,
        "format": fmt,
    }


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@jobs.kind(KIND)
def make(job: Job) -> jobs.Output:
    """The export a job asked for, over what its requester may see now."""
    chosen = job.parameters
    user = job.requested_by
    survey = Survey.query.filter_by(slug=chosen["survey"]).first()
    if survey is None:
        raise jobs.JobFailed(SURVEY_GONE)
    if chosen.get("unit") is not None:
        unit = db.session.get(Unit, chosen["unit"])
        if unit is None or not access.can_see_unit(user, unit):
            raise jobs.JobFailed(UNIT_HIDDEN)
        unit_ids = access.report_unit_ids(user, unit)
    else:
        unit_ids = access.visible_unit_ids(user)
    timezone = current_app.config["TIMEZONE"]
    period = Period(_day(chosen.get("from")), _day(chosen.get("to")), timezone)
    return output(survey, unit_ids, period, chosen["format"])
