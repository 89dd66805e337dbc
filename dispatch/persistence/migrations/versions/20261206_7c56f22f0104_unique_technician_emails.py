"""Technicians' e-mail addresses are unique in any letter case: an e-mail is a technician's login.

A unique index on ``lower(email)``, for non-empty addresses only (a technician without an e-mail has no
login). Rows stored before this revision may share an address; the first technician by id keeps it and
each later one gets the smallest number that makes it unique (``angela.moore2@...``), the rule the demo
generator follows, so upgrading never fails on old data. A technician whose address clashed could never
log in, so no working login changes.

Revision ID: 7c56f22f0104
Revises: f6718617533c
Create Date: 2026-12-06 03:55:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c56f22f0104"
down_revision: str | None = "f6718617533c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_technicians_email_lower"
_HAS_EMAIL = "email <> ''"


def _numbered(address: str, taken: set[str]) -> str:
    local, at, host = address.partition("@")
    number = 2
    while f"{local}{number}{at}{host}".lower() in taken:
        number += 1
    return f"{local}{number}{at}{host}"


def _renumber_shared_addresses() -> None:
    connection = op.get_bind()
    technicians = sa.table("technicians", sa.column("id", sa.String), sa.column("email", sa.String))
    rows = connection.execute(
        sa.select(technicians.c.id, technicians.c.email)
        .where(technicians.c.email != "")
        .order_by(technicians.c.id)
    ).all()
    taken = {email.lower() for _, email in rows}
    kept: set[str] = set()
    for technician_id, email in rows:
        if email.lower() not in kept:
            kept.add(email.lower())
            continue
        renamed = _numbered(email, taken)
        taken.add(renamed.lower())
        kept.add(renamed.lower())
        connection.execute(
            sa.update(technicians).where(technicians.c.id == technician_id).values(email=renamed)
        )


def upgrade() -> None:
    _renumber_shared_addresses()
    op.create_index(
        INDEX,
        "technicians",
        [sa.text("lower(email)")],
        unique=True,
        postgresql_where=sa.text(_HAS_EMAIL),
        sqlite_where=sa.text(_HAS_EMAIL),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="technicians")
