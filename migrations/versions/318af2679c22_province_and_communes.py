"""province and communes: the unit tree gains a province; communes become tenants

Revision ID: 318af2679c22
Revises: 8ec1c93f8d4a
Create Date: 2026-12-05 08:00:00.000000

A one-commune database becomes a province holding that commune. A `province` unit P is
inserted above every root commune (named from the office setting `province_name`, else the
configuration's PROVINCE_NAME); every commune unit gets a row in the new `communes` table;
every unit gets `commune_id`, the nearest commune at or above it. The default commune D is
the lowest-id commune; when the database holds rows but no commune, D is created from the
setting `commune_name` (else COMMUNE_NAME), and roots of another kind are hung under D. The
first commune keeps the serial prefix of the certificates already issued.
"""

import datetime as dt
import unicodedata

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

# revision identifiers, used by Alembic.
revision = "318af2679c22"
down_revision = "8ec1c93f8d4a"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('commune','village','school','class','agency','enterprise')"
NEW_KINDS = "kind IN ('commune','village','school','class','agency','enterprise','province')"
# Tables whose rows mean the database is in use, even without a unit.
DATA_TABLES = (
    "participants",
    "staff_users",
    "targets",
    "half_year_reports",
    "science_tasks",
    "audit_events",
    "certificates",
)


def _config(key: str, default: str) -> str:
    return current_app.config.get(key, default) if has_app_context() else default


def _setting(conn, key: str) -> str | None:
    value = conn.execute(
        sa.text("SELECT value FROM office_settings WHERE key = :key"), {"key": key}
    ).scalar()
    return value.strip() if value and value.strip() else None


def _slug(name: str, length: int) -> str:
    value = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).lower()
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in value).split()
    return "-".join(words)[:length].strip("-")


def _initials(name: str) -> str:
    words = _slug(name, 200).split("-")
    if len(words) > 1 and words[0] in {"xa", "phuong"}:
        words = words[1:]
    return "".join(word[0] for word in words if word).upper()[:6] or "XA"


def _free(wanted: str, taken: set[str], length: int) -> str:
    candidate, number = wanted[:length], 2
    while candidate in taken:
        suffix = str(number)
        candidate, number = wanted[: length - len(suffix)] + suffix, number + 1
    taken.add(candidate)
    return candidate


def _issued_prefix(conn) -> str | None:
    serial = conn.execute(sa.text("SELECT serial FROM certificates ORDER BY id DESC")).scalar()
    return serial.rsplit("-", 2)[0] if serial and serial.count("-") >= 2 else None


def _new_unit(conn, kind: str, name: str, parent_id: int | None) -> int:
    next_id = (conn.execute(sa.text("SELECT max(id) FROM units")).scalar() or 0) + 1
    conn.execute(
        sa.text(
            "INSERT INTO units (id, parent_id, kind, name, is_sample, created_at)"
            " VALUES (:id, :parent, :kind, :name, :sample, :at)"
        ),
        {
            "id": next_id,
            "parent": parent_id,
            "kind": kind,
            "name": name,
            "sample": False,
            "at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        },
    )
    return next_id


def _in_use(conn, units: list) -> bool:
    if units:
        return True
    return any(
        conn.execute(sa.text(f"SELECT 1 FROM {table}")).first()  # noqa: S608 (fixed names)
        for table in DATA_TABLES
    )


def _reset_sequence(conn) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('units', 'id'),"
                " (SELECT coalesce(max(id), 0) + 1 FROM units), false)"
            )
        )


