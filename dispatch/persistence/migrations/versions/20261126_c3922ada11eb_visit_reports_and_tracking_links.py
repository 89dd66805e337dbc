"""Visit reports (idempotent progress reports) and customers' tracking links (token hashes only).

Revision ID: c3922ada11eb
Revises: 7484e6889c94
Create Date: 2026-11-26 10:23:23.118029
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "c3922ada11eb"
down_revision: str | None = "7484e6889c94"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracking_links",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_accounts.id"], name=op.f("fk_tracking_links_created_by_user_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_tracking_links_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_tracking_links")),
    )
    op.create_index(op.f("ix_tracking_links_ticket_id"), "tracking_links", ["ticket_id"], unique=False)
    op.create_table(
        "visit_reports",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("job_id", sa.String(length=40), nullable=False),
        sa.Column("technician_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("late_by_min", sa.Integer(), nullable=True),
        sa.Column("reported_at", UtcDateTime(), nullable=False),
        sa.Column("status_after", sa.String(length=20), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('en_route', 'arrived', 'completed', 'not_completed', 'running_late')",
            name=op.f("ck_visit_reports_kind_known"),
        ),
        sa.CheckConstraint(
            "status_after IN ('unscheduled', 'planned', 'en_route', 'on_site',"
            " 'completed', 'incomplete', 'cancelled')",
            name=op.f("ck_visit_reports_status_known"),
        ),
        sa.CheckConstraint(
            "late_by_min IS NULL OR late_by_min >= 0", name=op.f("ck_visit_reports_late_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_visit_reports_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_visit_reports_technician_id_technicians")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_reports")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_visit_reports_idempotency_key")),
    )
    op.create_index("ix_visit_reports_job_reported", "visit_reports", ["job_id", "reported_at"], unique=False)
    op.create_index(op.f("ix_visit_reports_technician_id"), "visit_reports", ["technician_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_visit_reports_technician_id"), table_name="visit_reports")
    op.drop_index("ix_visit_reports_job_reported", table_name="visit_reports")
    op.drop_table("visit_reports")
    op.drop_index(op.f("ix_tracking_links_ticket_id"), table_name="tracking_links")
    op.drop_table("tracking_links")
