"""roster date of birth

Revision ID: c1d5e7f9a3b4
Revises: b7d4e2a9c6f1
Create Date: 2026-12-03 07:40:00.000000

A pupil on a class roster may carry the date of birth of the school's list, to tell two
pupils of the same name apart. Existing entries have none (NULL): nothing to fill in.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c1d5e7f9a3b4"
down_revision = "b7d4e2a9c6f1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("date_of_birth", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.drop_column("date_of_birth")
