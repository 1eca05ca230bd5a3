"""tenant constraints: commune_id NOT NULL, its foreign keys, the covering indexes

Revision ID: b4e5a9512a0d
Revises: c6a66486bb61
Create Date: 2026-12-05 08:20:00.000000

Every tenant row now names its commune (NULL only for the province's staff, audit events and
default targets), `commune_id` references `communes`, and where the row has a unit the pair
(unit_id, commune_id) references units (id, commune_id): the database itself refuses a row
of one commune placed in another commune's unit. The covering indexes of the indicators gain
a commune-led twin; people per week (visited_at, participant_id) becomes commune-led.

On SQLite each table is rebuilt (batch mode) to take the NOT NULL and the foreign keys: this
copies `visits` and `attempts` whole, so back up first and allow twice the database's size
of free disk (README, "Upgrading").
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b4e5a9512a0d"
down_revision = "c6a66486bb61"
branch_labels = None
depends_on = None

NULLABLE = {"staff_users", "audit_events", "targets"}
PLACED = (
    "participants",
    "visits",
    "attempts",
    "scans",
    "posters",
    "survey_responses",
    "roster_entries",
    "assignments",
    "activities",
    "nominations",
    "staff_users",
)
TABLES = (
    *PLACED,
    "certificates",
    "audit_events",
    "half_year_reports",
    "targets",
    "science_tasks",
)
# Where a covering index leads with commune_id, a plain index on it would be redundant.
COVERING = {
    "visits": ("ix_visits_commune_time_person", ["commune_id", "visited_at", "participant_id"]),
    "attempts": (
        "ix_attempts_commune_passed_time",
        ["commune_id", "passed", "submitted_at", "participant_id", "quiz_id"],
    ),
}


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "commune_id", existing_type=sa.Integer(), nullable=table in NULLABLE
            )
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_commune_id_communes"), "communes", ["commune_id"], ["unit_id"]
            )
            if table in PLACED:
                batch_op.create_foreign_key(
                    f"fk_{table}_unit_commune",
                    "units",
                    ["unit_id", "commune_id"],
                    ["id", "commune_id"],
                )
            if table == "visits":
                batch_op.drop_index("ix_visits_time_person")
            if table in COVERING:
                name, columns = COVERING[table]
                batch_op.create_index(name, columns)
            else:
                batch_op.create_index(batch_op.f(f"ix_{table}_commune_id"), ["commune_id"])


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in COVERING:
                batch_op.drop_index(COVERING[table][0])
            else:
                batch_op.drop_index(batch_op.f(f"ix_{table}_commune_id"))
            if table == "visits":
                batch_op.create_index("ix_visits_time_person", ["visited_at", "participant_id"])
            if table in PLACED:
                batch_op.drop_constraint(f"fk_{table}_unit_commune", type_="foreignkey")
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_commune_id_communes"), type_="foreignkey"
            )
            batch_op.alter_column("commune_id", existing_type=sa.Integer(), nullable=True)
