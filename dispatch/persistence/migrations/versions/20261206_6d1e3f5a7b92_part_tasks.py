"""Part tasks: the parts of a large day's solve, handed to workers on the job queue and answered there.

Revision ID: 6d1e3f5a7b92
Revises: f3b5d7e9a1c2
Create Date: 2026-12-06 22:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "6d1e3f5a7b92"
down_revision: str | None = "f3b5d7e9a1c2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "part_tasks",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("time_limit_s", sa.Float(), nullable=False),
        sa.Column("task", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("deferred_at", UtcDateTime(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_part_tasks_status_known")
        ),
        sa.CheckConstraint("attempt >= 1", name=op.f("ck_part_tasks_attempt_positive")),
        sa.CheckConstraint("time_limit_s > 0", name=op.f("ck_part_tasks_time_limit_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_part_tasks")),
    )
    op.create_index(op.f("ix_part_tasks_batch"), "part_tasks", ["batch"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_part_tasks_batch"), table_name="part_tasks")
    op.drop_table("part_tasks")
