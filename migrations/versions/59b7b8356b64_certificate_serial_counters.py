"""certificate serial counters

Revision ID: 59b7b8356b64
Revises: 4e9e0956e20c
Create Date: 2026-12-02 13:47:51.684507

Serials were numbered by counting certificates, which repeats or collides once one is deleted.
A counter row per (prefix, year) now hands them out. Each counter starts from the highest
serial number already issued for its prefix and year, so numbering continues where it was.
"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "59b7b8356b64"
down_revision = "4e9e0956e20c"
branch_labels = None
depends_on = None

SERIAL_RE = re.compile(r"^(?P<prefix>.{1,16})-(?P<year>\d{4})-(?P<number>\d+)$")


def upgrade():
    counters = op.create_table(
        "certificate_serial_counters",
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name=op.f("pk_certificate_serial_counters")),
    )
    highest = _highest_serials(op.get_bind())
    if highest:
        op.bulk_insert(
            counters,
            [
                {"prefix": prefix, "year": year, "last_number": number}
                for (prefix, year), number in sorted(highest.items())
            ],
        )


def _highest_serials(bind) -> dict[tuple[str, int], int]:
    """The highest number issued per (prefix, year), from serials like HVT-2026-000057."""
    certificates = sa.table("certificates", sa.column("serial", sa.String))
    highest: dict[tuple[str, int], int] = {}
    for serial in bind.execute(sa.select(certificates.c.serial)).scalars():
        match = SERIAL_RE.match(serial or "")
        if match is None:
            continue
        key = (match["prefix"], int(match["year"]))
        highest[key] = max(highest.get(key, 0), int(match["number"]))
    return highest


def downgrade():
    op.drop_table("certificate_serial_counters")
