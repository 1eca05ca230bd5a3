"""Backup file names (`lantoa-20261202T133000Z.sqlite` / `.dump`), their JSON manifests
(`<name>.json`: engine, schema revision, rows per table) and atomic writes."""

import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

PREFIX = "lantoa"
STAMP = "%Y%m%dT%H%M%SZ"
SUFFIXES = {"sqlite": "sqlite", "postgresql": "dump"}
NAME = re.compile(rf"^{PREFIX}-(\d{{8}}T\d{{6}}Z)\.(sqlite|dump)$")
MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class Manifest:
    """What a backup holds, written beside it when it is made."""

    dialect: str
    created_at: str
    revision: str | None
    counts: dict[str, int]
    format: int = MANIFEST_FORMAT


def backup_path(folder: Path, dialect: str, when: datetime) -> Path:
    """The backup's path in `folder`, named by engine and UTC time."""
    stamp = when.astimezone(UTC).strftime(STAMP)
    return folder / f"{PREFIX}-{stamp}.{SUFFIXES[dialect]}"


def dialect_of(path: Path) -> str | None:
    """The engine a backup file was made from, by its suffix (None for another file)."""
    suffix = path.suffix.lstrip(".")
    return next((d for d, s in SUFFIXES.items() if s == suffix), None)


def stamp_of(path: Path) -> datetime | None:
    """When a backup was made, read from its name (None when the name is not ours)."""
    match = NAME.match(path.name)
    if not match:
        return None
    return datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)


def backups_in(folder: Path) -> list[tuple[datetime, Path]]:
    """This app's backup files in `folder`, oldest first; other files are not listed."""
    if not folder.is_dir():
        return []
    found = [(stamp_of(p), p) for p in folder.iterdir() if p.is_file()]
    return sorted((stamp, p) for stamp, p in found if stamp is not None)


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def temp_path(path: Path) -> Path:
    """A hidden name beside `path` that no backup listing matches."""
    return path.with_name(f".{path.name}.tmp")


def write_manifest(path: Path, manifest: Manifest) -> Path:
    """Write the manifest of backup `path` atomically; returns the manifest's path."""
    target = manifest_path(path)
    temp = temp_path(target)
    temp.write_text(json.dumps(asdict(manifest), indent=2, sort_keys=True), encoding="utf-8")
    os.replace(temp, target)
    return target


def read_manifest(path: Path) -> Manifest | None:
    """The manifest beside backup `path`, or None when there is none."""
    target = manifest_path(path)
    if not target.is_file():
        return None
    data = json.loads(target.read_text(encoding="utf-8"))
    return Manifest(
        dialect=data["dialect"],
        created_at=data["created_at"],
        revision=data.get("revision"),
        counts={str(k): int(v) for k, v in data["counts"].items()},
        format=int(data.get("format", MANIFEST_FORMAT)),
    )
