"""courses

Revision ID: a7c3e9f1b2d4
Revises: a3f5c7e9b1d2
Create Date: 2026-12-03 06:40:00.000000

Courses (an ordered set of topics for an audience) and their items; a certificate may be for a
course instead of a quiz (exactly one of the two), once per participant and course; a "trained"
target may name courses. Existing certificates are quiz certificates and stay as they are;
existing targets name no course.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e9f1b2d4"
down_revision = "a3f5c7e9b1d2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.UniqueConstraint("slug", name=op.f("uq_courses_slug")),
    )
    op.create_table(
        "course_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_course_items_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quizzes.id"], name=op.f("fk_course_items_quiz_id_quizzes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_items")),
        sa.UniqueConstraint(
            "course_id", "quiz_id", name=op.f("uq_course_items_course_id_quiz_id")
        ),
    )
    with op.batch_alter_table("course_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_items_course_id"), ["course_id"])
        batch_op.create_index(batch_op.f("ix_course_items_quiz_id"), ["quiz_id"])

    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("course_id", sa.Integer(), nullable=True))
        batch_op.alter_column("quiz_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_certificates_course_id_courses"), "courses", ["course_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_certificates_course_id"), ["course_id"])
        batch_op.create_unique_constraint(
            batch_op.f("uq_certificates_participant_id_course_id"),
            ["participant_id", "course_id"],
        )
        batch_op.create_check_constraint(
            "quiz_or_course", "(quiz_id IS NULL) <> (course_id IS NULL)"
        )

    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("course_ids", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade():
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_column("course_ids")

    # Course certificates have no quiz: they go with their courses.
    op.execute("DELETE FROM certificates WHERE course_id IS NOT NULL")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_certificates_quiz_or_course"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("uq_certificates_participant_id_course_id"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_certificates_course_id"))
        batch_op.drop_constraint(batch_op.f("fk_certificates_course_id_courses"), type_="foreignkey")
        batch_op.drop_column("course_id")
        batch_op.alter_column("quiz_id", existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table("course_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_items_quiz_id"))
        batch_op.drop_index(batch_op.f("ix_course_items_course_id"))
    op.drop_table("course_items")
    op.drop_table("courses")
