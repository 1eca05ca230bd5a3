"""lesson audio credits

Revision ID: b7d4e2a9c6f1
Revises: a7c3e9f1b2d4
Create Date: 2026-12-03 08:00:00.000000

Who read each of a lesson's recordings, and when ({"tay": {"by": "…", "recorded_at": "…"}}).
Existing lessons name no reader.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7d4e2a9c6f1"
down_revision = "a7c3e9f1b2d4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("audio_credits", sa.JSON(), nullable=False, server_default="{}")
        )


def downgrade():
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_column("audio_credits")
