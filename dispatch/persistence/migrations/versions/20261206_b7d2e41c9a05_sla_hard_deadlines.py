"""An SLA tier may make its due times binding for the planner (hard deadlines); existing tiers stay soft.

Revision ID: b7d2e41c9a05
Revises: 8d2f4b6a1c73
Create Date: 2026-12-06 07:20:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7d2e41c9a05"
down_revision: str | None = "8d2f4b6a1c73"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hard_deadlines", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.drop_column("hard_deadlines")
