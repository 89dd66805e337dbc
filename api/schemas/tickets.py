"""Tickets as the API shows and accepts them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas.common import RequestModel
from api.schemas.jobs import JobOut, PartNeed
from api.schemas.values import Category, Instant, RecordId, ShortText, Text, WholeNumber
from dispatch.domain.audit import AuditEntry
from dispatch.domain.contracts import Priority
from dispatch.domain.intake import Impact
from dispatch.domain.tickets import Channel, RemoteOutcome, Ticket, TicketKind, TicketPause, TicketState


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
    why: ShortText | None = Field(
        default=None,
        description="Why, for the audit trail; required to move to waiting_customer (the pause's reason).",
    )


class TriageIn(RequestModel):
    priority: Priority = Field(description="The priority confirmed; a change counts the due times again.")
    why: ShortText | None = Field(default=None, description="Why, for the audit trail.")


class RemoteAttemptIn(RequestModel):
    outcome: RemoteOutcome = Field(
        description="resolved: fixed remotely; escalated: goes onsite; not_yet: stays with remote support."
    )
    note: ShortText = Field(description="What was tried and what came of it.")


class EscalationIn(RequestModel):
    """The remote attempt that failed, and the visit's parts and duration if not as proposed."""

    note: ShortText = Field(description="What was tried remotely and why a visit is needed.")
    required_parts: list[PartNeed] | None = Field(
        default=None, max_length=50, description="Left out: the parts proposed (GET .../onsite-proposal)."
    )
    duration_min: WholeNumber | None = Field(
        default=None, ge=1, le=24 * 60, description="Time on site in minutes; left out: as proposed."
    )


class EscalationOut(BaseModel):
    ticket: TicketOut
    job: JobOut


class FollowUpIn(RequestModel):
    """Work the repair left: opened as planned maintenance linked to the closed ticket."""

    summary: ShortText = Field(
        description="What is left to do, e.g. replace the ageing unit before it fails."
    )
    within_working_days: WholeNumber = Field(
        default=10, ge=1, le=60, description="How many working days from tomorrow the visit may be booked on."
    )
    duration_min: WholeNumber | None = Field(
        default=None, ge=15, le=600, description="Time on site in minutes; left out: learned from history."
    )


class CloseIn(RequestModel):
    why: ShortText | None = Field(default=None, description="Why, for the audit trail.")
    follow_up: FollowUpIn | None = Field(default=None, description="Work left to plan as maintenance.")


class CloseOut(BaseModel):
    ticket: TicketOut
    follow_up: EscalationOut | None = Field(
        default=None, description="The maintenance ticket opened and its visit, bookable over the days given."
    )


class OnlineTicketIn(RequestModel):
    """A customer user's ticket: where, what, and how badly it hurts; the priority is suggested."""

    site_id: RecordId
    category: Category = Field(description="What the fault is about: pos, network, desktop, printers, ...")
    summary: Text
    impact: Impact = Field(description="stopped: the business cannot work; degraded; one_user.")


class TicketPauseOut(BaseModel):
    """A wait on the customer: from, to (``null`` while it waits) and why."""

    paused_at: datetime
    resumed_at: datetime | None
    reason: str

    @classmethod
    def of(cls, pause: TicketPause) -> TicketPauseOut:
        return cls(paused_at=pause.paused_at, resumed_at=pause.resumed_at, reason=pause.reason)


class AuditEntryOut(BaseModel):
    """One change: who, when, on what, what they did, from, to, why."""

    seq: int
    at: datetime
    actor: str
    subject_kind: str
    subject_id: str
    action: str
    from_value: str | None
    to_value: str | None
    why: str | None
    plan_day: date | None

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(
            seq=entry.seq or 0,
            at=entry.at,
            actor=entry.actor,
            subject_kind=entry.subject_kind,
            subject_id=entry.subject_id,
            action=entry.action,
            from_value=entry.from_value,
            to_value=entry.to_value,
            why=entry.why,
            plan_day=entry.plan_day,
        )


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
    pauses: list[TicketPauseOut] | None = Field(
        default=None, description="Its waits on the customer (on GET /tickets/{id}; not in listings)."
    )

    @classmethod
    def of(cls, ticket: Ticket, pauses: list[TicketPause] | None = None) -> TicketOut:
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
            pauses=None if pauses is None else [TicketPauseOut.of(p) for p in pauses],
        )


EscalationOut.model_rebuild()
