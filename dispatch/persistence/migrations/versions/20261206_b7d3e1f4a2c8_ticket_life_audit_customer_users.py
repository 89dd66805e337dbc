"""A ticket may wait on the customer (its pauses stored); an append-only audit trail; customer users.

Revision ID: b7d3e1f4a2c8
Revises: e43c3670a703
Create Date: 2026-12-06 07:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dispatch.persistence.types import UtcDateTime

revision: str = "b7d3e1f4a2c8"
down_revision: str | None = "e43c3670a703"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATES = "'new', 'remote', 'onsite_required', 'scheduled', 'in_progress', 'resolved', 'closed', 'cancelled'"
_REFUSE_CHANGES = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % of audit_events refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
"""
_REFUSE_CHANGES_SQLITE = (
    "CREATE TRIGGER audit_events_no_{op} BEFORE {OP} ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: {OP} of audit_events refused'); END"
)


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_tickets_state_known"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_tickets_state_known"), sa.text(f"state IN ({_STATES}, 'waiting_customer')")
        )
    op.create_table(
        "ticket_pauses",
        sa.Column("ticket_id", sa.String(length=40), nullable=False),
        sa.Column("paused_at", UtcDateTime(), nullable=False),
        sa.Column("resumed_at", UtcDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "resumed_at IS NULL OR resumed_at >= paused_at", name=op.f("ck_ticket_pauses_resumed_after_pause")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_pauses_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("ticket_id", "paused_at", name=op.f("pk_ticket_pauses")),
    )
    op.create_table(
        "audit_events",
        sa.Column(
            "seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("subject_kind", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_value", sa.Text(), nullable=True),
        sa.Column("to_value", sa.Text(), nullable=True),
        sa.Column("why", sa.Text(), nullable=True),
        sa.Column("plan_day", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_subject", "audit_events", ["subject_kind", "subject_id", "seq"])
    op.create_index("ix_audit_events_plan_day", "audit_events", ["plan_day", "seq"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_REFUSE_CHANGES)
    else:
        for name in ("update", "delete"):
            op.execute(_REFUSE_CHANGES_SQLITE.format(op=name, OP=name.upper()))
    with op.batch_alter_table("user_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_id", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_user_accounts_customer_id"), ["customer_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_user_accounts_customer_id_customers"), "customers", ["customer_id"], ["id"]
        )
        batch_op.drop_constraint(batch_op.f("ck_user_accounts_role_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_user_accounts_technician_link"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_user_accounts_role_known"),
            sa.text("role IN ('dispatcher', 'technician', 'customer')"),
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_user_accounts_technician_link"),
            sa.text(
                "(role = 'technician' AND technician_id IS NOT NULL)"
                " OR (role <> 'technician' AND technician_id IS NULL)"
            ),
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_user_accounts_customer_link"),
            sa.text("(role = 'customer') = (customer_id IS NOT NULL)"),
        )


def downgrade() -> None:
    op.execute("DELETE FROM user_accounts WHERE role = 'customer'")
    with op.batch_alter_table("user_accounts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_user_accounts_customer_link"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_user_accounts_technician_link"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_user_accounts_role_known"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_user_accounts_role_known"), sa.text("role IN ('dispatcher', 'technician')")
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_user_accounts_technician_link"),
            sa.text(
                "(role = 'technician' AND technician_id IS NOT NULL)"
                " OR (role = 'dispatcher' AND technician_id IS NULL)"
            ),
        )
        batch_op.drop_constraint(batch_op.f("fk_user_accounts_customer_id_customers"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_user_accounts_customer_id"))
        batch_op.drop_column("customer_id")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    op.drop_index("ix_audit_events_plan_day", table_name="audit_events")
    op.drop_index("ix_audit_events_subject", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_table("ticket_pauses")
    op.execute("UPDATE tickets SET state = 'new' WHERE state = 'waiting_customer'")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_tickets_state_known"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_tickets_state_known"), sa.text(f"state IN ({_STATES})")
        )