def _backfill(conn) -> None:
    units = conn.execute(sa.text("SELECT id, parent_id, kind, name FROM units ORDER BY id")).all()
    if not _in_use(conn, units):
        return
    communes = [u for u in units if u.kind == "commune"]
    if not communes:
        name = _setting(conn, "commune_name") or _config("COMMUNE_NAME", "xã Hoàng Văn Thụ")
        _new_unit(conn, "commune", name, None)
    province = _setting(conn, "province_name") or _config("PROVINCE_NAME", "tỉnh Lạng Sơn")
    province_id = _new_unit(conn, "province", province, None)
    units = conn.execute(sa.text("SELECT id, parent_id, kind, name FROM units ORDER BY id")).all()
    communes = [u for u in units if u.kind == "commune"]
    default = communes[0].id
    for unit in units:
        if unit.parent_id is None and unit.id != province_id:
            parent = province_id if unit.kind == "commune" else default
            conn.execute(
                sa.text("UPDATE units SET parent_id = :parent WHERE id = :id"),
                {"parent": parent, "id": unit.id},
            )
    codes: set[str] = set()
    prefixes: set[str] = set()
    first_prefix = _issued_prefix(conn) or _config("CERTIFICATE_SERIAL_PREFIX", "HVT")
    for index, unit in enumerate(communes):
        conn.execute(
            sa.text(
                "INSERT INTO communes (unit_id, code, serial_prefix, status, created_at)"
                " VALUES (:unit, :code, :prefix, 'active', :at)"
            ),
            {
                "unit": unit.id,
                "code": _free(_slug(unit.name, 20) or f"xa-{unit.id}", codes, 20),
                "prefix": _free(first_prefix if index == 0 else _initials(unit.name), prefixes, 8),
                "at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            },
        )
    parents = {u.id: (u.parent_id, u.kind) for u in units}
    for unit in units:
        commune = _commune_above(unit.id, parents, default, province_id)
        conn.execute(
            sa.text("UPDATE units SET commune_id = :commune WHERE id = :id"),
            {"commune": commune, "id": unit.id},
        )
    _reset_sequence(conn)


def _commune_above(unit_id: int, parents: dict, default: int, province_id: int) -> int | None:
    """The nearest commune at or above a unit (the province has none)."""
    if unit_id == province_id:
        return None
    seen = set()
    current = unit_id
    while current is not None and current not in seen:
        seen.add(current)
        parent_id, kind = parents[current]
        if kind == "commune":
            return current
        current = parent_id
    return default


def upgrade():
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("units", schema=None, recreate=recreate) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_units_kind"), type_="check")
        batch_op.create_check_constraint("kind", NEW_KINDS)
        batch_op.add_column(sa.Column("commune_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_units_commune_id_units"), "units", ["commune_id"], ["id"]
        )
    op.create_table(
        "communes",
        sa.Column("unit_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("serial_prefix", sa.String(length=16), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), server_default="active", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('active','archived')", name=op.f("ck_communes_status")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_communes_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_communes")),
        sa.UniqueConstraint("code", name=op.f("uq_communes_code")),
        sa.UniqueConstraint("host", name=op.f("uq_communes_host")),
        sa.UniqueConstraint("serial_prefix", name=op.f("uq_communes_serial_prefix")),
    )
    _backfill(op.get_bind())
    with op.batch_alter_table("units", schema=None) as batch_op:
        # The target of the composite foreign keys (unit_id, commune_id) of the tenant tables.
        batch_op.create_index("uq_units_id_commune_id", ["id", "commune_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_units_commune_id"), ["commune_id"])


def downgrade():
    conn = op.get_bind()
    provinces = "SELECT id FROM units WHERE kind = 'province'"
    conn.execute(sa.text(f"UPDATE units SET parent_id = NULL WHERE parent_id IN ({provinces})"))
    conn.execute(sa.text(f"UPDATE staff_users SET unit_id = NULL WHERE unit_id IN ({provinces})"))
    conn.execute(sa.text("DELETE FROM units WHERE kind = 'province'"))
    op.drop_table("communes")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_units_commune_id"))
        batch_op.drop_index("uq_units_id_commune_id")
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("units", schema=None, recreate=recreate) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_units_commune_id_units"), type_="foreignkey")
        batch_op.drop_column("commune_id")
        batch_op.drop_constraint(batch_op.f("ck_units_kind"), type_="check")
        batch_op.create_check_constraint("kind", OLD_KINDS)
