"""Each plan records what it changed from the one before; a plan job may publish only an improvement.

Revision ID: 9c4e2b7d1f30
Revises: 5a1d7c0e9b21
Create Date: 2026-12-06 05:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c4e2b7d1f30"
down_revision: str | None = "5a1d7c0e9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes", sa.JSON(), nullable=True))
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("only_if_better", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.drop_column("only_if_better")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("changes")
