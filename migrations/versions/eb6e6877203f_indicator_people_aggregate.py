"""indicator people aggregate

Revision ID: eb6e6877203f
Revises: b4e5a9512a0d
Create Date: 2026-12-03 16:10:00.000000

The indicators' aggregate: one row per person, unit and named period (half-years and years)
with when they were reached and trained, kept up to date as visits and attempts arrive.
Backfilled from the existing visits and attempts with the same SQL as `flask indicators
rebuild` (services/reporting/indicator_store.rebuild).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "eb6e6877203f"
down_revision = "b4e5a9512a0d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "indicator_people",
        sa.Column("period_key", sa.String(length=7), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("reached_at", sa.DateTime(), nullable=True),
        sa.Column("trained_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("period_key", "unit_id", "participant_id"),
    )
    with op.batch_alter_table("indicator_people") as batch_op:
        batch_op.create_index("ix_indicator_people_participant", ["participant_id"], unique=False)

    from services.tally import indicator_store

    indicator_store.rebuild(bind=op.get_bind())


def downgrade():
    with op.batch_alter_table("indicator_people") as batch_op:
        batch_op.drop_index("ix_indicator_people_participant")
    op.drop_table("indicator_people")
