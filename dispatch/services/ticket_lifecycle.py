"""A ticket's state moves only through its lifecycle: a dispatcher's transition or a technician's report.

Replacing a ticket's details (``PUT /tickets/{id}``) keeps its state; asking it to write another state is
refused, naming the operation that moves it, so no writer can skip the lifecycle rules.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from dispatch.domain.errors import Conflict, DomainError
from dispatch.domain.lifecycle import advance_ticket
from dispatch.domain.tickets import Ticket, TicketState
from dispatch.persistence.repositories import TicketRepository
from dispatch.persistence.repositories.tickets import lock_ticket, set_ticket_progress

TRANSITION_OPERATION = "POST /tickets/{ticket_id}/transitions"


class TicketMoveRefused(Conflict):
    """The ticket's lifecycle does not allow the move asked for, or implied by a report."""


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


def move_ticket(session: Session, ticket_id: str, to: TicketState, *, now: datetime) -> Ticket:
    """Move the ticket to ``to`` if its lifecycle allows it. Reaching REMOTE (a remote session starts) is
    the ticket's response if it had none; reaching RESOLVED records when, once."""
    ticket = lock_ticket(session, ticket_id)
    try:
        state = advance_ticket(ticket.state, to)
    except DomainError as refused:
        raise TicketMoveRefused(f"ticket {ticket_id}: {refused}") from None
    moved = replace(ticket, state=state)
    if state is TicketState.REMOTE and moved.responded_at is None:
        moved = replace(moved, responded_at=now)
    if state is TicketState.RESOLVED and moved.resolved_at is None:
        moved = replace(moved, resolved_at=now)
    if moved != ticket:
        set_ticket_progress(session, moved)
    return moved
