"""One published plan per day: regions are parts of the day's plan, not rival plans.

Where a day had several published plans (a regional one beside the all-regions one), the newest stays
published and the others become superseded; then a partial unique index keeps it so.

Revision ID: 5a1d7c0e9b21
Revises: 5e2c1a9d7b40
Create Date: 2026-12-06 04:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5a1d7c0e9b21"
down_revision: str | None = "5e2c1a9d7b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PUBLISHED = sa.text("status = 'published'")


def upgrade() -> None:
    op.execute(
        """
        UPDATE plans SET status = 'superseded'
        WHERE status = 'published'
          AND EXISTS (
            SELECT 1 FROM plans AS newer
            WHERE newer.day = plans.day AND newer.status = 'published'
              AND (newer.created_at > plans.created_at
                   OR (newer.created_at = plans.created_at AND newer.id > plans.id))
          )
        """
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(
            "uq_plans_one_published_per_day",
            ["day"],
            unique=True,
            postgresql_where=_PUBLISHED,
            sqlite_where=_PUBLISHED,
        )


def downgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index("uq_plans_one_published_per_day")
