"""Evidence of an activity: a photo or the minutes (biên bản), checked by their bytes as lesson
uploads are, kept in a private folder and counted for the half-year annex.

- a photo (JPEG, PNG, WebP) is re-encoded as lesson images are (services.content.media: pixel
  count checked before decoding, turned upright, EXIF and GPS stripped, a small WebP);
- the minutes are that photo too (a phone picture of the signed paper), a PDF (without
  scripts, not cut short) or a Word DOCX (no macros); an old .doc, an SVG, anything else is
  refused. The type comes from the bytes, never from the file name;
- the bytes are stored under their hash (`<32 hex>.<ext>`, services.content.media_files.write)
  in EVIDENCE_DIR, outside the public upload folder: only the download view, which checks who
  asks, reads them. A file goes from disk once the last row naming it is removed and committed.

Services add and flush; the request's unit of work commits.
"""

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, func
from sqlalchemy.orm import Session

from extensions import db
from models import Activity, ActivityEvidence, StaffUser
from models.activities import EVIDENCE_KINDS
from models.base import utcnow
from services.common.errors import InvalidInput
from services.content import media, media_files

FIELD = "evidence"  # the form field refusals name
CONTENT_TYPES = {
    "webp": "image/webp",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
NAME = re.compile(rf"^[0-9a-f]{{{media.HASH_LENGTH}}}\.(?:webp|pdf|docx)$")
MAX_PER_ACTIVITY = 20
MAX_ORIGINAL_NAME = 120
PDF_HEAD_SCAN = 1024  # a PDF's header may follow a little junk, as readers allow
PDF_TAIL_SCAN = 2048  # where "%%EOF" of a complete file is
PDF_SCRIPT = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile)\b")
DOCX_PARTS = ("[Content_Types].xml", "word/document.xml")
MACRO_PART = re.compile(r"(?i)vbaProject\.bin$")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls of old Office
PENDING = "evidence_files_to_remove"


@dataclass(frozen=True)
class Limits:
    photo_max_bytes: int
    photo_max_pixels: int
    document_max_bytes: int

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(
            photo_max_bytes=config["MEDIA_IMAGE_MAX_BYTES"],
            photo_max_pixels=config["MEDIA_IMAGE_MAX_PIXELS"],
            document_max_bytes=config["EVIDENCE_DOCUMENT_MAX_BYTES"],
        )

    @property
    def request_max_bytes(self) -> int:
        """The largest upload request: the largest file plus room for the form around it."""
        return max(self.photo_max_bytes, self.document_max_bytes) + 64 * 1024


@dataclass(frozen=True)
class Checked:
    """An upload that passed: what to store and under which name."""

    kind: str
    name: str
    payload: bytes
    original_name: str


def _refuse(code: str, **params) -> InvalidInput:
    return InvalidInput.of(FIELD, code, **params)


def _is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:PDF_HEAD_SCAN]


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-PDF_TAIL_SCAN:]:
        raise _refuse("truncated")
    if PDF_SCRIPT.search(data):
        raise _refuse("active_content")


def _check_docx(data: bytes) -> bool:
    """True for a Word document; InvalidInput for one with macros; False for another ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    if any(MACRO_PART.search(name) for name in names):
        raise _refuse("active_content")
    return all(part in names for part in DOCX_PARTS)


def document_suffix(data: bytes) -> str | None:
    """ "pdf" or "docx" when the bytes are one (InvalidInput for a bad one), else None."""
    if _is_pdf(data):
        _check_pdf(data)
        return "pdf"
    if data[:4] == b"PK\x03\x04" and _check_docx(data):
        return "docx"
    return None


def display_name(filename: str | None) -> str:
    """The name the browser gave, kept only to show: its last part, NFC, no control
    characters, at most MAX_ORIGINAL_NAME characters. Never used as a path."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:MAX_ORIGINAL_NAME]


def check_upload(data: bytes, kind: str, filename: str | None, limits: Limits) -> Checked:
    """What to store for one upload of this kind, or InvalidInput saying why it is refused.

    Codes: empty, unknown_kind, svg, too_large (limit), too_many_pixels (limit), unreadable,
    too_complex, photo_not_image, old_office, truncated, active_content, unknown_type."""
    if kind not in EVIDENCE_KINDS:
        raise InvalidInput.of("kind", "unknown_kind")
    if not data:
        raise _refuse("empty")
    original = display_name(filename)
    sniffed = media.sniff(data)
    if sniffed == "svg":
        raise _refuse("svg")
    if sniffed == "image":
        if len(data) > limits.photo_max_bytes:
            raise _refuse("too_large", limit=limits.photo_max_bytes)
        payload = media.reencode_image(data, limits.photo_max_pixels)
        return Checked(kind, _name_for(payload, "webp"), payload, original)
    if kind == "photo":
        raise _refuse("photo_not_image")
    if data[:8] == OLE_MAGIC:
        raise _refuse("old_office")
    if len(data) > limits.document_max_bytes:
        raise _refuse("too_large", limit=limits.document_max_bytes)
    suffix = document_suffix(data)
    if suffix is None:
        raise _refuse("unknown_type")
    return Checked(kind, _name_for(data, suffix), data, original)


