"""A survey's responses as one table for the CSV and XLSX downloads."""

from flask import current_app
from flask_babel import gettext as _

from models import Survey
from services.common.vietnamese import local_datetime
from services.render.exports import Sheet
from services.reporting.survey_results import Condition, ExportTable


def chosen_labels(condition: Condition) -> str:
    """The condition's choices as people read them: “A”, “B” hoặc “C”."""
    quoted = [f"“{label}”" for label in condition.choices]
    if len(quoted) == 1:
        return quoted[0]
    return _("%(some)s hoặc %(last)s", some=", ".join(quoted[:-1]), last=quoted[-1])


def _header(number: int, text: str, condition: Condition | None) -> str:
    """A question's column: its number and text, and whom it was asked if not everyone."""
    if condition is None:
        return f"{number}. {text}"
    asked = _(
        "chỉ hỏi người đã chọn %(choices)s ở câu %(n)d",
        choices=chosen_labels(condition),
        n=condition.question_number,
    )
    return f"{number}. {text} ({asked})"


def responses_sheet(survey: Survey, table: ExportTable) -> Sheet:
    """Named surveys: unit, respondent, time, answers. Anonymous surveys: unit and answers
    only, rows already sorted by unit and answers (never by time). The rows are made as the
    sheet is written."""
    questions = [
        _header(number, q.text, table.conditions.get(q.id))
        for number, q in enumerate(table.questions, start=1)
    ]
    if survey.anonymous:
        headers = [_("Đơn vị"), *questions]
        rows = ([row.unit, *row.values] for row in table.rows)
    else:
        tz = current_app.config["TIMEZONE"]
        headers = [_("Đơn vị"), _("Người trả lời"), _("Thời gian trả lời"), *questions]
        rows = (
            [
                row.unit,
                row.respondent,
                local_datetime(row.answered_at, tz) if row.answered_at else None,
                *row.values,
            ]
            for row in table.rows
        )
    return Sheet(_("Khảo sát"), headers, rows)
