"""Onboarding a commune in one go: its unit under the province, its `communes` row, the units of
its sheet (villages, schools, classes, agencies with their populations), its first admin with a
one-time password, and a poster per village and class. Shared by `flask communes add` and the
province admin's page.

Everything is checked before the first write, or else refused with InvalidInput (a row-level
problem of the sheet as OnboardingRefused, which carries every bad row). The service adds and
flushes; the caller commits, or rolls back on a refusal, so a refused commune leaves nothing.
The commune's name is set on its unit; its issuer and signers keep the deployment's defaults
until they are saved in its settings.
"""

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select

from extensions import db
from models import CertificateSerialCounter, Commune, Lesson, Poster, StaffUser, Unit
from models.units import PROVINCE
from services.common.errors import InvalidInput
from services.common.text import clean_line
from services.org import audit, passwords, roster, settings, unit_import, unit_tree
from services.org import staff as staff_service
from services.org.staff import USERNAME, normalize_username
from services.org.tenancy import CODE_LENGTH, province_unit, register_commune
from services.org.units import create_unit
from services.participation import posters

CODE = re.compile(rf"^[a-z0-9](?:[a-z0-9-]{{0,{CODE_LENGTH - 2}}}[a-z0-9])?$")
PREFIX = re.compile(r"^[A-Z0-9]{2,8}$")
POSTER_KINDS = ("village", "class")  # one poster each, where people scan
ADMIN_NAME = "Quản trị xã"


class OnboardingRefused(InvalidInput):
    """A sheet with bad rows: `rows` holds (row number or None, code, params) for each."""

    def __init__(self, rows: list[tuple[int | None, str, dict]]):
        super().__init__({"units": "bad_rows"})
        self.rows = rows


@dataclass(frozen=True)
class NewCommune:
    """What the form or the command line gives."""

    code: str
    name: str
    serial_prefix: str
    admin_username: str
    sheet_name: str
    sheet: bytes
    poster_lesson: str | None = None  # slug; else the first lesson of the curriculum


@dataclass
class Onboarded:
    commune: Commune
    unit: Unit
    admin: StaffUser
    password: str  # shown once, never stored
    units_created: int
    posters: list[Poster] = field(default_factory=list)


def _checked(request: NewCommune) -> tuple[str, str, str, str]:
    """The cleaned code, name, prefix and username; InvalidInput naming every bad field."""
    code = clean_line(request.code).lower()
    name = clean_line(request.name)
    prefix = clean_line(request.serial_prefix).upper()
    username = normalize_username(request.admin_username or "")
    errors: dict[str, str] = {}
    if not CODE.match(code):
        errors["code"] = "bad_code"
    elif db.session.scalar(select(Commune.unit_id).where(Commune.code == code)) is not None:
        errors["code"] = "code_taken"
    if not name:
        errors["name"] = "missing_name"
    elif len(name) > unit_tree.MAX_NAME:
        errors["name"] = "name_too_long"
    elif _commune_named(name):
        errors["name"] = "name_taken"
    if not PREFIX.match(prefix):
        errors["serial_prefix"] = "bad_prefix"
    elif _prefix_used(prefix):
        errors["serial_prefix"] = "prefix_taken"
    if not USERNAME.match(username):
        errors["admin_username"] = "bad_username"
    elif StaffUser.query.filter_by(username=username).first() is not None:
        errors["admin_username"] = "username_taken"
    if errors:
        raise InvalidInput(errors, n=unit_tree.MAX_NAME, code=code, prefix=prefix)
    return code, name, prefix, username


def _commune_named(name: str) -> bool:
    folded = unit_tree.fold(name)
    names = db.session.scalars(select(Unit.name).where(Unit.kind == "commune"))
    return any(unit_tree.fold(other) == folded for other in names)


def _prefix_used(prefix: str) -> bool:
    """Taken by a commune, or by serials already issued (a commune since removed)."""
    if db.session.scalar(select(Commune.unit_id).where(Commune.serial_prefix == prefix)):
        return True
    counters = select(func.count()).where(CertificateSerialCounter.prefix == prefix)
    return bool(db.session.scalar(counters))


def _poster_lesson(slug: str | None) -> Lesson:
    """The lesson the new posters lead to: the one named, else the curriculum's first lesson
    that may hang anywhere."""
    if slug:
        lesson = posters.find_target(slug, "lesson")
        if lesson is None or lesson.status != "published":
            raise InvalidInput.of("poster_lesson", "unknown_lesson", slug=slug)
        if posters.placeable_ids(lesson, None) is not None:
            raise InvalidInput.of("poster_lesson", "class_only_lesson", slug=slug)
        return lesson
    for kind, target in posters.targets():
        if kind == "lesson" and posters.placeable_ids(target, None) is None:
            return target
    raise InvalidInput.of("poster_lesson", "no_lesson")


def _province() -> Unit:
    """The province above the communes, created (named from the settings) when missing."""
    found = province_unit()
    if found is not None:
        return found
    return create_unit(PROVINCE, settings.commune_settings().province_name)


def add_commune(
    request: NewCommune, by: StaffUser | None = None, ip: str = audit.COMMAND_LINE
) -> Onboarded:
    """Create the commune whole, or raise InvalidInput (OnboardingRefused for the sheet's rows)
    having written only what the caller's rollback takes back. `by` and `ip`: who did it, for
    the audit log (the command line by default)."""
    code, name, prefix, username = _checked(request)
    table = roster.read_table(
        request.sheet_name, request.sheet, max_rows=unit_import.MAX_IMPORT_ROWS
    )  # InvalidInput: format, encoding, unreadable
    lesson = _poster_lesson(request.poster_lesson)
    province = _province()
    unit = Unit(kind="commune", name=name, parent=province)
    db.session.add(unit)
    db.session.flush()
    commune = register_commune(unit, serial_prefix=prefix)
    commune.code = code
    plan = unit_import.plan_import(table, commune=unit)
    if plan.errors:
        raise OnboardingRefused(plan.errors)
    created, _updated = unit_import.apply_import(plan)
    password = passwords.generate_password()
    admin = staff_service.create_staff(username, ADMIN_NAME, password, "admin", handed_over=True)
    admin.commune_id = unit.id
    units = (
        Unit.query.filter(Unit.commune_id == unit.id, Unit.kind.in_(POSTER_KINDS))
        .order_by(Unit.kind.desc(), Unit.name)
        .all()
    )
    made = posters.create_for_units(units, lesson)
    events = (
        audit.record(
            by, "commune_added", code, ip, serial_prefix=prefix, created=created, posters=len(made)
        ),
        audit.record(by, "staff_created", username, ip, role="admin"),
    )
    for event in events:  # the commune's admin sees how their commune was made
        event.commune_id = unit.id
    db.session.flush()
    return Onboarded(commune, unit, admin, password, created, made)
