"""Tickets: what customers raised, under which contract, due when.

Dispatchers see and change every ticket. A customer user sees only their organisation's tickets (another
organisation's answers 404, as a missing one does) and raises tickets online; only dispatchers move them
through the lifecycle or read the audit trail.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.deps import CustomerUser, NowDep, PageDep, SessionDep, ViewerUser, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.jobs import JobOut
from api.schemas.tickets import (
    AuditEntryOut,
    CloseIn,
    CloseOut,
    EscalationIn,
    EscalationOut,
    OnlineTicketIn,
    RemoteAttemptIn,
    TicketChange,
    TicketIn,
    TicketOut,
    TicketPauseOut,
    TicketTransition,
    TicketUpdate,
    TriageIn,
)
from api.schemas.values import Instant, RecordId
from dispatch.domain.contracts import Priority
from dispatch.domain.jobs import PartRequirement
from dispatch.domain.listings import TicketFilter
from dispatch.domain.tickets import Ticket, TicketState
from dispatch.services.customer_scope import (
    pauses_seen_by,
    submit_online,
    ticket_seen_by,
    tickets_seen_by,
    trail_seen_by,
)
from dispatch.services.escalation import escalate_onsite, propose_onsite_job
from dispatch.services.follow_ups import FollowUp, close_ticket
from dispatch.services.ticket_lifecycle import move_ticket, record_remote_attempt, state_kept
from dispatch.services.ticket_records import build_ticket
from dispatch.services.tickets import ticket_records
from dispatch.services.triage import confirm_priority

router = APIRouter(prefix="/tickets", tags=["tickets"])
_DISPATCHERS = [Depends(require_dispatcher)]


@router.get("", response_model=Page[TicketOut])
def list_tickets(
    session: SessionDep,
    viewer: ViewerUser,
    paging: PageDep,
    site_id: Annotated[RecordId | None, Query()] = None,
    contract_id: Annotated[RecordId | None, Query()] = None,
    state: Annotated[TicketState | None, Query()] = None,
    priority: Annotated[Priority | None, Query()] = None,
    opened_from: Annotated[Instant | None, Query(description="Opened at or after.")] = None,
    opened_before: Annotated[Instant | None, Query(description="Opened before.")] = None,
) -> Page[TicketOut]:
    """Tickets by id, filtered by site, contract, state, priority or opening time (a customer user's:
    their organisation's only)."""
    filters = TicketFilter(
        site_id=site_id,
        contract_id=contract_id,
        state=state,
        priority=priority,
        opened_from=opened_from,
        opened_before=opened_before,
    )
    found = tickets_seen_by(session, viewer, filters, limit=paging.limit, offset=paging.offset)
    return page_out(found, TicketOut.of)


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


@router.post("", response_model=TicketOut, status_code=status.HTTP_201_CREATED, dependencies=_DISPATCHERS)
def create_ticket(body: TicketIn, session: SessionDep) -> TicketOut:
    """Open a ticket (a dispatcher logging a call); SLA due times left out are computed from the contract."""
    return TicketOut.of(ticket_records.add(session, _ticket(session, body.id, body, body.state)))


@router.post("/online", response_model=TicketOut, status_code=status.HTTP_201_CREATED)
def raise_online_ticket(
    body: OnlineTicketIn, session: SessionDep, user: CustomerUser, now: NowDep
) -> TicketOut:
    """A customer user raises a ticket at one of their sites: new, under their contract in force, at the
    priority suggested from its category, impact and contract (a dispatcher confirms it when triaging)."""
    ticket = submit_online(
        session,
        user,
        site_id=body.site_id,
        category=body.category,
        summary=body.summary,
        impact=body.impact,
        now=now,
    )
    return TicketOut.of(ticket)


@router.get("/{ticket_id}", response_model=TicketOut)
def get_ticket(ticket_id: RecordId, session: SessionDep, viewer: ViewerUser) -> TicketOut:
    """The ticket with its waits on the customer (404 for another organisation's, to a customer user)."""
    ticket = ticket_seen_by(session, viewer, ticket_id)
    return TicketOut.of(ticket, pauses_seen_by(session, viewer, ticket_id))


@router.get("/{ticket_id}/pauses", response_model=list[TicketPauseOut])
def ticket_pauses(ticket_id: RecordId, session: SessionDep, viewer: ViewerUser) -> list[TicketPauseOut]:
    """The ticket's waits on the customer (from, to, why), oldest first."""
    return [TicketPauseOut.of(p) for p in pauses_seen_by(session, viewer, ticket_id)]


@router.get("/{ticket_id}/audit", response_model=list[AuditEntryOut], dependencies=_DISPATCHERS)
def ticket_audit(ticket_id: RecordId, session: SessionDep, viewer: ViewerUser) -> list[AuditEntryOut]:
    """Every change to the ticket and its jobs (who, when, what, from, to, why), oldest first."""
    return [AuditEntryOut.of(e) for e in trail_seen_by(session, viewer, ticket_id)]


@router.put("/{ticket_id}", response_model=TicketOut, dependencies=_DISPATCHERS)
def update_ticket(ticket_id: RecordId, body: TicketUpdate, session: SessionDep) -> TicketOut:
    """Replace the ticket's details; due times left out are computed again from the contract.

    The state stays as it is: a different one is refused (409), since states move only through the
    lifecycle (``POST /tickets/{ticket_id}/transitions``, or a technician's reports on its visits).
    """
    ticket = _ticket(session, ticket_id, body, state_kept(session, ticket_id, body.state))
    return TicketOut.of(ticket_records.replace(session, ticket))


@router.post("/{ticket_id}/transitions", response_model=TicketOut, dependencies=_DISPATCHERS)
def transition_ticket(
    ticket_id: RecordId, body: TicketTransition, session: SessionDep, now: NowDep
) -> TicketOut:
    """Move the ticket to another state, if its lifecycle allows the move (409 with the reason if not).

    Moving to ``waiting_customer`` needs ``why`` (the pause's reason) and pauses the SLA clocks until the
    ticket moves on; every move is in the audit trail.
    """
    return TicketOut.of(move_ticket(session, ticket_id, body.to, now=now, why=body.why))


@router.post("/{ticket_id}/close", response_model=CloseOut, dependencies=_DISPATCHERS)
def close(ticket_id: RecordId, body: CloseIn, session: SessionDep, now: NowDep) -> CloseOut:
    """Close a resolved ticket (409 if it is not resolved). With ``follow_up``, the work the repair left
    is opened as a maintenance ticket linked to it (``follow_up_of``) with its visit, bookable on any of
    the next working days at the site's hours; ``dispatch plan-week`` books the day."""
    follow_up = None
    if body.follow_up is not None:
        asked = body.follow_up
        minutes = asked.duration_min
        follow_up = FollowUp(
            asked.summary,
            asked.within_working_days,
            None if minutes is None else timedelta(minutes=minutes),
        )
    closed, ticket, job = close_ticket(session, ticket_id, now=now, why=body.why, follow_up=follow_up)
    opened = (
        None
        if ticket is None or job is None
        else EscalationOut(ticket=TicketOut.of(ticket), job=JobOut.of(job))
    )
    return CloseOut(ticket=TicketOut.of(closed), follow_up=opened)


@router.post("/{ticket_id}/triage", response_model=TicketOut, dependencies=_DISPATCHERS)
def triage(ticket_id: RecordId, body: TriageIn, session: SessionDep) -> TicketOut:
    """Confirm the ticket's priority (suggested when it was raised online) or change it; a change counts
    the SLA due times again from the contract. On the audit trail either way."""
    return TicketOut.of(confirm_priority(session, ticket_id, body.priority, body.why))


@router.post("/{ticket_id}/remote-attempts", response_model=TicketOut, dependencies=_DISPATCHERS)
def remote_attempt(ticket_id: RecordId, body: RemoteAttemptIn, session: SessionDep, now: NowDep) -> TicketOut:
    """Record a remote attempt (who: you; when: now; its outcome and note) and move the ticket on:
    resolved remotely, escalated onsite, or still with remote support (409 if the ticket is past that)."""
    return TicketOut.of(record_remote_attempt(session, ticket_id, body.outcome, body.note, now=now))


@router.get("/{ticket_id}/onsite-proposal", response_model=JobOut, dependencies=_DISPATCHERS)
def onsite_proposal(ticket_id: RecordId, session: SessionDep) -> JobOut:
    """The visit escalating the ticket would create: the category's skill, the parts of that category
    earlier visits to the site needed (its equipment), 90 minutes on site. Nothing is stored."""
    return JobOut.of(propose_onsite_job(session, ticket_id))


@router.post(
    "/{ticket_id}/escalations",
    response_model=EscalationOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=_DISPATCHERS,
)
def escalate(ticket_id: RecordId, body: EscalationIn, session: SessionDep, now: NowDep) -> EscalationOut:
    """Remote support failed: record the attempt, move the ticket onsite and create its visit to be
    planned, as proposed or with the parts and duration given (409 if the ticket is past remote support)."""
    ticket, job = escalate_onsite(
        session,
        ticket_id,
        body.note,
        now=now,
        parts=None
        if body.required_parts is None
        else tuple(PartRequirement(n.sku, n.quantity) for n in body.required_parts),
        duration=None if body.duration_min is None else timedelta(minutes=body.duration_min),
    )
    return EscalationOut(ticket=TicketOut.of(ticket), job=JobOut.of(job))


@router.delete("/{ticket_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=_DISPATCHERS)
def delete_ticket(ticket_id: RecordId, session: SessionDep) -> None:
    """Delete a ticket that no job or follow-up refers to (409 otherwise)."""
    ticket_records.delete(session, ticket_id)
