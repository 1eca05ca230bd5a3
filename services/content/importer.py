"""Importing content files (one YAML file, or a ZIP of them as exported) into the database.

The files are unpacked into a temporary folder laid out like quizzes/, validated by the same
`content_loader.check` as `flask content check` (same messages), and loaded only if every file
is valid. A ZIP is read entry by entry, never extracted as a whole: limits on the number of
entries and their sizes, names that stay inside the folder, no links, no encrypted entries.
Its `uploads/` files are checked to be genuine uploads (name = hash, type from the bytes);
its `media/` files are the curriculum's own and are not written: a `media/…` path must exist in
this installation's quizzes/media.
"""

import io
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from services.common.errors import WHOLE, InvalidInput
from services.content import loader as content_loader
from services.content import media, media_files

MAX_ENTRIES = 1000
MAX_YAML_BYTES = 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # everything read from one ZIP
MAX_NAME_LENGTH = 200
YAML_SUFFIXES = (".yaml", ".yml")
IGNORED_NAMES = {"readme.md", "readme.txt", ".ds_store", "thumbs.db"}
IGNORED_FOLDERS = ("__MACOSX/",)
FOLDER_NAME = "quizzes"  # messages name files as `flask content check` does: quizzes/<file>


def _refuse(code: str, **params) -> InvalidInput:
    """The upload cannot be read as content files (nothing was imported)."""
    return InvalidInput.of(WHOLE, code, **params)


@dataclass
class ImportResult:
    files: list[str] = field(default_factory=list)  # the content files read
    uploads: list[str] = field(default_factory=list)  # uploads/… files added
    loaded: content_loader.LoadResult | None = None


def _safe_name(name: str) -> str | None:
    """The entry's path if it stays inside the folder, else None."""
    if (
        not name
        or len(name) > MAX_NAME_LENGTH
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
    ):
        return None
    if any(part in ("..", ".", "") for part in name.split("/")):
        return None
    return name


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _common_folder(names: list[str]) -> str:
    """ "quizzes/" when every entry sits in that one folder (a zipped folder), else ""."""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return next(iter(tops)) + "/"
    return ""


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, shown: str) -> bytes:
    if info.file_size > limit:
        raise _refuse("entry_too_large", name=shown, limit=limit // 1024)
    try:
        with archive.open(info) as entry:
            data = entry.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise _refuse("bad_zip") from exc
    if len(data) > limit:
        raise _refuse("entry_too_large", name=shown, limit=limit // 1024)
    return data


def _entries(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The entries worth reading, after the checks that apply to every entry."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _refuse("too_many_entries", limit=MAX_ENTRIES)
    seen: set[str] = set()
    kept = []
    for info in infos:
        name = info.filename
        if _safe_name(name.rstrip("/") if info.is_dir() else name) is None:
            raise _refuse("unsafe_name", name=name[:MAX_NAME_LENGTH])
        if _is_link(info):
            raise _refuse("link", name=name)
        if info.flag_bits & 0x1:
            raise _refuse("encrypted", name=name)
        if name in seen:
            raise _refuse("duplicate", name=name)
        seen.add(name)
        if info.is_dir() or name.startswith(IGNORED_FOLDERS):
            continue
        if PurePosixPath(name).name.lower() in IGNORED_NAMES:
            continue
        kept.append(info)
    return kept


def _plan(infos: list[zipfile.ZipInfo]) -> list[tuple[zipfile.ZipInfo, str]]:
    """(entry, where it goes in the folder) for each entry to read; refuses anything else."""
    prefix = _common_folder([info.filename for info in infos])
    planned = []
    for info in infos:
        name = info.filename.removeprefix(prefix)
        if name.startswith("media/"):
            continue  # the curriculum's own files: paths are checked against quizzes/media
        is_yaml = "/" not in name and name.lower().endswith(YAML_SUFFIXES)
        is_upload = name.startswith(media_files.PREFIX) and name.count("/") == 1
        if not (is_yaml or is_upload):
            raise _refuse("unexpected", name=info.filename)
        planned.append((info, name))
    return planned


def _unpack_zip(data: bytes, folder: Path, limits: media.Limits) -> ImportResult:
    result = ImportResult()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _refuse("bad_zip") from exc
    too_large = _refuse("too_large", limit=MAX_UNPACKED_BYTES // (1024 * 1024))
    with archive:
        planned = _plan(_entries(archive))
        if sum(info.file_size for info, _ in planned) > MAX_UNPACKED_BYTES:
            raise too_large
        total = 0
        for info, name in planned:
            if name.startswith(media_files.PREFIX):
                upload = name.removeprefix(media_files.PREFIX)
                payload = _read(archive, info, limits.audio_max_bytes, info.filename)
                try:
                    media.verify_stored(upload, payload, limits)
                except InvalidInput as exc:
                    raise _refuse("bad_upload", name=info.filename) from exc
                result.uploads.append(name)
            else:
                payload = _read(archive, info, MAX_YAML_BYTES, info.filename)
                result.files.append(name)
            total += len(payload)
            if total > MAX_UNPACKED_BYTES:
                raise too_large
            target = folder / name
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(payload)
    return result


def unpack(filename: str, data: bytes, folder: Path, limits: media.Limits) -> ImportResult:
    """Write the upload's content files (and uploads/ files) into `folder`."""
    if not data:
        raise _refuse("empty")
    lower = (filename or "").lower()
    if data[:4] == b"PK\x03\x04" or lower.endswith(".zip"):
        result = _unpack_zip(data, folder, limits)
    elif lower.endswith(YAML_SUFFIXES):
        if len(data) > MAX_YAML_BYTES:
            raise _refuse("entry_too_large", name=filename, limit=MAX_YAML_BYTES // 1024)
        name = PurePosixPath(filename.replace("\\", "/")).name
        if _safe_name(name) is None:
            name = "noi-dung.yaml"
        (folder / name).write_bytes(data)
        result = ImportResult(files=[name])
    else:
        raise _refuse("not_content")
    if not result.files:
        raise _refuse("no_files")
    return result


def import_content(
    filename: str,
    data: bytes,
    *,
    media_dir: Path,
    upload_dir: Path,
    limits: media.Limits,
    overwrite_edited: bool = False,
) -> ImportResult:
    """Validate and load an uploaded content file or ZIP; all or nothing.

    Raises InvalidInput (the upload cannot be read) or content_loader.ContentError (a
    file has errors: the messages of `flask content check`). `media_dir` is this
    installation's quizzes/media; items edited in the browser are kept unless
    `overwrite_edited`.
    """
    with tempfile.TemporaryDirectory(prefix="lantoa-import-") as temp:
        folder = Path(temp) / FOLDER_NAME
        folder.mkdir()
        result = unpack(filename, data, folder, limits)
        if media_dir.is_dir():
            (folder / "media").symlink_to(media_dir.resolve(), target_is_directory=True)
        result.loaded = content_loader.load(folder, overwrite_edited=overwrite_edited)
        for path in result.uploads:
            name = path.removeprefix(media_files.PREFIX)
            media_files.write(upload_dir, name, (folder / "uploads" / name).read_bytes())
    return result
