"""tenant columns: commune_id on every table of a commune's own data, filled

Revision ID: c6a66486bb61
Revises: 318af2679c22
Create Date: 2026-12-05 08:10:00.000000

A nullable `commune_id` (plain ADD COLUMN: no table is rebuilt here; the constraints come in
the next revision). Old rows get their unit's commune; a row without a unit gets its
participant's (visits, attempts, survey responses, nominations, certificates), else its
poster's, else the default commune D (the lowest-id commune). A teacher gets the commune of
their first class, an admin D; an audit event its staff member's, else D (the commune's own
command-line actions); targets, half-year reports and science tasks D.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c6a66486bb61"
down_revision = "318af2679c22"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "participants",
    "visits",
    "attempts",
    "scans",
    "posters",
    "survey_responses",
    "certificates",
    "roster_entries",
    "assignments",
    "activities",
    "nominations",
    "staff_users",
    "audit_events",
    "half_year_reports",
    "targets",
    "science_tasks",
)

UNIT = "(SELECT u.commune_id FROM units u WHERE u.id = {t}.unit_id)"
PARTICIPANT = "(SELECT p.commune_id FROM participants p WHERE p.id = {t}.participant_id)"
POSTER = "(SELECT p.commune_id FROM posters p WHERE p.id = {t}.poster_id)"
FIRST_CLASS = (
    "(SELECT u.commune_id FROM units u WHERE u.id ="
    " (SELECT min(tc.unit_id) FROM teacher_classes tc WHERE tc.staff_id = {t}.id))"
)
STAFF = "(SELECT s.commune_id FROM staff_users s WHERE s.id = {t}.staff_id)"

# In order: each table's sources (earlier tables first, so that later ones can copy them).
SOURCES = {
    "participants": (UNIT,),
    "posters": (UNIT,),
    "staff_users": (UNIT, FIRST_CLASS),
    "visits": (UNIT, PARTICIPANT),
    "attempts": (UNIT, PARTICIPANT),
    "scans": (POSTER, UNIT),
    "survey_responses": (UNIT, PARTICIPANT, POSTER),
    "certificates": (PARTICIPANT,),
    "roster_entries": (UNIT,),
    "assignments": (UNIT,),
    "activities": (UNIT,),
    "nominations": (UNIT, PARTICIPANT),
    "audit_events": (STAFF,),
    "half_year_reports": (),
    "targets": (),
    "science_tasks": (),
}


def upgrade():
    for table in TENANT_TABLES:
        op.add_column(table, sa.Column("commune_id", sa.Integer(), nullable=True))
    default = "(SELECT min(unit_id) FROM communes)"
    for table, sources in SOURCES.items():
        values = [source.format(t=table) for source in sources] + [default]
        value = f"coalesce({', '.join(values)})" if sources else default
        op.execute(f"UPDATE {table} SET commune_id = {value}")  # noqa: S608


def downgrade():
    for table in reversed(TENANT_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("commune_id")
