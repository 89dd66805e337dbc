"""Standby agreements: a site guaranteed a skilled technician within a response time over a period.

Revision ID: 5b7e1c9d2a40
Revises: c5e7a9b1d3f2
Create Date: 2026-12-06 15:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "5b7e1c9d2a40"
down_revision: str | None = "c5e7a9b1d3f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "standby_agreements",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("required_skills", sa.JSON(), nullable=False),
        sa.Column("response_s", sa.Integer(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_standby_agreements_ends_after_start")),
        sa.CheckConstraint("response_s > 0", name=op.f("ck_standby_agreements_response_positive")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_standby_agreements_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_standby_agreements_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standby_agreements")),
    )
    op.create_index("ix_standby_agreements_starts_at", "standby_agreements", ["starts_at"], unique=False)
    op.create_index(op.f("ix_standby_agreements_site_id"), "standby_agreements", ["site_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_standby_agreements_site_id"), table_name="standby_agreements")
    op.drop_index("ix_standby_agreements_starts_at", table_name="standby_agreements")
    op.drop_table("standby_agreements")
