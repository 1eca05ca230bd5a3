"""The commune's identity (name, province, issuer, signers) and the public address printed on
every QR code and link: one accessor that everything calls.

Every commune has its own: what its office saved on its settings page (rows of
`office_settings` with the commune's unit) wins over the province unit's rows, which win over
the app's configuration (whose commune keys describe the first commune; a later commune starts
from its unit's name). The province's name is the province unit's; the public address is the
commune's saved one, else its own host (`communes.host`), else the deployment's. Callers use
`commune_settings(commune_id)` and `public_url(path, commune_id)` (a document: the commune of
the object it prints; None: the request's commune) and never read the configuration keys.
"""

import ipaddress
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from extensions import db
from models import Commune, OfficeSetting, Unit
from models.units import PROVINCE
from services.common.errors import collect
from services.org import tenancy

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
    commune_id: int | None = None  # whose settings these are (None: before any commune)

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


# The configuration's keys that are the deployment's (every commune's default); the others
# describe the first commune (the one a one-commune installation was configured for).
DEPLOYMENT_KEYS = ("BASE_URL", "PROVINCE_NAME")

# Core tables: these lookups must answer for any commune, whatever the session's scope.
_UNITS = Unit.__table__
_COMMUNES = Commune.__table__
_SETTINGS = OfficeSetting.__table__


@dataclass(frozen=True)
class _Saved:
    """What the database says of one commune: its saved rows over the province's, by
    configuration key, and what the commune and province rows give."""

    values: dict
    own_keys: frozenset  # the configuration keys the commune saved itself
    is_default: bool  # the first commune, which the configuration describes
    unit_name: str | None  # the commune unit's own name
    host: str | None  # communes.host
    province_name: str | None  # the province unit's name
    province_id: int | None


def default_commune_id() -> int | None:
    """The only commune, else the default one (the lowest id); None before any exists. Read
    from the scope's cached list of communes: a learner's request asks the database nothing."""
    ids = tenancy.commune_ids()
    return ids[0] if ids else None


def use_commune(commune_id: int | None) -> None:
    """Make `commune_id` the request's commune (a page about one commune's object: /v/<code>),
    for the `commune` of templates and for public_url()."""
    g.settings_commune_id = commune_id


def request_commune_id() -> int | None:
    """The request's commune: the one a view chose (use_commune), else the logged-in staff
    member's, else the only commune, else the default (None before any commune exists)."""
    chosen = g.get("settings_commune_id")
    if chosen is not None:
        return chosen
    if has_request_context():
        try:
            user = current_user._get_current_object()
            staff_commune = getattr(user, "commune_id", None) if user.is_authenticated else None
        except SQLAlchemyError:
            staff_commune = None
        if staff_commune is not None:
            return staff_commune
    try:
        with db.session.no_autoflush:
            return default_commune_id()
    except SQLAlchemyError:
        return None


def _saved(commune_id: int | None) -> _Saved:
    """The saved settings of a commune (none when the database cannot answer: an error page
    about the database still renders with the defaults)."""
    try:
        # Never flush the request's pending writes from here (a page renders this): they meet
        # their storage faults at the commit, where the unit of work answers them.
        with db.session.no_autoflush:
            return _read(commune_id)
    except SQLAlchemyError:
        return _Saved({}, frozenset(), True, None, None, None, None)


def _read(commune_id: int | None) -> _Saved:
    """The commune's and the province's units with their saved rows, in one statement (every
    page reads it: the learner's quiz page among them)."""
    found = db.session.execute(
        db.select(
            _UNITS.c.id,
            _UNITS.c.kind,
            _UNITS.c.name,
            _COMMUNES.c.host,
            _SETTINGS.c.key,
            _SETTINGS.c.value,
        )
        .outerjoin(_COMMUNES, _COMMUNES.c.unit_id == _UNITS.c.id)
        .outerjoin(_SETTINGS, _SETTINGS.c.unit_id == _UNITS.c.id)
        .where(db.or_(_UNITS.c.id == commune_id, _UNITS.c.kind == PROVINCE))
        .order_by(_UNITS.c.id)
    ).all()
    province = next((u for u in found if u.kind == PROVINCE), None)
    own = next((u for u in found if u.id == commune_id and u.kind != PROVINCE), None)
    owners = {u.id for u in (province, own) if u is not None}
    values: dict[str, str] = {}
    own_keys: set[str] = set()
    rows = [row for row in found if row.id in owners and row.key is not None]
    # The province's rows first: the commune's own win.
    for row in sorted(rows, key=lambda r: r.id == commune_id):
        if row.key in EDITABLE:
            values[EDITABLE[row.key]] = row.value
            if row.id == commune_id:
                own_keys.add(EDITABLE[row.key])
    first = commune_id is None or commune_id == default_commune_id()
    return _Saved(
        values=values,
        own_keys=frozenset(own_keys),
        is_default=first,
        unit_name=own.name if own is not None else None,
        host=own.host if own is not None else None,
        province_name=province.name if province is not None else None,
        province_id=province.id if province is not None else None,
    )


