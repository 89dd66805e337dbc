"""Triage: a dispatcher confirms (or changes) the priority a new ticket was suggested at.

A changed priority changes what the SLA promises, so the due times are counted again from the contract
at the ticket's opening time; the confirmation and any change are on the audit trail.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy.orm import Session

from dispatch.domain.contracts import Priority
from dispatch.domain.tickets import Ticket
from dispatch.persistence.repositories import TicketRepository
from dispatch.services.audit import TICKET, record
from dispatch.services.ticket_records import build_ticket
from dispatch.services.tickets import ticket_records


def confirm_priority(session: Session, ticket_id: str, priority: Priority, why: str | None = None) -> Ticket:
    """Set the ticket's priority as confirmed by the dispatcher; due times follow a change."""
    ticket = TicketRepository(session).require(ticket_id)
    suggested = ticket.priority
    if priority is not suggested:
        fields = {f.name: getattr(ticket, f.name) for f in dataclasses.fields(ticket)}
        fields.pop("id")
        fields.update(priority=priority, response_due=None, resolution_due=None)
        ticket = ticket_records.replace(session, build_ticket(session, ticket_id=ticket_id, **fields))
    record(
        session,
        TICKET,
        ticket_id,
        "priority_confirmed",
        from_value=suggested.value,
        to_value=priority.value,
        why=why,
    )
    return ticket
