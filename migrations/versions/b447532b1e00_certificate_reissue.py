"""certificate re-issue: replaced_by and one current certificate per person

Revision ID: b447532b1e00
Revises: 23ea18d2fae4
Create Date: 2026-12-04 08:00:00.000000

A certificate re-issued after a name correction is replaced by the new one and points at it
(replaced_by_id). "Once per participant and quiz (or course)" now holds for the current
certificates only: the two unique constraints become partial unique indexes on the rows not
replaced. Existing certificates are all current.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b447532b1e00"
down_revision = "23ea18d2fae4"
branch_labels = None
depends_on = None

CURRENT = sa.text("replaced_by_id IS NULL")


def upgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaced_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_certificates_replaced_by_id_certificates"),
            "certificates",
            ["replaced_by_id"],
            ["id"],
        )
        batch_op.drop_constraint("uq_certificates_participant_id_quiz_id", type_="unique")
        batch_op.drop_constraint("uq_certificates_participant_id_course_id", type_="unique")
        batch_op.create_index(
            "uq_certificates_current_quiz",
            ["participant_id", "quiz_id"],
            unique=True,
            sqlite_where=CURRENT,
            postgresql_where=CURRENT,
        )
        batch_op.create_index(
            "uq_certificates_current_course",
            ["participant_id", "course_id"],
            unique=True,
            sqlite_where=CURRENT,
            postgresql_where=CURRENT,
        )


def downgrade():
    # Before the old constraints come back, a replaced certificate that has a successor for
    # the same person and quiz (or course) cannot stay beside it: it goes (its code is then
    # unknown); the current one, with the corrected name, is kept.
    op.execute(
        "DELETE FROM certificates WHERE replaced_by_id IS NOT NULL AND EXISTS ("
        " SELECT 1 FROM certificates AS later"
        " WHERE later.participant_id = certificates.participant_id"
        " AND later.id <> certificates.id"
        " AND ((later.quiz_id = certificates.quiz_id)"
        " OR (later.course_id = certificates.course_id)))"
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("uq_certificates_current_course")
        batch_op.drop_index("uq_certificates_current_quiz")
        batch_op.create_unique_constraint(
            "uq_certificates_participant_id_course_id", ["participant_id", "course_id"]
        )
        batch_op.create_unique_constraint(
            "uq_certificates_participant_id_quiz_id", ["participant_id", "quiz_id"]
        )
        batch_op.drop_constraint(
            batch_op.f("fk_certificates_replaced_by_id_certificates"), type_="foreignkey"
        )
        batch_op.drop_column("replaced_by_id")
