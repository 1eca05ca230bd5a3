"""The commune's identity (name, province, issuer, signers) and the public address printed on
every QR code and link: one accessor that everything calls.

What the office saved on its settings page (table `office_settings`) wins over the app's
configuration, which gives the defaults; callers use `commune_settings()` and `public_url()` and
never read the configuration keys themselves.
"""

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError

from extensions import db
from models import OfficeSetting
from services.common.errors import collect

# A name as written in running text ("xã Hoàng Văn Thụ") starts with its kind of unit; the
# date line of a document ("Hoàng Văn Thụ, ngày …") uses the bare name.
UNIT_KINDS = ("xã ", "phường ", "thị trấn ", "đặc khu ")


@dataclass(frozen=True)
class CommuneSettings:
    """Who the app speaks for; every field is printed as written."""

    commune_name: str  # "xã Hoàng Văn Thụ"
    province_name: str  # "tỉnh Lạng Sơn"
    issuer_name: str  # "Ủy ban nhân dân xã Hoàng Văn Thụ"
    issuer_parent: str  # "Tỉnh Lạng Sơn", above the issuer in a document's header
    place_name: str  # "Hoàng Văn Thụ", before a document's date
    certificate_signer_title: str  # "TM. ỦY BAN NHÂN DÂN"
    certificate_signer_name: str
    report_signer_title: str  # signs the lists the app prints (nominations)
    report_signer_name: str  # also the half-year report's default signer
    public_address: str = "http://localhost:5000"  # printed before every /p/, /c/, /v/ path
    # The commune's official channels, named in lessons (services/content/placeholders.py);
    # empty until the office enters them: nothing invented is ever printed.
    channel_website: str = ""  # "https://hoangvanthu.langson.gov.vn"
    channel_news: str = ""  # the news page (chuyên mục tin tức) of that site
    channel_zalo: str = ""  # the Zalo Official Account: its name, or its https://zalo.me/ link
    channel_facebook: str = ""  # the commune's Facebook page

    @property
    def certificate_signer_set(self) -> bool:
        """Whether a certificate can be signed: both the signer's title and name are given."""
        return bool(self.certificate_signer_title.strip() and self.certificate_signer_name.strip())

    @property
    def issuer_short(self) -> str:
        """'UBND xã Hoàng Văn Thụ', as in a page's footer."""
        body = "Ủy ban nhân dân "
        if self.issuer_name.startswith(body):
            return f"UBND {self.issuer_name[len(body) :]}"
        return self.issuer_name

    @property
    def issuer_unit(self) -> str:
        """'xã Hoàng Văn Thụ' of 'Ủy ban nhân dân xã Hoàng Văn Thụ' (the second header line)."""
        body = "Ủy ban nhân dân "
        if self.issuer_name.startswith(body):
            return self.issuer_name[len(body) :]
        return self.issuer_name


def bare_name(name: str) -> str:
    """'Hoàng Văn Thụ' of 'xã Hoàng Văn Thụ'."""
    lowered = name.lower()
    for kind in UNIT_KINDS:
        if lowered.startswith(kind):
            return name[len(kind) :]
    return name


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def from_config(config) -> CommuneSettings:
    """The settings from a configuration mapping; unset issuer fields follow the commune."""
    commune = config["COMMUNE_NAME"]
    province = config["PROVINCE_NAME"]
    return CommuneSettings(
        commune_name=commune,
        province_name=province,
        issuer_name=config.get("ISSUER_NAME") or f"Ủy ban nhân dân {commune}",
        issuer_parent=config.get("ISSUER_PARENT") or _capitalized(province),
        place_name=config.get("ISSUER_PLACE") or bare_name(commune),
        certificate_signer_title=config["CERTIFICATE_SIGNER_TITLE"],
        certificate_signer_name=config["CERTIFICATE_SIGNER_NAME"],
        report_signer_title=config["REPORT_SIGNER_TITLE"],
        report_signer_name=config["REPORT_SIGNER_NAME"] or config["CERTIFICATE_SIGNER_NAME"],
        public_address=config["BASE_URL"].rstrip("/"),
        **{name: config.get(key) or "" for name, key in CHANNELS.items()},
    )


# The commune's official channels (all optional), by the configuration key of each default.
CHANNELS = {
    "channel_website": "CHANNEL_WEBSITE",
    "channel_news": "CHANNEL_NEWS",
    "channel_zalo": "CHANNEL_ZALO",
    "channel_facebook": "CHANNEL_FACEBOOK",
}
# Channels that are always an address; the Zalo account may be a name or an address.
CHANNEL_LINKS = ("channel_website", "channel_news", "channel_facebook")

# The settings the office edits, by the configuration key that gives each one's default.
EDITABLE = {
    "public_address": "BASE_URL",
    "commune_name": "COMMUNE_NAME",
    "province_name": "PROVINCE_NAME",
    "issuer_name": "ISSUER_NAME",
    "certificate_signer_title": "CERTIFICATE_SIGNER_TITLE",
    "certificate_signer_name": "CERTIFICATE_SIGNER_NAME",
    "report_signer_title": "REPORT_SIGNER_TITLE",
    "report_signer_name": "REPORT_SIGNER_NAME",
    **CHANNELS,
}
REQUIRED = ("public_address", "commune_name", "province_name")
VALUE_MAX = 300


