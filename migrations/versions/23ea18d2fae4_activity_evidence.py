"""activity evidence

Revision ID: 23ea18d2fae4
Revises: b7e3c9a1d5f2
Create Date: 2026-12-03 15:07:14.110160

Photos and minutes attached to a communication activity (the bytes are files in the private
evidence folder, named by their hash). A new table; no old row changes.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "23ea18d2fae4"
down_revision = "b7e3c9a1d5f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "activity_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('photo','minutes')", name=op.f("ck_activity_evidence_kind")),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_evidence_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["staff_users.id"],
            name=op.f("fk_activity_evidence_uploaded_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_evidence")),
        sa.UniqueConstraint(
            "activity_id", "file_name", name=op.f("uq_activity_evidence_activity_id_file_name")
        ),
    )
    with op.batch_alter_table("activity_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_activity_evidence_activity_id"), ["activity_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("activity_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_evidence_activity_id"))

    op.drop_table("activity_evidence")
