"""Sizes of lesson media files (images, audio), to show them before anything downloads."""

from functools import lru_cache
from pathlib import Path

from babel.numbers import format_decimal

KB, MB = 1024, 1024 * 1024


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
