"""Ticket pauses: the stretches a ticket waited on the customer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from dispatch.domain.tickets import TicketPause
from dispatch.persistence.models import TicketPauseRow, table_of

_TABLE = table_of(TicketPauseRow)


def open_pause(session: Session, pause: TicketPause) -> None:
    """Store a pause that has just begun."""
    session.execute(
        insert(_TABLE).values(
            ticket_id=pause.ticket_id,
            paused_at=pause.paused_at,
            resumed_at=pause.resumed_at,
            reason=pause.reason,
        )
    )


def add_pauses(session: Session, pauses: list[TicketPause]) -> None:
    """Store pauses as they are (a data set's, loaded or imported)."""
    if pauses:
        session.execute(
            insert(_TABLE),
            [
                {
                    "ticket_id": p.ticket_id,
                    "paused_at": p.paused_at,
                    "resumed_at": p.resumed_at,
                    "reason": p.reason,
                }
                for p in pauses
            ],
        )


def all_pauses(session: Session) -> list[TicketPause]:
    """Every stored pause, by ticket then start."""
    c = _TABLE.c
    rows = session.execute(select(_TABLE).order_by(c.ticket_id, c.paused_at)).mappings()
    return [TicketPause(row["ticket_id"], row["paused_at"], row["resumed_at"], row["reason"]) for row in rows]


def close_open_pauses(session: Session, ticket_id: str, resumed_at: datetime) -> int:
    """End the ticket's pause still running at ``resumed_at``; how many were ended (0 or 1)."""
    c = _TABLE.c
    result = session.execute(
        update(_TABLE).where(c.ticket_id == ticket_id, c.resumed_at.is_(None)).values(resumed_at=resumed_at)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def pauses_of(session: Session, ticket_id: str) -> list[TicketPause]:
    """The ticket's pauses, oldest first."""
    c = _TABLE.c
    rows = session.execute(select(_TABLE).where(c.ticket_id == ticket_id).order_by(c.paused_at)).mappings()
    return [
        TicketPause(
            ticket_id=row["ticket_id"],
            paused_at=row["paused_at"],
            resumed_at=row["resumed_at"],
            reason=row["reason"],
        )
        for row in rows
    ]


def pauses_of_tickets(session: Session, ticket_ids: list[str]) -> dict[str, list[TicketPause]]:
    """Each ticket's pauses, oldest first, by ticket id (tickets that never waited are left out)."""
    c = _TABLE.c
    found: dict[str, list[TicketPause]] = {}
    for start in range(0, len(ticket_ids), 500):
        rows = session.execute(
            select(_TABLE).where(c.ticket_id.in_(ticket_ids[start : start + 500])).order_by(c.paused_at)
        ).mappings()
        for row in rows:
            found.setdefault(row["ticket_id"], []).append(
                TicketPause(row["ticket_id"], row["paused_at"], row["resumed_at"], row["reason"])
            )
    return found