def _name_for(payload: bytes, suffix: str) -> str:
    return f"{hashlib.sha256(payload).hexdigest()[: media.HASH_LENGTH]}.{suffix}"


def attach(
    activity: Activity, checked: Checked, folder: Path, uploaded_by: StaffUser | None
) -> ActivityEvidence:
    """Store the checked bytes and attach them to the activity (InvalidInput "duplicate" when
    this very file is attached already, "too_many" beyond MAX_PER_ACTIVITY)."""
    if any(e.file_name == checked.name for e in activity.evidence):
        raise _refuse("duplicate")
    if len(activity.evidence) >= MAX_PER_ACTIVITY:
        raise _refuse("too_many", limit=MAX_PER_ACTIVITY)
    stored = media_files.write(folder, checked.name, checked.payload)
    evidence = ActivityEvidence(
        kind=checked.kind,
        file_name=stored.name,
        original_name=checked.original_name,
        size=stored.size,
        uploaded_by=uploaded_by,
        uploaded_at=utcnow(),
    )
    activity.evidence.append(evidence)
    db.session.flush()
    return evidence


def remove(evidence: ActivityEvidence, folder: Path) -> None:
    """Detach one file; its bytes leave the disk after the commit unless another activity
    holds the same file."""
    name = evidence.file_name
    activity = evidence.activity
    activity.evidence.remove(evidence)
    db.session.flush()
    still_used = db.session.query(ActivityEvidence.id).filter_by(file_name=name).first()
    if still_used is None:
        db.session.info.setdefault(PENDING, set()).add(str(folder / name))


def forget_files_of(activity: Activity, folder: Path) -> None:
    """Before an activity is deleted: its files leave the disk after the commit (unless held
    by another activity)."""
    names = {e.file_name for e in activity.evidence}
    if not names:
        return
    held = {
        name
        for (name,) in db.session.query(ActivityEvidence.file_name)
        .filter(ActivityEvidence.file_name.in_(names))
        .filter(ActivityEvidence.activity_id != activity.id)
    }
    pending = db.session.info.setdefault(PENDING, set())
    pending.update(str(folder / name) for name in names - held)


@event.listens_for(Session, "after_commit")
def _remove_files(session: Session) -> None:
    for path in session.info.pop(PENDING, ()):
        Path(path).unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _keep_files(session: Session) -> None:
    session.info.pop(PENDING, None)


def path_of(evidence: ActivityEvidence, folder: Path) -> Path | None:
    """Where the bytes are, or None for a name that is not one of ours or a missing file."""
    if not NAME.match(evidence.file_name):
        return None
    path = folder / evidence.file_name
    return path if path.is_file() else None


def content_type(evidence: ActivityEvidence) -> str:
    return CONTENT_TYPES.get(evidence.suffix, "application/octet-stream")


# --- counting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    photos: int = 0
    minutes: int = 0

    @property
    def total(self) -> int:
        return self.photos + self.minutes


def tally(items: Iterable[ActivityEvidence]) -> Tally:
    """How many photos and minutes among these files."""
    kinds = [e.kind for e in items]
    return Tally(kinds.count("photo"), kinds.count("minutes"))


def tally_by_kind(unit_ids: Iterable[int] | None, start, end) -> dict[str, Tally]:
    """{activity kind: Tally} for activities held in [start, end] by these units (None: all),
    counted by the database; kinds with no evidence are absent."""
    query = (
        db.session.query(Activity.kind, ActivityEvidence.kind, func.count(ActivityEvidence.id))
        .join(ActivityEvidence, ActivityEvidence.activity_id == Activity.id)
        .filter(Activity.held_on.between(start, end))
    )
    if unit_ids is not None:
        query = query.filter(Activity.unit_id.in_(list(unit_ids)))
    counts: dict[str, dict[str, int]] = {}
    for activity_kind, evidence_kind, n in query.group_by(Activity.kind, ActivityEvidence.kind):
        counts.setdefault(activity_kind, {})[evidence_kind] = int(n)
    return {k: Tally(c.get("photo", 0), c.get("minutes", 0)) for k, c in counts.items()}
