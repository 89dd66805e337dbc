"""Active assignments as constraints: a job once on a day's published plan; a technician's published
visits never overlap in time.

Each visit copies its plan's day and status through a cascading foreign key, so superseding a plan takes
its visits out of both rules (they stay as history). PostgreSQL checks overlaps with an exclusion
constraint (``btree_gist`` for the technician's equality, ``tstzrange`` for the time); SQLite, which has
none, with triggers raising the constraint's name.

Revision ID: 8d2f4b6a1c73
Revises: 3e8a6f52c4d9
Create Date: 2026-12-06 06:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d2f4b6a1c73"
down_revision: str | None = "3e8a6f52c4d9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PUBLISHED = sa.text("plan_status = 'published'")
_NO_OVERLAP = "ex_plan_visits_no_overlap"
_OVERLAPS = """
    EXISTS (
        SELECT 1 FROM plan_visits AS other
        WHERE other.plan_status = 'published'
          AND other.technician_id = NEW.technician_id
          AND other.starts_at < other.ends_at
          AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at
          {and_not_itself}
    )
"""
_SQLITE_TRIGGERS = {
    f"{_NO_OVERLAP}_insert": "BEFORE INSERT ON plan_visits",
    f"{_NO_OVERLAP}_update": (
        "BEFORE UPDATE OF plan_status, technician_id, starts_at, ends_at ON plan_visits"
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_plans_id_day_status", ["id", "day", "status"])
    with op.batch_alter_table("plan_visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_day", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("plan_status", sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE plan_visits SET "
        "plan_day = (SELECT plans.day FROM plans WHERE plans.id = plan_visits.plan_id), "
        "plan_status = (SELECT plans.status FROM plans WHERE plans.id = plan_visits.plan_id)"
    )
    with op.batch_alter_table("plan_visits", schema=None) as batch_op:
        batch_op.alter_column("plan_day", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("plan_status", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_foreign_key(
            "fk_plan_visits_plan_state_plans",
            "plans",
            ["plan_id", "plan_day", "plan_status"],
            ["id", "day", "status"],
            onupdate="CASCADE",
            ondelete="CASCADE",
        )
        batch_op.create_index(
            "uq_plan_visits_one_active_per_job",
            ["plan_day", "job_id"],
            unique=True,
            postgresql_where=_PUBLISHED,
            sqlite_where=_PUBLISHED,
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            f"ALTER TABLE plan_visits ADD CONSTRAINT {_NO_OVERLAP} EXCLUDE USING gist "
            "(technician_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (plan_status = 'published')"
        )
        return
    for name, timing in _SQLITE_TRIGGERS.items():
        itself = "AND other.rowid <> OLD.rowid" if name.endswith("_update") else ""
        op.execute(
            f"CREATE TRIGGER {name} {timing} "
            "WHEN NEW.plan_status = 'published' AND NEW.starts_at < NEW.ends_at "
            f"BEGIN SELECT RAISE(ABORT, '{_NO_OVERLAP}') "
            f"WHERE {_OVERLAPS.format(and_not_itself=itself)}; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # btree_gist stays: other schemas of the database may use it.
        op.execute(f"ALTER TABLE plan_visits DROP CONSTRAINT {_NO_OVERLAP}")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table("plan_visits", schema=None) as batch_op:
        batch_op.drop_index("uq_plan_visits_one_active_per_job")
        batch_op.drop_constraint("fk_plan_visits_plan_state_plans", type_="foreignkey")
        batch_op.drop_column("plan_status")
        batch_op.drop_column("plan_day")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_constraint("uq_plans_id_day_status", type_="unique")
