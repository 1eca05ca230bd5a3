"""The compiled province summary as a workbook: a sheet per indicator, a row per commune, the
province's total last; the same figures and words as the page."""

from flask_babel import gettext as _

from services.common import vocabulary
from services.render.exports import Sheet
from services.reporting import province_board

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def status_label(measure: province_board.Measure) -> str:
    if measure.status == province_board.NO_TARGET:
        return _("Chưa có chỉ tiêu")
    return vocabulary.label(vocabulary.PROGRESS_LABELS, measure.status)


def _rows(board: province_board.Board, indicator: str):
    for row in [*board.rows, board.total]:
        measure = row.measure(indicator)
        yield [
            row.name or _("Toàn tỉnh"),
            row.population,
            measure.people,
            percent(measure.share),
            measure.target_percent,
            percent(measure.expected),
            status_label(measure),
        ]


def summary_sheets(board: province_board.Board, label: str) -> list[Sheet]:
    """One sheet per indicator (the communes by name, then the province), and the period."""
    headers = [
        _("Xã"),
        _("Số người cần tiếp cận"),
        _("Số người"),
        _("Tỉ lệ (%)"),
        _("Chỉ tiêu (%)"),
        _("Cần đạt theo tiến độ (%)"),
        _("Tình trạng"),
    ]
    sheets = [
        Sheet(
            vocabulary.label(vocabulary.INDICATOR_LABELS, indicator),
            headers,
            list(_rows(board, indicator)),
        )
        for indicator in province_board.INDICATORS
    ]
    return [*sheets, Sheet(_("Kỳ"), [_("Kỳ")], [[label]])]
