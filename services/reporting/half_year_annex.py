"""The XLSX annex of a half-year report: per-unit figures, targets and activities, as saved."""

from services.common.vocabulary import (
    ACTIVITY_KIND_LABELS,
    INDICATOR_LABELS,
    UNIT_KIND_LABELS,
    vietnamese,
    vietnamese_label,
)
from services.render import exports

TARGET_HEADERS = ["Chỉ tiêu", "Năm", "Mục tiêu (%)", "Tử số", "Mẫu số", "Thực hiện (%)"]
ACTIVITY_HEADERS = ["Hình thức", "Số lượng", "Số người được tiếp cận"]
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheets(snap: dict) -> list[exports.Sheet]:
    """The annex's three sheets from a report's snapshot."""
    indicator = vietnamese(INDICATOR_LABELS)
    unit_headers = ["Đơn vị", "Loại", "Số người cần tiếp cận"]
    unit_headers += [indicator["reached"], "Tỉ lệ (%)", indicator["trained"], "Tỉ lệ (%)"]
    units = [
        [
            ("  " * u["depth"]) + u["name"],
            vietnamese_label(UNIT_KIND_LABELS, u["kind"]),
            u["population"],
            u["reached"],
            u["reached_percent"],
            u["trained"],
            u["trained_percent"],
        ]
        for u in snap["units"]
    ]
    targets = [
        [
            t["description"],
            t["year"],
            t["target_percent"],
            t["numerator"],
            t["denominator"],
            t["actual_percent"],
        ]
        for t in snap["targets"]
    ]
    done = [
        [vietnamese_label(ACTIVITY_KIND_LABELS, a["kind"]), a["count"], a["people_reached"]]
        for a in snap["activities"]
    ]
    return [
        exports.Sheet("Số liệu theo đơn vị", unit_headers, units),
        exports.Sheet("Chỉ tiêu", TARGET_HEADERS, targets),
        exports.Sheet("Hoạt động truyền thông", ACTIVITY_HEADERS, done),
    ]


def xlsx(snap: dict) -> bytes:
    """The annex as an XLSX workbook."""
    return exports.xlsx_bytes(sheets(snap))
