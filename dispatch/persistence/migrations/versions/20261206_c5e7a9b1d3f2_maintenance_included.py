"""An SLA tier may include planned maintenance: a visit to each of the contract's sites every so many days.

Revision ID: c5e7a9b1d3f2
Revises: a3c9e5f1b7d2
Create Date: 2026-12-06 16:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c5e7a9b1d3f2"
down_revision: str | None = "a3c9e5f1b7d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("maintenance_every_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.drop_column("maintenance_every_days")
