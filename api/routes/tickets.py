"""Tickets: what customers raised, under which contract, due when (dispatchers only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.deps import NowDep, PageDep, SessionDep, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.tickets import TicketChange, TicketIn, TicketOut, TicketTransition, TicketUpdate
from api.schemas.values import Instant, RecordId
from dispatch.domain.contracts import Priority
from dispatch.domain.listings import TicketFilter
from dispatch.domain.tickets import Ticket, TicketState
from dispatch.services.ticket_lifecycle import move_ticket, state_kept
from dispatch.services.ticket_records import build_ticket
from dispatch.services.tickets import find_tickets, ticket_records

router = APIRouter(prefix="/tickets", tags=["tickets"], dependencies=[Depends(require_dispatcher)])


@router.get("", response_model=Page[TicketOut])
def list_tickets(
    session: SessionDep,
    paging: PageDep,
    site_id: Annotated[RecordId | None, Query()] = None,
    contract_id: Annotated[RecordId | None, Query()] = None,
    state: Annotated[TicketState | None, Query()] = None,
    priority: Annotated[Priority | None, Query()] = None,
    opened_from: Annotated[Instant | None, Query(description="Opened at or after.")] = None,
    opened_before: Annotated[Instant | None, Query(description="Opened before.")] = None,
) -> Page[TicketOut]:
    """Tickets by id, filtered by site, contract, state, priority or opening time."""
    filters = TicketFilter(
        site_id=site_id,
        contract_id=contract_id,
        state=state,
        priority=priority,
        opened_from=opened_from,
        opened_before=opened_before,
    )
    return page_out(find_tickets(session, filters, limit=paging.limit, offset=paging.offset), TicketOut.of)


def _ticket(session: SessionDep, ticket_id: str, body: TicketChange, state: TicketState) -> Ticket:
    return build_ticket(
        session,
        ticket_id=ticket_id,
        site_id=body.site_id,
        contract_id=body.contract_id,
        channel=body.channel,
        kind=body.kind,
        priority=body.priority,
        category=body.category,
        summary=body.summary,
        opened_at=body.opened_at,
        state=state,
        response_due=body.response_due,
        resolution_due=body.resolution_due,
        responded_at=body.responded_at,
        resolved_at=body.resolved_at,
        follow_up_of=body.follow_up_of,
    )


@router.post("", response_model=TicketOut, status_code=status.HTTP_201_CREATED)
def create_ticket(body: TicketIn, session: SessionDep) -> TicketOut:
    """Open a ticket; SLA due times left out are computed from the contract."""
    return TicketOut.of(ticket_records.add(session, _ticket(session, body.id, body, body.state)))


@router.get("/{ticket_id}", response_model=TicketOut)
def get_ticket(ticket_id: RecordId, session: SessionDep) -> TicketOut:
    return TicketOut.of(ticket_records.get(session, ticket_id))


@router.put("/{ticket_id}", response_model=TicketOut)
def update_ticket(ticket_id: RecordId, body: TicketUpdate, session: SessionDep) -> TicketOut:
    """Replace the ticket's details; due times left out are computed again from the contract.

    The state stays as it is: a different one is refused (409), since states move only through the
    lifecycle (``POST /tickets/{ticket_id}/transitions``, or a technician's reports on its visits).
    """
    ticket = _ticket(session, ticket_id, body, state_kept(session, ticket_id, body.state))
    return TicketOut.of(ticket_records.replace(session, ticket))


@router.post("/{ticket_id}/transitions", response_model=TicketOut)
def transition_ticket(
    ticket_id: RecordId, body: TicketTransition, session: SessionDep, now: NowDep
) -> TicketOut:
    """Move the ticket to another state, if its lifecycle allows the move (409 with the reason if not)."""
    return TicketOut.of(move_ticket(session, ticket_id, body.to, now=now))


@router.delete("/{ticket_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_ticket(ticket_id: RecordId, session: SessionDep) -> None:
    """Delete a ticket that no job or follow-up refers to (409 otherwise)."""
    ticket_records.delete(session, ticket_id)