def _saved() -> dict[str, str]:
    """The saved settings, by configuration key (none when the database cannot answer: an
    error page about the database still renders with the defaults)."""
    try:
        # Never flush the request's pending writes from here (a page renders this): they meet
        # their storage faults at the commit, where the unit of work answers them.
        with db.session.no_autoflush:
            rows = db.session.execute(_SAVED).all()
    except SQLAlchemyError:
        return {}
    return {EDITABLE[key]: value for key, value in rows if key in EDITABLE}


# Every page reads the settings: plain rows through a statement built once.
_SAVED = db.select(OfficeSetting.key, OfficeSetting.value)


def commune_settings() -> CommuneSettings:
    """The current app's commune settings: saved values over the configuration (once per
    request or command)."""
    if "commune_settings" not in g:
        g.commune_settings = from_config({**current_app.config, **_saved()})
    return g.commune_settings


def editable_values() -> dict[str, str]:
    """What the settings form shows: each editable setting as saved, else its default."""
    config = {**current_app.config, **_saved()}
    values = {name: config.get(key) or "" for name, key in EDITABLE.items()}
    values["public_address"] = values["public_address"].rstrip("/")
    return values


def save(values: dict[str, str]) -> dict[str, str]:
    """Check and store the office's settings; returns the ones that changed (name → new value).

    Raises InvalidInput: an empty required field ("empty"), a value too long ("too_long"), a
    public address that is not a bare http(s) address ("scheme", "host", "path"), or a channel
    address that is not a whole http(s) address ("scheme", "host", "chars"; see link_problem).
    """
    cleaned = {name: " ".join((values.get(name) or "").split()) for name in EDITABLE}
    checks = {name: "empty" for name in REQUIRED if not cleaned[name]}
    checks.update({name: "too_long" for name, v in cleaned.items() if len(v) > VALUE_MAX})
    if "public_address" not in checks:
        checks["public_address"] = address_problem(cleaned["public_address"])
    for name in CHANNELS:
        if name not in checks and cleaned[name]:
            checks[name] = _channel_problem(name, cleaned[name])
    collect(checks, limit=VALUE_MAX)
    cleaned["public_address"] = cleaned["public_address"].rstrip("/")
    before = editable_values()
    changed = {name: v for name, v in cleaned.items() if v != before[name]}
    for name, value in cleaned.items():
        row = db.session.get(OfficeSetting, name)
        if row is None:
            db.session.add(OfficeSetting(key=name, value=value))
        elif row.value != value:
            row.value = value
    db.session.flush()
    g.pop("commune_settings", None)
    return changed


def _channel_problem(name: str, value: str) -> str | None:
    """A channel's address problem; a Zalo account given by its name (no "/" in it) is text."""
    if name in CHANNEL_LINKS or "/" in value or value.lower().startswith("www."):
        return link_problem(value)
    return None


def _scheme_host_problem(address: str) -> str | None:
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https"):
        return "scheme"
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return "host"
    if not parts.hostname or parts.username or parts.password:
        return "host"
    return None


# Characters a printed address never holds (spaces have been collapsed by then, not removed).
_NOT_IN_LINKS = frozenset(' <>"\\{}|^`')


def link_problem(address: str) -> str | None:
    """Why an address cannot stand for a channel in a lesson (None: it can): "scheme" unless
    http or https, "host" without a host (or with a bad port, or with a user name), "chars"
    with a space or a character that cannot be in an address (< > " { } and the like)."""
    if any(char in _NOT_IN_LINKS for char in address):
        return "chars"
    return _scheme_host_problem(address)


def address_problem(address: str) -> str | None:
    """Why an address cannot be printed before /p/CODE (None: it can): "scheme" unless http or
    https, "host" without a host (or with a bad port), "path" with a path, query or fragment
    beyond a trailing slash."""
    problem = _scheme_host_problem(address)
    if problem:
        return problem
    parts = urlsplit(address)
    if parts.path not in ("", "/") or parts.query or parts.fragment or "?" in address:
        return "path"
    return None


def public_url(path: str) -> str:
    """The address printed for one of the app's paths ("/p/CODE"), for phones to open."""
    return commune_settings().public_address + path


LOCAL_NAMES = ("localhost", "localhost.localdomain")


def is_local(address: str) -> bool:
    """Whether an address names this machine only (localhost, 127.*, ::1, 0.0.0.0): a phone
    scanning it reaches itself, not the app."""
    host = (urlsplit(address).hostname or "").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


DEFAULT_PORTS = {"http": 80, "https": 443}


def same_host(address: str, opened_at: str) -> bool:
    """Whether the public address names the host a page was opened at (and its port, when
    either names one: http vs https alone is no difference, a proxy may end TLS)."""
    ours, theirs = urlsplit(address), urlsplit(opened_at)
    if (ours.hostname or "").lower() != (theirs.hostname or "").lower():
        return False
    if ours.port is None and theirs.port is None:
        return True
    return (ours.port or DEFAULT_PORTS.get(ours.scheme)) == (
        theirs.port or DEFAULT_PORTS.get(theirs.scheme)
    )


def register_settings(app) -> None:
    """Templates see the settings as `commune`."""

    @app.context_processor
    def _commune():
        return {"commune": commune_settings()}

    app.add_template_global(public_url)
