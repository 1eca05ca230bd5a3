"""The XLSX annex of a half-year report: per-unit figures, targets and activities, as saved."""

from services.render import exports
from services.reporting.half_year import KIND_LABELS

UNIT_HEADERS = [
    "Đơn vị",
    "Loại",
    "Số người cần tiếp cận",
    "Được tiếp cận",
    "Tỉ lệ (%)",
    "Được tập huấn",
    "Tỉ lệ (%)",
]
TARGET_HEADERS = ["Chỉ tiêu", "Năm", "Mục tiêu (%)", "Tử số", "Mẫu số", "Thực hiện (%)"]
ACTIVITY_HEADERS = ["Hình thức", "Số lượng", "Số người được tiếp cận"]
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheets(snap: dict) -> list[exports.Sheet]:
    """The annex's three sheets from a report's snapshot."""
    units = [
        [
            ("  " * u["depth"]) + u["name"],
            u["kind"],
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
        [KIND_LABELS.get(a["kind"], a["kind"]), a["count"], a["people_reached"]]
        for a in snap["activities"]
    ]
    return [
        exports.Sheet("Số liệu theo đơn vị", UNIT_HEADERS, units),
        exports.Sheet("Chỉ tiêu", TARGET_HEADERS, targets),
        exports.Sheet("Hoạt động truyền thông", ACTIVITY_HEADERS, done),
    ]


def xlsx(snap: dict) -> bytes:
    """The annex as an XLSX workbook."""
    return exports.xlsx_bytes(sheets(snap))
