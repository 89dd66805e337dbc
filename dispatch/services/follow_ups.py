"""Closing a ticket that leaves work to do: the follow-up becomes planned maintenance, linked to it.

The technician fixed the fault but saw what will cause the next one (a failing fan, a cabinet to tidy, a
firmware to roll out). Closing the ticket with a follow-up opens a maintenance ticket that names the closed
one (``follow_up_of``) and creates its visit, bookable on any of the next working days at the site's hours
(the week plan picks the day). Both happen in the caller's transaction, on the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from dispatch.domain.errors import DomainError
from dispatch.domain.jobs import Job, SkillRequirement
from dispatch.domain.maintenance import DEFAULT_WITHIN_WORKING_DAYS
from dispatch.domain.tickets import Ticket, TicketState
from dispatch.persistence.repositories import SiteRepository, SkillRepository, TicketRepository
from dispatch.services.audit import TICKET, record
from dispatch.services.durations import learn_durations
from dispatch.services.maintenance_tickets import MaintenanceRequest, maintenance_duration, open_maintenance
from dispatch.services.ticket_lifecycle import move_ticket


@dataclass(frozen=True, slots=True)
class FollowUp:
    """The work a closed ticket leaves: what to do, how many working days it may wait, how long it takes
    (``None``: the median learned for the category's maintenance)."""

    summary: str
    within_working_days: int = DEFAULT_WITHIN_WORKING_DAYS
    duration: timedelta | None = None

    def __post_init__(self) -> None:
        if not self.summary.strip():
            raise DomainError("say what the follow-up work is (summary)")
        if not 1 <= self.within_working_days <= 60:
            raise DomainError("a follow-up may be spread over 1 to 60 working days")
        if self.duration is not None and not timedelta(minutes=15) <= self.duration <= timedelta(hours=10):
            raise DomainError("a follow-up visit takes between 15 minutes and 10 hours")


def close_ticket(
    session: Session,
    ticket_id: str,
    *,
    now: datetime,
    why: str | None = None,
    follow_up: FollowUp | None = None,
) -> tuple[Ticket, Ticket | None, Job | None]:
    """Close the resolved ticket; with ``follow_up``, open its maintenance ticket and visit."""
    closed = move_ticket(session, ticket_id, TicketState.CLOSED, now=now, why=why)
    if follow_up is None:
        return closed, None, None
    ticket, job = open_follow_up(session, closed, follow_up, now=now)
    return closed, ticket, job


def open_follow_up(
    session: Session, parent: Ticket, follow_up: FollowUp, *, now: datetime
) -> tuple[Ticket, Job]:
    """The maintenance ticket and visit following ``parent``, stored and waiting for the week plan to book
    them (the ticket is ``onsite_required``: planned work goes straight to a visit)."""
    category = parent.category.strip().lower()
    request = MaintenanceRequest(
        ticket_id=_next_follow_up_id(session, parent.id),
        site=SiteRepository(session).require(parent.site_id),
        contract_id=parent.contract_id,
        category=parent.category,
        summary=follow_up.summary.strip(),
        within_working_days=follow_up.within_working_days,
        duration=follow_up.duration or maintenance_duration(learn_durations(session, now), category),
        skills=(SkillRequirement(category, 1),) if SkillRepository(session).get(category) else (),
        why=f"follow-up of {parent.id}",
        follow_up_of=parent.id,
    )
    ticket, job = open_maintenance(session, request, now=now)
    record(session, TICKET, parent.id, "follow_up", at=now, to_value=ticket.id, why=ticket.summary)
    return ticket, job


def _next_follow_up_id(session: Session, parent_id: str) -> str:
    """``<parent>-F<n>``: the closed ticket's n-th follow-up, the first n not taken."""
    tickets = TicketRepository(session)
    number = 1
    while tickets.get(f"{parent_id}-F{number}") is not None:
        number += 1
    return f"{parent_id}-F{number}"
