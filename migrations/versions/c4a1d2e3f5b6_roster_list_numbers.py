"""roster list numbers

Revision ID: c4a1d2e3f5b6
Revises: 881f67e9c1c3
Create Date: 2026-12-02 14:30:00.000000

Existing roster entries are numbered in their current order (by id) within each class.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4a1d2e3f5b6"
down_revision = "881f67e9c1c3"
branch_labels = None
depends_on = None

entries = sa.table(
    "roster_entries",
    sa.column("id", sa.Integer),
    sa.column("unit_id", sa.Integer),
    sa.column("list_number", sa.Integer),
)


def upgrade():
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("list_number", sa.Integer(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(entries.c.id, entries.c.unit_id).order_by(entries.c.unit_id, entries.c.id)
    ).all()
    numbers: dict[int, int] = {}
    for entry_id, unit_id in rows:
        numbers[unit_id] = numbers.get(unit_id, 0) + 1
        conn.execute(
            sa.update(entries).where(entries.c.id == entry_id).values(list_number=numbers[unit_id])
        )
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.alter_column("list_number", existing_type=sa.Integer(), nullable=False)


def downgrade():
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.drop_column("list_number")
