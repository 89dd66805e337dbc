"""User accounts: staff logins (dispatchers and technicians) with Argon2 password hashes.

Revision ID: 7484e6889c94
Revises: 0bd92ed5b7b7
Create Date: 2026-11-26 10:14:41.039403
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "7484e6889c94"
down_revision: str | None = "0bd92ed5b7b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_accounts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("technician_id", sa.String(length=40), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "(role = 'technician' AND technician_id IS NOT NULL)"
            " OR (role = 'dispatcher' AND technician_id IS NULL)",
            name=op.f("ck_user_accounts_technician_link"),
        ),
        sa.CheckConstraint("role IN ('dispatcher', 'technician')", name=op.f("ck_user_accounts_role_known")),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_user_accounts_technician_id_technicians")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_accounts")),
        sa.UniqueConstraint("email", name=op.f("uq_user_accounts_email")),
        sa.UniqueConstraint("technician_id", name=op.f("uq_user_accounts_technician_id")),
    )


def downgrade() -> None:
    op.drop_table("user_accounts")
