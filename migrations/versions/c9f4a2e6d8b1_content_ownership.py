"""content ownership: province-wide curriculum, a commune's own items and its edits

Revision ID: c9f4a2e6d8b1
Revises: c2f8a4d6e1b3
Create Date: 2026-12-03 19:20:00.000000

`commune_id` (NULL: province-wide) on lessons, quizzes, surveys, courses and drafts. A
commune's edit of a province topic is a shadow lesson row (`origin_id`, same slug) and a
commune quiz version of the same quiz (`quiz_versions.commune_id`, `based_on_id`); surveys
the same. `lessons.slug` is unique among origins only, plus one shadow per commune; a draft's
slug is unique per commune. Existing rows stay province-wide.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c9f4a2e6d8b1"
down_revision = "c2f8a4d6e1b3"  # chained after settings per commune (was eb6e6877203f)
branch_labels = None
depends_on = None

OWNED = ("lessons", "quizzes", "surveys", "courses", "content_drafts")
VERSIONS = ("quiz_versions", "survey_versions")
ORIGINS = sa.text("origin_id IS NULL")
PROVINCE = sa.text("commune_id IS NULL")


def _commune_column(batch, table):
    batch.add_column(sa.Column("commune_id", sa.Integer(), nullable=True))
    batch.create_index(f"ix_{table}_commune_id", ["commune_id"], unique=False)
    batch.create_foreign_key(
        f"fk_{table}_commune_id_communes", "communes", ["commune_id"], ["unit_id"]
    )


def upgrade():
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch:
            _commune_column(batch, table)
            if table == "lessons":
                batch.add_column(sa.Column("origin_id", sa.Integer(), nullable=True))
                batch.create_index("ix_lessons_origin_id", ["origin_id"], unique=False)
                batch.create_foreign_key(
                    "fk_lessons_origin_id_lessons", "lessons", ["origin_id"], ["id"]
                )
                batch.create_check_constraint(
                    "shadow_commune", "origin_id IS NULL OR commune_id IS NOT NULL"
                )
                batch.drop_constraint("uq_lessons_slug", type_="unique")
                batch.create_unique_constraint(
                    "uq_lessons_origin_id_commune_id", ["origin_id", "commune_id"]
                )
                batch.create_index(
                    "uq_lessons_origin_slug",
                    ["slug"],
                    unique=True,
                    sqlite_where=ORIGINS,
                    postgresql_where=ORIGINS,
                )
            if table == "content_drafts":
                batch.drop_constraint("uq_content_drafts_slug", type_="unique")
                batch.create_unique_constraint(
                    "uq_content_drafts_slug_commune_id", ["slug", "commune_id"]
                )
                batch.create_index(
                    "uq_content_drafts_province_slug",
                    ["slug"],
                    unique=True,
                    sqlite_where=PROVINCE,
                    postgresql_where=PROVINCE,
                )
    for table in VERSIONS:
        with op.batch_alter_table(table, schema=None) as batch:
            _commune_column(batch, table)
            batch.add_column(sa.Column("based_on_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                f"fk_{table}_based_on_id_{table}", table, ["based_on_id"], ["id"]
            )


def downgrade():
    for table in VERSIONS:
        with op.batch_alter_table(table, schema=None) as batch:
            batch.drop_constraint(f"fk_{table}_based_on_id_{table}", type_="foreignkey")
            batch.drop_column("based_on_id")
            batch.drop_constraint(f"fk_{table}_commune_id_communes", type_="foreignkey")
            batch.drop_index(f"ix_{table}_commune_id")
            batch.drop_column("commune_id")
    # A commune's shadow (nothing points at one) and a commune's draft of the same slug as
    # another cannot survive the old one-slug rule: drop them.
    op.execute(
        "DELETE FROM lessons WHERE origin_id IS NOT NULL"
        " AND slug IN (SELECT o.slug FROM lessons o WHERE o.origin_id IS NULL)"
    )
    op.execute(
        "DELETE FROM content_drafts WHERE commune_id IS NOT NULL AND EXISTS"
        " (SELECT 1 FROM content_drafts d WHERE d.slug = content_drafts.slug"
        " AND d.id < content_drafts.id)"
    )
    for table in reversed(OWNED):
        with op.batch_alter_table(table, schema=None) as batch:
            if table == "content_drafts":
                batch.drop_index(
                    "uq_content_drafts_province_slug",
                    sqlite_where=PROVINCE,
                    postgresql_where=PROVINCE,
                )
                batch.drop_constraint("uq_content_drafts_slug_commune_id", type_="unique")
                batch.create_unique_constraint("uq_content_drafts_slug", ["slug"])
            if table == "lessons":
                batch.drop_index(
                    "uq_lessons_origin_slug", sqlite_where=ORIGINS, postgresql_where=ORIGINS
                )
                batch.drop_constraint("uq_lessons_origin_id_commune_id", type_="unique")
                batch.create_unique_constraint("uq_lessons_slug", ["slug"])
                batch.drop_constraint("shadow_commune", type_="check")
                batch.drop_constraint("fk_lessons_origin_id_lessons", type_="foreignkey")
                batch.drop_index("ix_lessons_origin_id")
                batch.drop_column("origin_id")
            batch.drop_constraint(f"fk_{table}_commune_id_communes", type_="foreignkey")
            batch.drop_index(f"ix_{table}_commune_id")
            batch.drop_column("commune_id")
