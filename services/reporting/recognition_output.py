"""The nomination list as people read it: one row per nominee with what they achieved, as XLSX.

The PDF of the same list is services.documents.nominations_pdf.
"""

import unicodedata
from dataclasses import dataclass

from services.common import periods
from services.common.vocabulary import NOMINEE_KIND_LABELS, vietnamese
from services.render import exports
from services.reporting.recognition import (
    named_period,
    nominations,
    person_results,
    subject_name,
    unit_rankings,
)

CHILD_NOTE = "(dưới 16 tuổi)"


@dataclass
class ListRow:
    number: int
    kind: str
    name: str  # NFC, with the age note for under-16s
    unit: str
    achievement: str
    reason: str


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def list_rows(named: periods.NamedPeriod, timezone: str) -> list[ListRow]:
    """The period's nominees with what they achieved in it (a fixed number of queries)."""
    period = named_period(named, timezone)
    items = nominations(named.key)
    units = {row.unit_id: row for rows in unit_rankings(period, None).values() for row in rows}
    people = person_results(period, [n.participant_id for n in items if n.participant_id])
    kinds = vietnamese(NOMINEE_KIND_LABELS)  # the list is a Vietnamese document
    out = []
    for number, item in enumerate(items, start=1):
        nfc = unicodedata.normalize("NFC", subject_name(item))
        if item.subject_kind == "participant":
            person = item.participant
            name = f"{nfc} {CHILD_NOTE}" if person.is_child else nfc
            unit = person.unit.name if person.unit else ""
            result = people.get(person.id)
            achievement = (
                f"Đạt {result.quizzes_passed} bài kiểm tra, điểm trung bình "
                f"{_score(result.average_score)}"
                if result
                else "Chưa đạt bài kiểm tra nào trong kỳ"
            )
        else:
            name = nfc
            unit = item.unit.parent.name if item.unit.parent else ""
            row = units.get(item.unit_id)
            achievement = (
                f"Tham gia {row.participants}/{row.population} người ({_percent(row.rate)}), "
                f"{row.passed} người đạt"
                if row
                else ""
            )
        out.append(
            ListRow(
                number,
                kinds[item.subject_kind],
                name,
                unicodedata.normalize("NFC", unit),
                achievement,
                unicodedata.normalize("NFC", item.reason),
            )
        )
    return out


HEADERS = ["STT", "Đối tượng", "Tên tập thể / Họ và tên", "Đơn vị", "Thành tích trong kỳ", "Lý do"]


def nominations_xlsx(named: periods.NamedPeriod, timezone: str) -> bytes:
    rows = list_rows(named, timezone)
    sheet = exports.Sheet(
        "Đề nghị khen thưởng",
        HEADERS,
        [[r.number, r.kind, r.name, r.unit, r.achievement, r.reason] for r in rows],
    )
    return exports.xlsx_bytes([sheet])