def _merged(commune_id: int | None) -> dict:
    """The configuration mapping of a commune: its saved values, else the province's saved
    values, else the configuration (whose commune keys describe the first commune only; a
    later commune starts from its unit's name, with no signer and no channel)."""
    saved = _saved(commune_id)
    config = dict(current_app.config)
    if not saved.is_default:
        for key in (*EDITABLE.values(), "ISSUER_PARENT", "ISSUER_PLACE"):
            if key not in DEPLOYMENT_KEYS:
                config[key] = ""
        config["COMMUNE_NAME"] = saved.unit_name or ""
    merged = {**config, **saved.values}
    if saved.host and "BASE_URL" not in saved.own_keys:
        scheme = urlsplit(merged["BASE_URL"]).scheme or "https"
        merged["BASE_URL"] = f"{scheme}://{saved.host}"
    if saved.province_name:
        merged["PROVINCE_NAME"] = saved.province_name
    return merged


def commune_settings(commune_id: int | None = None) -> CommuneSettings:
    """A commune's settings (None: the request's commune, see request_commune_id): saved values
    over the configuration, once per commune and request or command."""
    if commune_id is None:
        commune_id = request_commune_id()
    cache = g.setdefault("commune_settings", {})
    if commune_id not in cache:
        cache[commune_id] = replace(from_config(_merged(commune_id)), commune_id=commune_id)
    return cache[commune_id]


def editable_values(commune_id: int | None = None) -> dict[str, str]:
    """What the settings form shows: each editable setting of the commune as saved, else its
    default (None: the request's commune)."""
    if commune_id is None:
        commune_id = request_commune_id()
    config = _merged(commune_id)
    values = {name: config.get(key) or "" for name, key in EDITABLE.items()}
    values["public_address"] = values["public_address"].rstrip("/")
    return values


def province_locked(commune_id: int | None = None) -> bool:
    """Whether the province's name is not the commune's to change: a province unit holds
    several communes (a one-commune deployment's admin names its province)."""
    del commune_id  # the same for every commune of the deployment
    count = db.session.execute(db.select(db.func.count()).select_from(_COMMUNES)).scalar()
    return count > 1 and _saved(None).province_id is not None


def save(values: dict[str, str]) -> dict[str, str]:
    """Check and store the settings of the request's commune (the editing admin's); see
    save_for."""
    return save_for(request_commune_id(), values)


def save_for(commune_id: int | None, values: dict[str, str]) -> dict[str, str]:
    """Check and store one commune's settings (a name left out of `values` keeps its value;
    onboarding gives a new commune its name and issuer this way); returns the ones that
    changed (name → new value). With no commune yet (a fresh install), the default commune
    is made first.

    The province's name renames the province unit when there is one; a commune among
    several cannot change it (the value given is ignored).

    Raises InvalidInput: an empty required field ("empty"), a value too long ("too_long"), a
    public address that is not a bare http(s) address ("scheme", "host", "path"), or a channel
    address that is not a whole http(s) address ("scheme", "host", "chars"; see link_problem).
    """
    if commune_id is None:
        commune_id = tenancy.default_commune()
    before = editable_values(commune_id)
    values = {**before, **values}  # a setting not named keeps its value
    if province_locked(commune_id):
        values = {**values, "province_name": before["province_name"]}
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
    changed = {name: v for name, v in cleaned.items() if v != before[name]}
    province_id = _saved(commune_id).province_id
    for name, value in cleaned.items():
        if name == "province_name" and province_id is not None:
            if "province_name" in changed:
                db.session.execute(
                    db.update(_UNITS).where(_UNITS.c.id == province_id).values(name=value)
                )
            continue
        row = db.session.get(OfficeSetting, (commune_id, name))
        if row is None:
            db.session.add(OfficeSetting(unit_id=commune_id, key=name, value=value))
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


def public_url(path: str, commune_id: int | None = None) -> str:
    """The address printed for one of the app's paths ("/p/CODE"), for phones to open: the
    commune's (None: the request's commune)."""
    return commune_settings(commune_id).public_address + path


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
