"""A ticket's state moves only through its lifecycle: a dispatcher's transition or a technician's report.

Replacing a ticket's details (``PUT /tickets/{id}``) keeps its state; asking it to write another state is
refused, naming the operation that moves it, so no writer can skip the lifecycle rules. Every move is
stored by ``store_move``, which appends it to the audit trail and keeps the ticket's pauses: entering
WAITING_CUSTOMER opens a pause with its reason, leaving it closes the pause.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from dispatch.domain.errors import Conflict, DomainError
from dispatch.domain.lifecycle import advance_ticket
from dispatch.domain.tickets import RemoteOutcome, Ticket, TicketPause, TicketState
from dispatch.persistence.repositories import TicketRepository
from dispatch.persistence.repositories.ticket_pauses import close_open_pauses, open_pause, pauses_of
from dispatch.persistence.repositories.tickets import lock_ticket, set_ticket_progress
from dispatch.services.audit import TICKET, record

TRANSITION_OPERATION = "POST /tickets/{ticket_id}/transitions"


class TicketMoveRefused(Conflict):
    """The ticket's lifecycle does not allow the move asked for, or implied by a report."""


_AFTER_REMOTE = {
    RemoteOutcome.RESOLVED: TicketState.RESOLVED,
    RemoteOutcome.ESCALATED: TicketState.ONSITE_REQUIRED,
    RemoteOutcome.NOT_YET: TicketState.REMOTE,
}


def state_kept(session: Session, ticket_id: str, asked: TicketState | None) -> TicketState:
    """The state a ticket whose details are replaced keeps: its stored one. Asking for another is refused."""
    current = TicketRepository(session).require(ticket_id).state
    if asked is not None and asked is not current:
        operation = TRANSITION_OPERATION.format(ticket_id=ticket_id)
        raise TicketMoveRefused(
            f"ticket {ticket_id} is {current.value}: its state is not written by replacing the ticket; "
            f'move it with {operation} {{"to": "{asked.value}"}} (the lifecycle rules apply), '
            "or leave state out"
        )
    return current


def moved_to(ticket: Ticket, to: TicketState, *, at: datetime, why: str | None = None) -> Ticket:
    """The ticket after moving to ``to``, if its lifecycle allows it (``TicketMoveRefused`` with the reason
    if not); reaching REMOTE (a remote session starts) is the ticket's response if it had none; reaching
    RESOLVED records when, once. Nothing is stored."""
    try:
        state = advance_ticket(ticket.state, to)
    except DomainError as refused:
        prefix = f"{why} would move ticket {ticket.id}, but" if why else f"ticket {ticket.id}:"
        raise TicketMoveRefused(f"{prefix} {refused}") from None
    moved = ticket if state is ticket.state else replace(ticket, state=state)
    if state is TicketState.REMOTE and moved.responded_at is None:
        moved = replace(moved, responded_at=at)  # a remote session starting is the response
    if state is TicketState.RESOLVED and moved.resolved_at is None:
        moved = replace(moved, resolved_at=at)
    return moved


def store_move(session: Session, before: Ticket, after: Ticket, *, at: datetime, why: str | None) -> None:
    """Store the ticket's progress from ``before`` to ``after`` with its audit entries and pauses.

    A move into WAITING_CUSTOMER needs ``why`` (the pause's reason); leaving it ends the pause at ``at``.
    """
    if after == before:
        return
    if after.state is TicketState.WAITING_CUSTOMER and before.state is not after.state:
        if not (why or "").strip():
            raise DomainError(f"ticket {before.id}: say why it waits on the customer (a reason is required)")
        open_pause(session, TicketPause(before.id, at, None, (why or "").strip()))
    if before.state is TicketState.WAITING_CUSTOMER and after.state is not before.state:
        close_open_pauses(session, before.id, at)
    set_ticket_progress(session, after)
    if after.state is not before.state:
        record(
            session,
            TICKET,
            before.id,
            "transition",
            at=at,
            from_value=before.state.value,
            to_value=after.state.value,
            why=why,
        )
    for name in ("responded_at", "resolved_at"):
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            shown = (old.isoformat() if old else None, new.isoformat() if new else None)
            record(session, TICKET, before.id, name, at=at, from_value=shown[0], to_value=shown[1], why=why)


def move_ticket(
    session: Session, ticket_id: str, to: TicketState, *, now: datetime, why: str | None = None
) -> Ticket:
    """Move the ticket to ``to`` if its lifecycle allows it; reaching RESOLVED records when, once.

    ``why`` is recorded in the audit trail; moving to WAITING_CUSTOMER requires it (the pause's reason).
    """
    ticket = lock_ticket(session, ticket_id)
    moved = moved_to(ticket, to, at=now)
    store_move(session, ticket, moved, at=now, why=why)
    return moved


def record_remote_attempt(
    session: Session, ticket_id: str, outcome: RemoteOutcome, note: str, *, now: datetime
) -> Ticket:
    """Record a remote attempt (who: the session's actor; when: ``now``; its outcome and note) and move the
    ticket on: resolved remotely, escalated onsite, or still with remote support.

    A new ticket steps into REMOTE first, as the lifecycle requires.
    """
    if not note.strip():
        raise DomainError("say what was tried remotely (note)")
    ticket = lock_ticket(session, ticket_id)
    why = f"remote attempt {outcome.value}: {note.strip()}"
    if ticket.state in (TicketState.NEW, TicketState.WAITING_CUSTOMER):
        stepped = moved_to(ticket, TicketState.REMOTE, at=now, why="a remote attempt")
        store_move(session, ticket, stepped, at=now, why="a remote attempt")
        ticket = stepped
    if ticket.state is not TicketState.REMOTE:
        raise TicketMoveRefused(
            f"ticket {ticket_id} is {ticket.state.value}: remote attempts are made on new tickets "
            "or tickets with remote support"
        )
    record(session, TICKET, ticket_id, "remote_attempt", at=now, to_value=outcome.value, why=note.strip())
    moved = moved_to(ticket, _AFTER_REMOTE[outcome], at=now)
    store_move(session, ticket, moved, at=now, why=why)
    return moved


def ticket_pauses(session: Session, ticket_id: str) -> list[TicketPause]:
    """The ticket's pauses while waiting on the customer, oldest first."""
    TicketRepository(session).require(ticket_id)
    return pauses_of(session, ticket_id)
