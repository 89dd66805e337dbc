"""Procedures per ticket category, and each visit's checklist with the marks technicians make on it.

Revision ID: e43c3670a703
Revises: b7d2e41c9a05
Create Date: 2026-12-06 07:00:21.461457+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "e43c3670a703"
down_revision: str | None = "b7d2e41c9a05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "procedures",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("ticket_kind", sa.String(length=20), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "ticket_kind IS NULL OR ticket_kind IN ('support', 'maintenance')",
            name=op.f("ck_procedures_ticket_kind_known"),
        ),
        sa.ForeignKeyConstraint(["category"], ["skills.code"], name=op.f("fk_procedures_category_skills")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedures")),
        sa.UniqueConstraint("category", "ticket_kind", name="uq_procedures_category_kind"),
    )
    op.create_index(
        "uq_procedures_category_general",
        "procedures",
        ["category"],
        unique=True,
        postgresql_where=sa.text("ticket_kind IS NULL"),
        sqlite_where=sa.text("ticket_kind IS NULL"),
    )
    op.create_table(
        "procedure_steps",
        sa.Column("procedure_id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.CheckConstraint("kind IN ('tick', 'text')", name=op.f("ck_procedure_steps_kind_known")),
        sa.CheckConstraint("position >= 1", name=op.f("ck_procedure_steps_position_positive")),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name=op.f("fk_procedure_steps_procedure_id_procedures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("procedure_id", "code", name=op.f("pk_procedure_steps")),
        sa.UniqueConstraint("procedure_id", "position", name="uq_procedure_steps_position"),
    )
    op.create_table(
        "visit_checklists",
        sa.Column("job_id", sa.String(length=40), nullable=False),
        sa.Column("procedure_id", sa.String(length=40), nullable=False),
        sa.Column("procedure_name", sa.String(length=200), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("completed_at", UtcDateTime(), nullable=True),
        sa.Column("completed_by", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["completed_by"], ["technicians.id"], name=op.f("fk_visit_checklists_completed_by_technicians")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_visit_checklists_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_visit_checklists")),
    )
    op.create_table(
        "checklist_marks",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("job_id", sa.String(length=40), nullable=False),
        sa.Column("step_code", sa.String(length=40), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("technician_id", sa.String(length=40), nullable=False),
        sa.Column("marked_at", UtcDateTime(), nullable=False),
        sa.Column("reply", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["visit_checklists.job_id"],
            name=op.f("fk_checklist_marks_job_id_visit_checklists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_checklist_marks_technician_id_technicians")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_marks")),
        sa.UniqueConstraint("technician_id", "idempotency_key", name="uq_checklist_marks_technician_key"),
    )
    op.create_index("ix_checklist_marks_job_marked", "checklist_marks", ["job_id", "marked_at"], unique=False)
    op.create_index(
        "ix_checklist_marks_technician_marked",
        "checklist_marks",
        ["technician_id", "marked_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_checklist_marks_technician_marked", table_name="checklist_marks")
    op.drop_index("ix_checklist_marks_job_marked", table_name="checklist_marks")
    op.drop_table("checklist_marks")
    op.drop_table("visit_checklists")
    op.drop_table("procedure_steps")
    op.drop_index(
        "uq_procedures_category_general",
        table_name="procedures",
        postgresql_where=sa.text("ticket_kind IS NULL"),
        sqlite_where=sa.text("ticket_kind IS NULL"),
    )
    op.drop_table("procedures")
