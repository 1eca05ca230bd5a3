"""The dashboard as a workbook: the same figures and words as the page, a sheet per table."""

from flask_babel import gettext as _

from services.common import vocabulary
from services.render.exports import Sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def dashboard_sheets(data: dict) -> list[Sheet]:
    """Targets, units and people per week for the dashboard's period and units."""
    progress_label = vocabulary.PROGRESS_LABELS
    targets = Sheet(
        _("Chỉ tiêu"),
        [_("Chỉ tiêu"), _("Năm"), _("Mục tiêu (%)"), _("Đạt (người)"), _("Cần (người)"),
         _("Thực hiện (%)"), _("Tình trạng")],
        [[p.target.description, p.target.year, p.target.target_percent, p.numerator,
          p.denominator, _percent(p.actual), vocabulary.label(progress_label, p.status)]
         for p in data["progress"]],
    )  # fmt: skip
    status = data["unit_status"]
    units = Sheet(
        _("Theo đơn vị"),
        [_("Đơn vị"), _("Loại"), _("Số người cần tiếp cận"),
         vocabulary.label(vocabulary.INDICATOR_LABELS, "reached"), _("Tiếp cận (%)"),
         vocabulary.label(vocabulary.INDICATOR_LABELS, "trained"), _("Tập huấn (%)"),
         _("Tình trạng")],
        [["  " * r.depth + r.name, vocabulary.label(vocabulary.UNIT_KIND_LABELS, r.kind),
          r.population, r.reached, _percent(r.reached_share), r.trained,
          _percent(r.trained_share),
          vocabulary.label(progress_label, status[r.unit_id]) if r.unit_id in status else ""]
         for r in data["rows"]],
    )  # fmt: skip
    weekly = Sheet(
        _("Theo tuần"),
        [_("Tuần bắt đầu ngày"), _("Số người tham gia")],
        [[monday, count] for monday, count in data["weekly"]],
    )
    period = Sheet(_("Kỳ"), [_("Kỳ")], [[data["label"]]])
    return [period, targets, units, weekly]
