"""office settings

Revision ID: e5c3a9d2b7f4
Revises: d7e2f4a6b8c1
Create Date: 2026-12-10 09:00:00.000000

The settings staff edit in the browser (public address, commune, signers): one row per saved
key; nothing saved means the configuration's defaults, as before.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5c3a9d2b7f4"
down_revision = "d7e2f4a6b8c1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "office_settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_office_settings")),
    )


def downgrade():
    op.drop_table("office_settings")
