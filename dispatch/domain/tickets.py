"""Support and maintenance tickets: the unit of work a customer raises and the SLA measures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from dispatch.domain.contracts import Priority
from dispatch.domain.errors import DomainError


class Channel(StrEnum):
    """How the ticket reached the provider."""

    TELEPHONE = "telephone"
    ONLINE = "online"
    ONSITE_REQUEST = "onsite_request"


class TicketKind(StrEnum):
    SUPPORT = "support"
    MAINTENANCE = "maintenance"


class TicketState(StrEnum):
    """Lifecycle: tried remotely first; what cannot be fixed remotely goes onsite."""

    NEW = "new"
    REMOTE = "remote"
    ONSITE_REQUIRED = "onsite_required"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    WAITING_CUSTOMER = "waiting_customer"
    """Paused on the customer (a reason is recorded with each pause; the SLA clocks stop meanwhile)."""

    @property
    def is_open(self) -> bool:
        return self not in (TicketState.RESOLVED, TicketState.CLOSED, TicketState.CANCELLED)


@dataclass(frozen=True, slots=True)
class Ticket:
    """A customer's request under a contract. Instants are timezone-aware (stored in UTC)."""

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
    responded_at: datetime | None = None
    resolved_at: datetime | None = None
    follow_up_of: str | None = None

    def __post_init__(self) -> None:
        for name in ("opened_at", "response_due", "resolution_due", "responded_at", "resolved_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise DomainError(f"ticket {self.id}: {name} must carry a time zone")
        if self.resolution_due < self.opened_at:
            raise DomainError(f"ticket {self.id}: resolution due before it was opened")


class RemoteOutcome(StrEnum):
    """How a remote attempt (telephone or remote session) ended."""

    RESOLVED = "resolved"
    """Fixed remotely: the ticket is resolved."""
    ESCALATED = "escalated"
    """Cannot be fixed remotely: the ticket goes onsite."""
    NOT_YET = "not_yet"
    """Tried without result; the ticket stays with remote support."""


@dataclass(frozen=True, slots=True)
class TicketPause:
    """A stretch of time the ticket waited on the customer; ``resumed_at`` is ``None`` while it waits."""

    ticket_id: str
    paused_at: datetime
    resumed_at: datetime | None
    reason: str

    def __post_init__(self) -> None:
        if self.paused_at.tzinfo is None or (self.resumed_at is not None and self.resumed_at.tzinfo is None):
            raise DomainError(f"ticket {self.ticket_id}: pause times must carry a time zone")
        if self.resumed_at is not None and self.resumed_at < self.paused_at:
            raise DomainError(f"ticket {self.ticket_id}: a pause cannot end before it began")
        if not self.reason.strip():
            raise DomainError(f"ticket {self.ticket_id}: a pause needs its reason")


def duration_category(category: str, kind: TicketKind) -> str:
    """The category visit durations are learned by: the ticket's trade, and whether it is planned
    maintenance (which takes about twice as long as a repair in the same trade)."""
    return f"{category} maintenance" if kind is TicketKind.MAINTENANCE else category
