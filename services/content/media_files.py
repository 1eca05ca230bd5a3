"""Lesson media files on disk: uploads stored by their hash, found again, and their sizes.

An upload is stored as `uploads/<32 hex>.<ext>` (the name services.content.media gives the
checked bytes), so a stored name never points at other bytes and is cached for a year. Sizes
are shown in lessons before anything downloads.
"""

import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.numbers import format_decimal
from flask import current_app, has_app_context

from services.content.media import AUDIO_SUFFIXES, CONTENT_TYPES, NAME, Limits, prepare

KB, MB = 1024, 1024 * 1024
PREFIX = "uploads/"


@dataclass(frozen=True)
class StoredMedia:
    name: str  # "<hash>.webp"
    size: int  # bytes on disk

    @property
    def path(self) -> str:
        """The path written in content files: "uploads/<hash>.webp"."""
        return PREFIX + self.name

    @property
    def suffix(self) -> str:
        return self.name.rsplit(".", 1)[1]

    @property
    def kind(self) -> str:
        return "audio" if self.suffix in AUDIO_SUFFIXES else "image"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.suffix]

    def markdown(self, description: str) -> str:
        """What to paste into a lesson: an image, or the audio field's value."""
        if self.kind == "audio":
            return self.path
        alt = re.sub(r"[\[\]\\\r\n]+", " ", description).strip()
        return f"![{alt}]({self.path})"


def write(upload_dir: Path, name: str, payload: bytes) -> StoredMedia:
    """Store bytes under their name (atomically; a file already there is the same bytes)."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    target = upload_dir / name
    if not target.is_file():
        fd, temp = tempfile.mkstemp(dir=upload_dir, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(payload)
            os.chmod(temp, 0o644)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    return StoredMedia(name, len(payload))


def store(data: bytes, upload_dir: Path, limits: Limits) -> StoredMedia:
    """Check, clean and store one upload."""
    name, payload = prepare(data, limits)
    return write(upload_dir, name, payload)


def uploads(upload_dir: Path) -> list[StoredMedia]:
    """Every stored upload, newest first."""
    if not upload_dir.is_dir():
        return []
    found = []
    for entry in os.scandir(upload_dir):
        if NAME.match(entry.name) and entry.is_file(follow_symlinks=False):
            stat = entry.stat(follow_symlinks=False)
            found.append((stat.st_mtime, StoredMedia(entry.name, stat.st_size)))
    return [item for _, item in sorted(found, key=lambda pair: (-pair[0], pair[1].name))]


# --- paths in content files -------------------------------------------------------------------


def upload_name(path: str) -> str | None:
    """ "<hash>.webp" for a well-formed "uploads/<hash>.webp", else None."""
    if not path.startswith(PREFIX):
        return None
    name = path.removeprefix(PREFIX)
    return name if NAME.match(name) else None


def configured_upload_dir() -> Path | None:
    """This installation's upload folder, when running inside the app (CLI or web)."""
    if not has_app_context():
        return None
    return Path(current_app.config["MEDIA_UPLOAD_DIR"])


def upload_dirs(content_dir: Path) -> list[Path]:
    """Where an "uploads/…" path of a content folder may be: its own uploads/ folder (an
    unpacked export), then this installation's upload folder."""
    dirs = [content_dir / "uploads"]
    configured = configured_upload_dir()
    if configured is not None:
        dirs.append(configured)
    return dirs


def find_upload(path: str, content_dir: Path) -> Path | None:
    """The file behind an "uploads/…" path of a content folder, if it exists."""
    name = upload_name(path)
    if name is None:
        return None
    for folder in upload_dirs(content_dir):
        if (folder / name).is_file():
            return folder / name
    return None


# --- sizes -------------------------------------------------------------------------------------


def file_size(path: Path | str) -> int | None:
    """Bytes of the file at `path`, or None if there is none.

    Cached per process: media files are named anew when they change (uploads by their hash),
    and the sizes shown in lessons are also cached with the lesson HTML, by content hash.
    """
    return _size(str(path))


def inside(folder: Path | str, name: str) -> Path | None:
    """`folder / name`, or None when `name` is empty or would lead outside `folder`."""
    if not name or name.startswith("/") or "\\" in name or ".." in Path(name).parts:
        return None
    return Path(folder) / name


def media_size(media_dir: Path | str, path: str) -> int | None:
    """Bytes of `path` ("media/x.png" or "x.png") inside `media_dir`; None if it is not there
    or names something outside it."""
    found = inside(media_dir, path.removeprefix("media/"))
    return file_size(found) if found is not None else None


@lru_cache(maxsize=4096)
def _size(path: str) -> int | None:
    try:
        found = Path(path)
        return found.stat().st_size if found.is_file() else None
    except OSError:
        return None


def human_size(n_bytes: int, locale: str = "vi") -> str:
    """'42 KB' (whole kilobytes, at least 1) or '2,1 MB' (one decimal at most, in `locale`)."""
    if n_bytes < MB:
        return f"{max(1, round(n_bytes / KB))} KB"
    return f"{format_decimal(round(n_bytes / MB, 1), format='#,##0.#', locale=locale)} MB"


def clear_cache() -> None:
    _size.cache_clear()
