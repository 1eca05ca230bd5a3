"""Checks on a ZIP archive before anything in it is read: entry count, size, ratio."""

import io
import zipfile

from services.common import limits


def check_archive(data: bytes, max_unpacked: int = limits.ZIP_MAX_UNPACKED) -> None:
    """Raise LimitExceeded unless `data` is a ZIP within the entry, size and ratio bounds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise limits.LimitExceeded(f"not a ZIP archive: {exc}") from None
    if len(infos) > limits.ZIP_MAX_ENTRIES:
        raise limits.LimitExceeded(f"more than {limits.ZIP_MAX_ENTRIES} entries")
    if sum(info.file_size for info in infos) > max_unpacked:
        raise limits.LimitExceeded("too large when unpacked")
    for info in infos:
        big = info.file_size > limits.ZIP_RATIO_FROM
        if big and info.file_size > limits.ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise limits.LimitExceeded(f"{info.filename!r} is compressed suspiciously well")
