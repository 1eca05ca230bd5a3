"""half-year submissions: a commune's report as sent to Sở KH&CN, frozen, with its versions

Revision ID: 8db259557d56
Revises: c8f3a1d6e2b9
Create Date: 2026-12-03 18:30:32.577210

A new table (no old row changes): one row per version a commune sent for a period, with the
figures, texts, issuer and signer and the PDF's bytes as sent, who sent it and when, and who
at the province received it and when. A correction names the version it replaces.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8db259557d56"
down_revision = "c8f3a1d6e2b9"  # chained after the province roles (was eb6e6877203f)
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "half_year_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("correction_note", sa.Text(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("settings_snapshot", sa.JSON(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(version = 1 AND replaces_id IS NULL) OR (version > 1 AND replaces_id IS NOT NULL)",
            name=op.f("ck_half_year_submissions_replaces"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_half_year_submissions_version")),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["communes.unit_id"],
            name=op.f("fk_half_year_submissions_commune_id_communes"),
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"],
            ["staff_users.id"],
            name=op.f("fk_half_year_submissions_received_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["half_year_submissions.id"],
            name=op.f("fk_half_year_submissions_replaces_id_half_year_submissions"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["half_year_reports.id"],
            name=op.f("fk_half_year_submissions_report_id_half_year_reports"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["staff_users.id"],
            name=op.f("fk_half_year_submissions_submitted_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_half_year_submissions")),
        sa.UniqueConstraint(
            "commune_id",
            "period_key",
            "version",
            name=op.f("uq_half_year_submissions_commune_id_period_key_version"),
        ),
    )
    with op.batch_alter_table("half_year_submissions") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_half_year_submissions_report_id"), ["report_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("half_year_submissions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_half_year_submissions_report_id"))
    op.drop_table("half_year_submissions")
