"""Searches for a better plan wait in a lane per region, and a region's name fits wherever it is stored.

A report in one region asks for a better plan of that region only, so the lane a plan job waits in
(``plan_jobs.scope``) names the region after the improvement prefix; regions are as long as the
technicians' own (80), on plans and plan jobs too.

Revision ID: f3b5d7e9a1c2
Revises: e2a4c6f8b0d1
Create Date: 2026-12-06 21:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f3b5d7e9a1c2"
down_revision: str | None = "e2a4c6f8b0d1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.alter_column("scope", existing_type=sa.String(length=40), type_=sa.String(length=100))
        batch_op.alter_column("region", existing_type=sa.String(length=40), type_=sa.String(length=80))
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.alter_column("region", existing_type=sa.String(length=40), type_=sa.String(length=80))


def downgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.alter_column("region", existing_type=sa.String(length=80), type_=sa.String(length=40))
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.alter_column("region", existing_type=sa.String(length=80), type_=sa.String(length=40))
        batch_op.alter_column("scope", existing_type=sa.String(length=100), type_=sa.String(length=40))
