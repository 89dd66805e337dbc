"""Tickets as the API shows and accepts them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas.common import RequestModel
from api.schemas.values import Category, Instant, RecordId, Text
from dispatch.domain.contracts import Priority
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState


class TicketChange(RequestModel):
    site_id: RecordId
    contract_id: RecordId
    channel: Channel
    kind: TicketKind
    priority: Priority
    category: Category
    summary: Text
    opened_at: Instant
    state: TicketState = TicketState.NEW
    response_due: Instant | None = Field(
        default=None, description="Left out: computed from the contract's SLA at the site's time zone."
    )
    resolution_due: Instant | None = Field(default=None, description="Left out: computed like response_due.")
    responded_at: Instant | None = None
    resolved_at: Instant | None = None
    follow_up_of: RecordId | None = None


class TicketIn(TicketChange):
    id: RecordId


class TicketUpdate(TicketChange):
    """A ticket's details; its state is not written here but moved through its lifecycle."""

    state: TicketState | None = Field(  # type: ignore[assignment]
        default=None,
        description="Left out, or the current state: a different state is refused (409); "
        "move it with `POST /tickets/{ticket_id}/transitions`.",
    )


class TicketTransition(RequestModel):
    to: TicketState = Field(description="The state to move to; the ticket lifecycle's rules apply.")


class TicketOut(BaseModel):
    id: str
    site_id: str
    contract_id: str
    channel: Channel
    kind: TicketKind
    priority: Priority
    category: str
    summary: str
    opened_at: datetime
    state: TicketState
    response_due: datetime
    resolution_due: datetime
    responded_at: datetime | None
    resolved_at: datetime | None
    follow_up_of: str | None

    @classmethod
    def of(cls, ticket: Ticket) -> TicketOut:
        return cls(
            id=ticket.id,
            site_id=ticket.site_id,
            contract_id=ticket.contract_id,
            channel=ticket.channel,
            kind=ticket.kind,
            priority=ticket.priority,
            category=ticket.category,
            summary=ticket.summary,
            opened_at=ticket.opened_at,
            state=ticket.state,
            response_due=ticket.response_due,
            resolution_due=ticket.resolution_due,
            responded_at=ticket.responded_at,
            resolved_at=ticket.resolved_at,
            follow_up_of=ticket.follow_up_of,
        )
