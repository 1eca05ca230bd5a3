"""What can stop a backup or a restore; the command line words them for the operator."""

from dataclasses import dataclass, field


class BackupError(Exception):
    """A backup or restore that cannot go on."""


@dataclass
class DatabaseMissing(BackupError):
    """The SQLite file to back up does not exist."""

    path: str


@dataclass
class ToolMissing(BackupError):
    """A PostgreSQL client program (pg_dump, pg_restore) is not installed."""

    tool: str


@dataclass
class ToolFailed(BackupError):
    """A PostgreSQL client program exited with an error."""

    tool: str
    detail: str


@dataclass
class VerifyFailed(BackupError):
    """A written backup, or a restored database, failed its check."""

    detail: str


@dataclass
class NotABackup(BackupError):
    """The file is not a backup this app can restore (unknown kind, no manifest, no revision)."""

    path: str
    reason: str


@dataclass
class TargetNotEmpty(BackupError):
    """The database to restore into already has tables."""

    tables: int
    rows: int


@dataclass
class RevisionNewer(BackupError):
    """The backup's schema revision is unknown to this code: the code is older than the data."""

    revision: str
    head: str | None


@dataclass
class CountMismatch(BackupError):
    """A restored table does not hold as many rows as the backup."""

    counts: list = field(default_factory=list)
