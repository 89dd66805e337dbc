"""The audit trail: who changed what, when, from what to what, and why; entries are never changed.

Every ticket move, record change and plan edit leaves one entry. ``subject_kind`` and ``subject_id``
name what changed (a ticket, a job, a day's plan...); ``plan_day`` ties plan edits to the day they edit,
so the trail reads per ticket and per day's plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dispatch.domain.errors import DomainError

SYSTEM_ACTOR = "system"
"""Who acts when no login does: the command line, the plan worker."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change, as it happened. ``seq`` is given by the store (``None`` before it is appended)."""

    at: datetime
    actor: str
    subject_kind: str
    subject_id: str
    action: str
    from_value: str | None = None
    to_value: str | None = None
    why: str | None = None
    plan_day: date | None = None
    seq: int | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise DomainError("an audit entry's time must carry a time zone")
        if not self.actor or not self.subject_kind or not self.subject_id or not self.action:
            raise DomainError("an audit entry names who acted, on what, and how")
