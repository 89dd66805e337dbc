"""On-call duties: who can be called out in which region, when, and at what cost.

Revision ID: da45a3979ab6
Revises: 7c56f22f0104
Create Date: 2026-12-06 04:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "da45a3979ab6"
down_revision: str | None = "7c56f22f0104"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "on_call_duties",
        sa.Column("technician_id", sa.String(length=40), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("call_out_cost", sa.Integer(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_on_call_duties_ends_after_start")),
        sa.CheckConstraint("call_out_cost >= 0", name=op.f("ck_on_call_duties_call_out_cost_not_negative")),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name=op.f("fk_on_call_duties_technician_id_technicians"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("technician_id", "starts_at", name=op.f("pk_on_call_duties")),
    )
    op.create_index(
        "ix_on_call_duties_region_starts_at", "on_call_duties", ["region", "starts_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_on_call_duties_region_starts_at", table_name="on_call_duties")
    op.drop_table("on_call_duties")
