"""staff roles of the province office

Revision ID: c8f3a1d6e2b9
Revises: eb6e6877203f
Create Date: 2026-12-03 18:45:00.000000

Two roles above the communes: `province_officer` (the Sở KH&CN, read-only on the communes'
data) and `province_admin`. `staff_users.role` widens to 20 characters, its CHECK takes the
new roles, and a second CHECK keeps the province's staff outside every commune
(commune_id NULL). SQLite cannot alter a CHECK, so the table is recreated.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c8f3a1d6e2b9"
down_revision = "eb6e6877203f"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('admin','officer','teacher')"
NEW_ROLES = "role IN ('admin','officer','teacher','province_officer','province_admin')"
OUTSIDE = "role NOT IN ('province_officer','province_admin') OR commune_id IS NULL"


def _recreate() -> str:
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade():
    with op.batch_alter_table("staff_users", schema=None, recreate=_recreate()) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_staff_users_role"), type_="check")
        batch_op.alter_column(
            "role",
            existing_type=sa.String(length=10),
            type_=sa.String(length=20),
            existing_nullable=False,
        )
        batch_op.create_check_constraint("role", NEW_ROLES)
        batch_op.create_check_constraint("province_outside_communes", OUTSIDE)


def downgrade():
    # The old roles have no place above the communes: the province's accounts are kept (their
    # audit trail points at them) but disabled, as admins that can no longer log in.
    op.execute(
        sa.text(
            "UPDATE staff_users SET role = 'admin', active = :off"
            " WHERE role IN ('province_officer','province_admin')"
        ).bindparams(off=False)
    )
    with op.batch_alter_table("staff_users", schema=None, recreate=_recreate()) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_staff_users_province_outside_communes"), type_="check"
        )
        batch_op.drop_constraint(batch_op.f("ck_staff_users_role"), type_="check")
        batch_op.alter_column(
            "role",
            existing_type=sa.String(length=20),
            type_=sa.String(length=10),
            existing_nullable=False,
        )
        batch_op.create_check_constraint("role", OLD_ROLES)
