"""Rate-limit hits shared by every worker (login throttling, tracking limit); report keys per technician.

Revision ID: 5e2c1a9d7b40
Revises: da45a3979ab6
Create Date: 2026-12-06 04:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "5e2c1a9d7b40"
down_revision: str | None = "da45a3979ab6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_hits",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_hits")),
    )
    op.create_index("ix_rate_hits_scope_subject_at", "rate_hits", ["scope", "subject", "at"], unique=False)
    op.create_index("ix_rate_hits_scope_at", "rate_hits", ["scope", "at"], unique=False)
    with op.batch_alter_table("visit_reports") as batch:
        batch.drop_constraint("uq_visit_reports_idempotency_key", type_="unique")
        batch.create_unique_constraint(
            "uq_visit_reports_technician_key", ["technician_id", "idempotency_key"]
        )


def downgrade() -> None:
    # Refuses (unique violation) if two technicians have since used one key: that data needs the new rule.
    with op.batch_alter_table("visit_reports") as batch:
        batch.drop_constraint("uq_visit_reports_technician_key", type_="unique")
        batch.create_unique_constraint("uq_visit_reports_idempotency_key", ["idempotency_key"])
    op.drop_index("ix_rate_hits_scope_at", table_name="rate_hits")
    op.drop_index("ix_rate_hits_scope_subject_at", table_name="rate_hits")
    op.drop_table("rate_hits")
