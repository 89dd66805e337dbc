"""Plans: published day plans with their routes, visits and unassigned jobs.

Revision ID: 0bd92ed5b7b7
Revises: 448cd532ff80
Create Date: 2026-11-26 10:08:05.089922+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "0bd92ed5b7b7"
down_revision: str | None = "448cd532ff80"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "plans",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("solver_status", sa.String(length=20), nullable=False),
        sa.Column("solve_ms", sa.Integer(), nullable=False),
        sa.Column("travel_cost", sa.BigInteger(), nullable=False),
        sa.Column("lateness_cost", sa.BigInteger(), nullable=False),
        sa.Column("drop_cost", sa.BigInteger(), nullable=False),
        sa.Column("overtime_cost", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("status IN ('published', 'superseded')", name=op.f("ck_plans_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index("ix_plans_day_region_status", ["day", "region", "status"], unique=False)

    op.create_table(
        "plan_routes",
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("technician_id", sa.String(length=40), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("travel_s", sa.Integer(), nullable=False),
        sa.Column("distance_m", sa.Integer(), nullable=False),
        sa.Column("overtime_s", sa.Integer(), nullable=False),
        sa.Column("lunch_starts_at", UtcDateTime(), nullable=True),
        sa.Column("lunch_ends_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("ends_at >= starts_at", name=op.f("ck_plan_routes_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_routes_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_plan_routes_technician_id_technicians")
        ),
        sa.PrimaryKeyConstraint("plan_id", "technician_id", name=op.f("pk_plan_routes")),
    )
    op.create_table(
        "plan_unassigned",
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("job_id", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_plan_unassigned_job_id_jobs")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_unassigned_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("plan_id", "job_id", name=op.f("pk_plan_unassigned")),
    )
    op.create_table(
        "plan_visits",
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("technician_id", sa.String(length=40), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("job_id", sa.String(length=40), nullable=True),
        sa.Column("depot_id", sa.String(length=40), nullable=True),
        sa.Column("arrives_at", UtcDateTime(), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("travel_s", sa.Integer(), nullable=False),
        sa.Column("distance_m", sa.Integer(), nullable=False),
        sa.Column("sla_lateness_s", sa.Integer(), nullable=False),
        sa.Column("parts_picked", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'job' AND job_id IS NOT NULL AND depot_id IS NULL)"
            " OR (kind = 'depot_pickup' AND depot_id IS NOT NULL AND job_id IS NULL)",
            name=op.f("ck_plan_visits_job_or_depot"),
        ),
        sa.CheckConstraint("kind IN ('job', 'depot_pickup')", name=op.f("ck_plan_visits_kind_known")),
        sa.CheckConstraint(
            "starts_at >= arrives_at AND ends_at >= starts_at", name=op.f("ck_plan_visits_times_ordered")
        ),
        sa.ForeignKeyConstraint(["depot_id"], ["depots.id"], name=op.f("fk_plan_visits_depot_id_depots")),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_plan_visits_job_id_jobs")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_visits_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_plan_visits_technician_id_technicians")
        ),
        sa.PrimaryKeyConstraint("plan_id", "technician_id", "sequence", name=op.f("pk_plan_visits")),
    )
    with op.batch_alter_table("plan_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_visits_job_id"), ["job_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("plan_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_visits_job_id"))

    op.drop_table("plan_visits")
    op.drop_table("plan_unassigned")
    op.drop_table("plan_routes")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index("ix_plans_day_region_status")

    op.drop_table("plans")
