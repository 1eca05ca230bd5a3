"""class assignments

Revision ID: b7e3c9a1d5f2
Revises: b6e1c9d3f7a2
Create Date: 2026-12-03 07:30:00.000000

Work a teacher gives a class: a lesson or a survey with a due date. A new table; no old row
changes.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e3c9a1d5f2"
down_revision = "b6e1c9d3f7a2"
branch_labels = None
depends_on = None

ONE_ITEM = (
    "(CASE WHEN lesson_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN survey_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def upgrade():
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(ONE_ITEM, name=op.f("ck_assignments_one_item")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff_users.id"], name=op.f("fk_assignments_created_by_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lessons.id"], name=op.f("fk_assignments_lesson_id_lessons")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_assignments_survey_id_surveys")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_assignments_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_unit_id"), ["unit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_unit_id"))
    op.drop_table("assignments")
