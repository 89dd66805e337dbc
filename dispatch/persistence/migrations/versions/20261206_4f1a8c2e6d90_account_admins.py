"""A dispatcher may be an admin, who manages the logins; the dispatchers already stored become admins, so
no deployment is left without someone able to manage its logins.

Revision ID: 4f1a8c2e6d90
Revises: b7d3e1f4a2c8
Create Date: 2026-12-06 10:55:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4f1a8c2e6d90"
down_revision: str | None = "b7d3e1f4a2c8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False))
    accounts = sa.table("user_accounts", sa.column("role", sa.String()), sa.column("is_admin", sa.Boolean()))
    op.execute(accounts.update().where(accounts.c.role == "dispatcher").values(is_admin=True))


def downgrade() -> None:
    with op.batch_alter_table("user_accounts", schema=None) as batch_op:
        batch_op.drop_column("is_admin")
