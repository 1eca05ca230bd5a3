"""poster retirement and location

Revision ID: b6e1c9d3f7a2
Revises: c1d5e7f9a3b4
Create Date: 2026-12-03 07:30:00.000000

A poster can be retired (taken down, replaced): when and why. Its link then says so instead of
opening the lesson, and scans of it after that are counted apart from the funnel. A poster
also says where it hangs. Existing posters are live, with no location yet and no late scans.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b6e1c9d3f7a2"
down_revision = "c1d5e7f9a3b4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("posters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("retired_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "scans_after_retirement", sa.Integer(), nullable=False, server_default="0"
            )
        )


def downgrade():
    with op.batch_alter_table("posters", schema=None) as batch_op:
        batch_op.drop_column("scans_after_retirement")
        batch_op.drop_column("retired_reason")
        batch_op.drop_column("retired_at")
        batch_op.drop_column("location")
