"""Arrival promises: the window each visit's customer was last told, kept by re-plans.

Revision ID: e2a4c6f8b0d1
Revises: 5b7e1c9d2a40
Create Date: 2026-12-06 18:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "e2a4c6f8b0d1"
down_revision: str | None = "5b7e1c9d2a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "arrival_promises",
        sa.Column("job_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("opens_at", UtcDateTime(), nullable=False),
        sa.Column("closes_at", UtcDateTime(), nullable=False),
        sa.Column("promised_at", UtcDateTime(), nullable=False),
        sa.Column("times_told", sa.Integer(), nullable=False),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_arrival_promises_closes_after_opening")),
        sa.CheckConstraint("times_told >= 1", name=op.f("ck_arrival_promises_told_at_least_once")),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_arrival_promises_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", "day", name=op.f("pk_arrival_promises")),
    )


def downgrade() -> None:
    op.drop_table("arrival_promises")
