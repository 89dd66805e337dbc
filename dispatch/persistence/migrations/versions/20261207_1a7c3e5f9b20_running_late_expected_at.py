"""A running-late report keeps the time it means: when the visit is now expected to start or end.

"Twenty minutes late" is said against the plan on the technician's phone at that moment; a re-plan
publishes the delay into the plan, so reading the minutes again against the new plan would count the
delay once more with every re-plan. ``expected_at`` holds the moment itself.

Revision ID: 1a7c3e5f9b20
Revises: 6d1e3f5a7b92
Create Date: 2026-12-07 06:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "1a7c3e5f9b20"
down_revision: str | None = "6d1e3f5a7b92"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visit_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expected_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visit_reports", schema=None) as batch_op:
        batch_op.drop_column("expected_at")
