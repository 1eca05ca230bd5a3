"""half-year report signer capacity

Revision ID: d7e2f4a6b8c1
Revises: d7e2f1a9b3c4
Create Date: 2026-12-02 15:00:00.000000

Who signs a half-year report: the chairman, or a deputy for the chairman (Nghị định 30/2020).
Existing reports signed by a "PHÓ CHỦ TỊCH", or "KT. CHỦ TỊCH", become a deputy's; the rest the
chairman's.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7e2f4a6b8c1"
down_revision = "d7e2f1a9b3c4"
branch_labels = None
depends_on = None

reports = sa.table(
    "half_year_reports",
    sa.column("signer_authority", sa.String),
    sa.column("signer_title", sa.String),
    sa.column("signer_capacity", sa.String),
)


def upgrade():
    with op.batch_alter_table("half_year_reports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "signer_capacity", sa.String(length=20), nullable=False, server_default="chairman"
            )
        )
    op.execute(
        sa.update(reports)
        .where(
            sa.or_(
                reports.c.signer_title == "PHÓ CHỦ TỊCH",
                reports.c.signer_authority == "KT. CHỦ TỊCH",
            )
        )
        .values(signer_capacity="deputy")
    )


def downgrade():
    with op.batch_alter_table("half_year_reports", schema=None) as batch_op:
        batch_op.drop_column("signer_capacity")
