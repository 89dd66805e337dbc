"""Planning jobs (one active per day and scope), technicians' locked days, pinned job starts; the job queue.

On PostgreSQL this also installs the schema of procrastinate, the job queue whose workers run the solves,
in a PostgreSQL schema of its own (``procrastinate``), so it stays apart from ours and goes with one
``DROP SCHEMA`` on downgrade. The SQL is the schema file shipped with the installed procrastinate; this
revision was written for procrastinate 3.10 and refuses another minor version, whose schema would differ
(a later procrastinate upgrade is a new revision applying its migration files). SQLite deployments run
the solves in-process and need no queue tables.

Revision ID: f6718617533c
Revises: c3922ada11eb
Create Date: 2026-11-26 10:44:30.176114+00:00
"""

from collections.abc import Sequence
from importlib import metadata, resources

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "f6718617533c"
down_revision: str | None = "c3922ada11eb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_SCHEMA = "procrastinate"
QUEUE_VERSION = "3.10"
_ACTIVE = "status IN ('queued', 'running')"


def _install_queue_schema() -> None:
    installed = metadata.version("procrastinate")
    if not installed.startswith(QUEUE_VERSION + "."):
        raise RuntimeError(
            f"this revision installs procrastinate {QUEUE_VERSION}'s schema, but {installed} is installed"
        )
    schema_sql = (resources.files("procrastinate.sql") / "schema.sql").read_text(encoding="utf-8")
    connection = op.get_bind()
    previous = connection.exec_driver_sql("SHOW search_path").scalar_one()
    op.execute(f"CREATE SCHEMA {QUEUE_SCHEMA}")
    op.execute(f"SET LOCAL search_path TO {QUEUE_SCHEMA}")
    # Many statements in one call: psycopg sends them as one simple query when there are no parameters.
    connection.connection.driver_connection.execute(schema_sql)  # type: ignore[union-attr]
    connection.exec_driver_sql(f"SELECT set_config('search_path', '{previous}', true)")


def upgrade() -> None:
    op.create_table(
        "plan_jobs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=True),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("time_limit_s", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("requested_by", sa.String(length=40), nullable=True),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("heartbeat_at", UtcDateTime(), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("best_objective", sa.BigInteger(), nullable=True),
        sa.Column("solutions_found", sa.Integer(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("plan_id", sa.String(length=40), nullable=True),
        sa.Column("assigned_count", sa.Integer(), nullable=True),
        sa.Column("unassigned_count", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')",
            name=op.f("ck_plan_jobs_status_known"),
        ),
        sa.CheckConstraint("progress >= 0 AND progress <= 1", name=op.f("ck_plan_jobs_progress_range")),
        sa.CheckConstraint("time_limit_s > 0", name=op.f("ck_plan_jobs_time_limit_positive")),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_jobs_plan_id_plans")),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["user_accounts.id"],
            name=op.f("fk_plan_jobs_requested_by_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_jobs")),
    )
    op.create_index(op.f("ix_plan_jobs_status"), "plan_jobs", ["status"], unique=False)
    op.create_index(
        "uq_plan_jobs_one_active_per_day_scope",
        "plan_jobs",
        ["day", "scope"],
        unique=True,
        postgresql_where=sa.text(_ACTIVE),
        sqlite_where=sa.text(_ACTIVE),
    )
    op.create_table(
        "technician_day_locks",
        sa.Column("technician_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("locked_at", UtcDateTime(), nullable=False),
        sa.Column("locked_by", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["locked_by"],
            ["user_accounts.id"],
            name=op.f("fk_technician_day_locks_locked_by_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name=op.f("fk_technician_day_locks_technician_id_technicians"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("technician_id", "day", name=op.f("pk_technician_day_locks")),
    )
    op.create_table(
        "job_pinned_starts",
        sa.Column("job_id", sa.String(length=40), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_job_pinned_starts_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_pinned_starts")),
    )

    if op.get_bind().dialect.name == "postgresql":
        _install_queue_schema()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP SCHEMA {QUEUE_SCHEMA} CASCADE")
    op.drop_table("job_pinned_starts")
    op.drop_table("technician_day_locks")
    op.drop_index(
        "uq_plan_jobs_one_active_per_day_scope",
        table_name="plan_jobs",
        postgresql_where=sa.text(_ACTIVE),
        sqlite_where=sa.text(_ACTIVE),
    )
    op.drop_index(op.f("ix_plan_jobs_status"), table_name="plan_jobs")
    op.drop_table("plan_jobs")
