"""visits count for "reached" only when they show the information arrived

Revision ID: d7e2f1a9b3c4
Revises: c4a1d2e3f5b6
Create Date: 2026-12-05 10:00:00.000000

Existing visits keep counting as before (server default true), except survey page openings:
a survey page opened is not being reached, only a reach survey's qualifying answer is. Those
answer visits cannot be told apart from page openings in old rows, so survey visits of
surveys that count as reach keep counting and the others stop.
"""

import sqlalchemy as sa
from alembic import op

revision = "d7e2f1a9b3c4"
down_revision = "c4a1d2e3f5b6"
branch_labels = None
depends_on = None

visits = sa.table(
    "visits",
    sa.column("kind", sa.String),
    sa.column("survey_id", sa.Integer),
    sa.column("counts_reach", sa.Boolean),
)
surveys = sa.table("surveys", sa.column("id", sa.Integer), sa.column("counts_as_reach", sa.Boolean))


def upgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("counts_reach", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    not_reach = sa.select(surveys.c.id).where(surveys.c.counts_as_reach.is_(False))
    op.get_bind().execute(
        sa.update(visits)
        .where(visits.c.kind == "survey", visits.c.survey_id.in_(not_reach))
        .values(counts_reach=False)
    )


def downgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("counts_reach")
