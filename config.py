"""Settings read from the environment, with safe defaults for a first run."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class MissingSecretKey(RuntimeError):
    """The app was started for real without SECRET_KEY."""


def check_secret_key(config) -> None:
    """Refuse to start without SECRET_KEY; debug and testing get a random one for this process."""
    if config.get("SECRET_KEY"):
        return
    if not (config.get("DEBUG") or config.get("TESTING")):
        raise MissingSecretKey(
            "SECRET_KEY is not set. Every app process must sign sessions, CSRF tokens and quiz "
            "tokens with the same key, so the app refuses to start without one. Make one with\n"
            "    python -c 'import secrets; print(secrets.token_hex(32))'\n"
            "and set it in the environment (SECRET_KEY=...) of every process (gunicorn, flask)."
        )
    config["SECRET_KEY"] = secrets.token_hex(32)


class Config:
    """Production-ready defaults; every secret and location comes from the environment."""

    # Required outside debug and testing (see `check_secret_key`): every worker must sign
    # sessions, CSRF and quiz tokens with the same key.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'lantoa.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # SQLite: how long a write waits for another writer's lock before it answers "busy" (503).
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "15000"))
    BASE_URL = os.environ.get("BASE_URL", "http://localhost:5000").rstrip("/")
    CONTENT_DIR = os.environ.get("CONTENT_DIR", str(BASE_DIR / "quizzes"))

    # Cookies: Secure when served over HTTPS (set COOKIE_SECURE=1 behind TLS).
    SESSION_COOKIE_SECURE = _bool("COOKIE_SECURE", False)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PARTICIPANT_COOKIE = "lt_pid"
    PARTICIPANT_COOKIE_DAYS = 730

    # A quiz left open for an hour still submits: the form re-shows answers on an expired token.
    WTF_CSRF_TIME_LIMIT = 3600
    MAX_CONTENT_LENGTH = 1 * 1024 * 1024
    # One form field (not a file) at most this big, and at most this many fields: else a 413.
    MAX_FORM_MEMORY_SIZE = 500 * 1024
    MAX_FORM_PARTS = 1000

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("vi", "en")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True

    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "image/svg+xml",
        "application/json",
        "text/javascript",
        "application/manifest+json",
    ]
    COMPRESS_MIN_SIZE = 256
    COMPRESS_ALGORITHM = ["gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["gzip"]  # static files are streamed
    SEND_FILE_MAX_AGE_DEFAULT = 86400

    # Version of the guardian-consent text shown to under-16s; bump when the wording changes.
    CONSENT_TEXT_VERSION = "guardian-2026-11"
    # Dates printed for people (certificates, reports) are in this zone; storage stays UTC.
    TIMEZONE = os.environ.get("TIMEZONE", "Asia/Ho_Chi_Minh")
    # The commune's identity, printed on pages and documents: read it through
    # services.org.settings.commune_settings(), never from here. The issuer's name, its parent
    # and the place before a document's date follow the commune and province unless set.
    COMMUNE_NAME = os.environ.get("COMMUNE_NAME", "xã Hoàng Văn Thụ")
    PROVINCE_NAME = os.environ.get("PROVINCE_NAME", "tỉnh Lạng Sơn")
    ISSUER_NAME = os.environ.get("ISSUER_NAME", "")  # "Ủy ban nhân dân xã Hoàng Văn Thụ"
    ISSUER_PARENT = os.environ.get("ISSUER_PARENT", "")  # "Tỉnh Lạng Sơn"
    ISSUER_PLACE = os.environ.get("ISSUER_PLACE", "")  # "Hoàng Văn Thụ"
    CERTIFICATE_SIGNER_TITLE = os.environ.get("CERTIFICATE_SIGNER_TITLE", "TM. ỦY BAN NHÂN DÂN")
    CERTIFICATE_SIGNER_NAME = os.environ.get("CERTIFICATE_SIGNER_NAME", "")
    REPORT_SIGNER_TITLE = os.environ.get("REPORT_SIGNER_TITLE", "TM. ỦY BAN NHÂN DÂN")
    REPORT_SIGNER_NAME = os.environ.get("REPORT_SIGNER_NAME", "")  # default: the certificate's
    # The commune's official channels that lessons name ({{kenh.website}} …): empty by default,
    # so a lesson says "not yet published" rather than print an address nobody checked.
    CHANNEL_WEBSITE = os.environ.get("CHANNEL_WEBSITE", "")
    CHANNEL_NEWS = os.environ.get("CHANNEL_NEWS", "")
    CHANNEL_ZALO = os.environ.get("CHANNEL_ZALO", "")
    CHANNEL_FACEBOOK = os.environ.get("CHANNEL_FACEBOOK", "")
    CERTIFICATE_SERIAL_PREFIX = os.environ.get("CERTIFICATE_SERIAL_PREFIX", "HVT")
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute;300 per hour")
    # Unknown poster and class codes (/p/, /c/) per address: only misses count, so real scans,
    # a class of 40 behind one school address included, are never held up.
    CODE_GUESS_RATE_LIMIT = os.environ.get("CODE_GUESS_RATE_LIMIT", "120 per minute")
    # How long after a poster scan what the same person opens from it is credited to the poster.
    POSTER_CREDIT_MINUTES = int(os.environ.get("POSTER_CREDIT_MINUTES", "120"))
    # New identities per address (only successful ones count): a class of 40 behind one school
    # address passes; a script making hundreds does not.
    IDENTITY_RATE_LIMIT = os.environ.get("IDENTITY_RATE_LIMIT", "60 per 10 minutes")
    # Wrong list numbers when claiming a roster name: per name, and per (address, class).
    ROSTER_NUMBER_RATE_LIMIT = os.environ.get("ROSTER_NUMBER_RATE_LIMIT", "5 per 15 minutes")
    ROSTER_NUMBER_CLASS_RATE_LIMIT = os.environ.get("ROSTER_NUMBER_CLASS_RATE_LIMIT", "40 per hour")
    # Login attempts per (account, address) and per address; only the pair is slowed, so
    # someone guessing a known user name from elsewhere cannot lock its owner out.
    LOGIN_RATE_LIMIT_ACCOUNT = os.environ.get("LOGIN_RATE_LIMIT_ACCOUNT", "10 per minute")
    LOGIN_RATE_LIMIT_IP = os.environ.get("LOGIN_RATE_LIMIT_IP", "30 per minute")
    # After this many wrong passwords in a row for one (account, address), each next attempt
    # from that pair waits LOGIN_DELAY_SECONDS, doubling with every failure up to the maximum.
    LOGIN_FAILURES_BEFORE_DELAY = int(os.environ.get("LOGIN_FAILURES_BEFORE_DELAY", "5"))
    LOGIN_DELAY_SECONDS = int(os.environ.get("LOGIN_DELAY_SECONDS", "5"))
    LOGIN_DELAY_MAX_SECONDS = int(os.environ.get("LOGIN_DELAY_MAX_SECONDS", "900"))
    # A staff session ends this long after login, however busy it is.
    STAFF_SESSION_MAX_HOURS = int(os.environ.get("STAFF_SESSION_MAX_HOURS", "12"))
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto/-Host (0 = none:
    # those headers are ignored, so a client cannot forge its address).
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
    # Uploaded lesson images and audio, stored by content hash (served at /uploads/<name>).
    MEDIA_UPLOAD_DIR = os.environ.get("MEDIA_UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))
    # Photos and minutes attached to activities as evidence: private (served only to staff who
    # may see the activity's unit), stored by content hash. Back it up with the uploads.
    EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR", str(BASE_DIR / "instance" / "evidence"))
    # Largest PDF or DOCX of minutes accepted (photos follow MEDIA_IMAGE_MAX_BYTES).
    EVIDENCE_DOCUMENT_MAX_BYTES = int(
        os.environ.get("EVIDENCE_DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024))
    )
    # Where `flask backup create` writes database backups unless told --dir.
    BACKUP_DIR = os.environ.get("BACKUP_DIR", str(BASE_DIR / "instance" / "backups"))
    # Largest audio file accepted (MP3, M4A, OGG); images are re-encoded to at most ~60 KB.
    MEDIA_AUDIO_MAX_BYTES = int(os.environ.get("MEDIA_AUDIO_MAX_BYTES", str(8 * 1024 * 1024)))
    # Largest image file accepted before re-encoding, and its largest pixel count.
    MEDIA_IMAGE_MAX_BYTES = int(os.environ.get("MEDIA_IMAGE_MAX_BYTES", str(15 * 1024 * 1024)))
    MEDIA_IMAGE_MAX_PIXELS = int(os.environ.get("MEDIA_IMAGE_MAX_PIXELS", str(40_000_000)))
    # Largest content file (YAML) or ZIP of them accepted by the import page.
    CONTENT_IMPORT_MAX_BYTES = int(
        os.environ.get("CONTENT_IMPORT_MAX_BYTES", str(40 * 1024 * 1024))
    )
    # An answer kept on a phone without signal is accepted this many days after its form was
    # fetched (the form's signed stamp says when); older ones are refused with a message.
    OFFLINE_SEND_DAYS = int(os.environ.get("OFFLINE_SEND_DAYS", "30"))
    # Exports with more rows than this are prepared in the background by `flask jobs run`
    # (the page says where to download them) instead of inside the request.
    EXPORT_JOB_MIN_ROWS = int(os.environ.get("EXPORT_JOB_MIN_ROWS", "20000"))
    # Where prepared export files are kept, and for how many days after they are made.
    EXPORT_DIR = os.environ.get("EXPORT_DIR", str(BASE_DIR / "instance" / "exports"))
    EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", "7"))
    # A job still running this long after it was claimed is taken to have lost its worker
    # (killed, machine restarted) and is claimed again.
    JOB_TIMEOUT_MINUTES = int(os.environ.get("JOB_TIMEOUT_MINUTES", "60"))
    # Participation data older than this is deleted by `flask purge-expired`.
    RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", str(3 * 365)))
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    TESTING = False


class TestingConfig(Config):
    """Apps made for tests (TESTING=True) start with a certificate signer, as a commune that
    has filled in its settings would; a test about a missing signer clears it."""

    CERTIFICATE_SIGNER_NAME = "Nguyễn Văn Ký"
