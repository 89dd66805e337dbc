"""Parts used and picked up as technicians report, settled into the stock at the end of the day; a job
sent out because a visit could not complete names that visit.

Revision ID: 3e8a6f52c4d9
Revises: 9c4e2b7d1f30
Create Date: 2026-12-06 05:20:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "3e8a6f52c4d9"
down_revision: str | None = "9c4e2b7d1f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_USED_ONCE = sa.text("kind = 'used'")


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_of_job", sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_jobs_follow_up_of_job_jobs"),
            "jobs",
            ["follow_up_of_job"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "part_movements",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("technician_id", sa.String(length=40), nullable=False),
        sa.Column("job_id", sa.String(length=40), nullable=True),
        sa.Column("depot_id", sa.String(length=40), nullable=True),
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("settled_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('used', 'picked_up')", name=op.f("ck_part_movements_kind_known")),
        sa.CheckConstraint(
            "(kind = 'used' AND quantity < 0 AND job_id IS NOT NULL)"
            " OR (kind = 'picked_up' AND quantity > 0 AND depot_id IS NOT NULL)",
            name=op.f("ck_part_movements_kind_fits"),
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_part_movements_technician_id_technicians")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_part_movements_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["depot_id"], ["depots.id"], name=op.f("fk_part_movements_depot_id_depots")),
        sa.ForeignKeyConstraint(["sku"], ["parts.sku"], name=op.f("fk_part_movements_sku_parts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_part_movements")),
    )
    op.create_index(
        "ix_part_movements_technician_day", "part_movements", ["technician_id", "day"], unique=False
    )
    op.create_index("ix_part_movements_day_settled", "part_movements", ["day", "settled_at"], unique=False)
    op.create_index(
        "uq_part_movements_used_once",
        "part_movements",
        ["job_id", "sku"],
        unique=True,
        postgresql_where=_USED_ONCE,
        sqlite_where=_USED_ONCE,
    )


def downgrade() -> None:
    op.drop_index("uq_part_movements_used_once", table_name="part_movements")
    op.drop_index("ix_part_movements_day_settled", table_name="part_movements")
    op.drop_index("ix_part_movements_technician_day", table_name="part_movements")
    op.drop_table("part_movements")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_jobs_follow_up_of_job_jobs"), type_="foreignkey")
        batch_op.drop_column("follow_up_of_job")
