"""A re-plan may be proposed to the dispatcher before it is published: plans may be proposed, accepted or
discarded, and a plan job may be a preview that proposes instead of publishing. A running plan job also
reports the P1 jobs of its best plan and how many independent groups it has searched.

Revision ID: a3c9e5f1b7d2
Revises: 4f1a8c2e6d90
Create Date: 2026-12-06 12:20:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a3c9e5f1b7d2"
down_revision: str | None = "4f1a8c2e6d90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KNOWN = "status IN ('published', 'superseded', 'proposed', 'accepted', 'discarded')"
_BEFORE = "status IN ('published', 'superseded')"
_ONE_PUBLISHED = "uq_plans_one_published_per_day"
_PROGRESS = ("p1_assigned_count", "groups_done", "groups_total")
"""What a running solve reports besides its objective: P1 jobs in its best plan, groups searched."""


def _status_rule(rule: str) -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_constraint("status_known", type_="check")
        batch_op.create_check_constraint("status_known", rule)
    _keep_one_published_index()


def _keep_one_published_index() -> None:
    """SQLite's table copy may drop the partial index: make sure it is there, as the models declare it."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"CREATE UNIQUE INDEX IF NOT EXISTS {_ONE_PUBLISHED} ON plans (day) WHERE status = 'published'"
    )


def upgrade() -> None:
    _status_rule(_KNOWN)
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("preview", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
        for progress in _PROGRESS:
            batch_op.add_column(sa.Column(progress, sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        for progress in _PROGRESS:
            batch_op.drop_column(progress)
        batch_op.drop_column("preview")
    proposals = "SELECT id FROM plans WHERE status IN ('proposed', 'accepted', 'discarded')"
    op.execute(f"UPDATE plan_jobs SET plan_id = NULL WHERE plan_id IN ({proposals})")
    op.execute(f"DELETE FROM plans WHERE id IN ({proposals})")
    _status_rule(_BEFORE)
