"""target quizzes

Revision ID: f1b2c3d4e5a6
Revises: e5c3a9d2b7f4
Create Date: 2026-12-12 09:00:00.000000

A "trained" target names the quizzes that count for it; existing targets name none (their
page says so until the office chooses).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f1b2c3d4e5a6"
down_revision = "e5c3a9d2b7f4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quiz_ids", sa.JSON(), nullable=False, server_default="[]"))


def downgrade():
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_column("quiz_ids")
