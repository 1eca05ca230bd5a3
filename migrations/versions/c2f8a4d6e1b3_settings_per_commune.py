"""settings per commune: office settings are keyed by unit and key

Revision ID: c2f8a4d6e1b3
Revises: 8db259557d56
Create Date: 2026-12-03 19:00:00.000000

Each commune keeps its own settings (its name, issuer, signers, channels, public address): a
row of `office_settings` now belongs to a unit, a commune's row winning over the province
unit's, which wins over the configuration. The rows saved so far were the one commune's: they
move to the default commune (the lowest-id commune unit; created from the setting
`commune_name` when the database holds settings but no commune yet). The table is tiny: its
rows are read, the table made anew, and the rows written back (which also renames nothing
on PostgreSQL, whose primary key index must keep its name).
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

# revision identifiers, used by Alembic.
revision = "c2f8a4d6e1b3"
down_revision = "8db259557d56"  # chained after the half-year submissions (was eb6e6877203f)
branch_labels = None
depends_on = None


def _config(key: str, default: str) -> str:
    return current_app.config.get(key, default) if has_app_context() else default


def _default_commune(conn, rows) -> int | None:
    found = conn.execute(sa.text("SELECT min(unit_id) FROM communes")).scalar()
    if found is not None or not rows:
        return found
    saved = {row.key: row.value for row in rows}
    name = (saved.get("commune_name") or "").strip() or _config("COMMUNE_NAME", "xã Hoàng Văn Thụ")
    unit_id = (conn.execute(sa.text("SELECT max(id) FROM units")).scalar() or 0) + 1
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    conn.execute(
        sa.text(
            "INSERT INTO units (id, parent_id, kind, name, is_sample, created_at, commune_id)"
            " VALUES (:id, NULL, 'commune', :name, :sample, :at, NULL)"
        ),
        {"id": unit_id, "name": name, "sample": False, "at": now},
    )
    taken = set(conn.execute(sa.text("SELECT code FROM communes")).scalars())
    conn.execute(
        sa.text(
            "INSERT INTO communes (unit_id, code, serial_prefix, status, created_at)"
            " VALUES (:id, :code, :prefix, 'active', :at)"
        ),
        {
            "id": unit_id,
            "code": "xa" if "xa" not in taken else f"xa-{unit_id}",
            "prefix": _config("CERTIFICATE_SERIAL_PREFIX", "HVT"),
            "at": now,
        },
    )
    conn.execute(sa.text("UPDATE units SET commune_id = id WHERE id = :id"), {"id": unit_id})
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('units', 'id'),"
                " (SELECT coalesce(max(id), 0) + 1 FROM units), false)"
            )
        )
    return unit_id


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT key, value, updated_at FROM office_settings").columns(
            updated_at=sa.DateTime()
        )
    ).all()
    commune_id = _default_commune(conn, rows)
    op.drop_table("office_settings")
    table = op.create_table(
        "office_settings",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_office_settings_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("unit_id", "key", name=op.f("pk_office_settings")),
    )
    if rows:
        op.bulk_insert(
            table,
            [
                {"unit_id": commune_id, "key": r.key, "value": r.value, "updated_at": r.updated_at}
                for r in rows
            ],
        )


def downgrade():
    """Back to one row per key: the default commune's value, else the lowest unit's."""
    conn = op.get_bind()
    default = conn.execute(sa.text("SELECT min(unit_id) FROM communes")).scalar()
    rows = conn.execute(
        sa.text("SELECT unit_id, key, value, updated_at FROM office_settings").columns(
            updated_at=sa.DateTime()
        )
    ).all()
    kept: dict[str, object] = {}
    for row in sorted(rows, key=lambda r: (r.unit_id != default, r.unit_id)):
        kept.setdefault(row.key, row)
    op.drop_table("office_settings")
    table = op.create_table(
        "office_settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_office_settings")),
    )
    if kept:
        op.bulk_insert(
            table,
            [
                {"key": r.key, "value": r.value, "updated_at": r.updated_at}
                for r in kept.values()
            ],
        )
