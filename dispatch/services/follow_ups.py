"""Closing a ticket that leaves work to do: the follow-up becomes planned maintenance, linked to it.

The technician fixed the fault but saw what will cause the next one (a failing fan, a cabinet to tidy, a
firmware to roll out). Closing the ticket with a follow-up opens a maintenance ticket that names the closed
one (``follow_up_of``) and creates its visit, bookable on any of the next working days at the site's hours
(the week plan picks the day). Both happen in the caller's transaction, on the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dispatch.domain.contracts import Priority
from dispatch.domain.errors import DomainError
from dispatch.domain.jobs import Job, JobStatus, SkillRequirement, TimeWindow
from dispatch.domain.maintenance import DEFAULT_WITHIN_WORKING_DAYS, booking_windows
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState
from dispatch.persistence.repositories import SiteRepository, SkillRepository, TicketRepository
from dispatch.services.audit import TICKET, record
from dispatch.services.durations import DurationModel, job_category, learn_durations
from dispatch.services.jobs import job_records
from dispatch.services.ticket_lifecycle import move_ticket
from dispatch.services.ticket_records import build_ticket
from dispatch.services.tickets import ticket_records

DEFAULT_MAINTENANCE_VISIT = timedelta(hours=2)
"""A maintenance visit's length when history has nothing learned for its category."""
MAINTENANCE_PRIORITY = Priority.P4


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
    site = SiteRepository(session).require(parent.site_id)
    first = (now.astimezone(ZoneInfo(site.timezone)) + timedelta(days=1)).date()
    windows = booking_windows(site, first, follow_up.within_working_days)
    ticket = build_ticket(
        session,
        ticket_id=_next_follow_up_id(session, parent.id),
        site_id=parent.site_id,
        contract_id=parent.contract_id,
        channel=Channel.TELEPHONE,
        kind=TicketKind.MAINTENANCE,
        priority=MAINTENANCE_PRIORITY,
        category=parent.category,
        summary=follow_up.summary.strip(),
        opened_at=now,
        state=TicketState.NEW,
        response_due=windows[-1].end,
        resolution_due=windows[-1].end,
        follow_up_of=parent.id,
    )
    ticket_records.add(session, ticket)
    record(session, TICKET, parent.id, "follow_up", at=now, to_value=ticket.id, why=ticket.summary)
    ticket = move_ticket(
        session, ticket.id, TicketState.ONSITE_REQUIRED, now=now, why=f"follow-up of {parent.id}"
    )
    job = job_records.add(session, _visit(session, ticket, windows, follow_up.duration, now))
    return ticket, job


def _visit(
    session: Session,
    ticket: Ticket,
    windows: tuple[TimeWindow, ...],
    duration: timedelta | None,
    now: datetime,
) -> Job:
    category = ticket.category.strip().lower()
    skills = (SkillRequirement(category, 1),) if SkillRepository(session).get(category) else ()
    return Job(
        id=f"{ticket.id}-V1",
        ticket_id=ticket.id,
        site_id=ticket.site_id,
        duration=duration or maintenance_duration(learn_durations(session, now), category),
        priority=ticket.priority,
        required_skills=skills,
        windows=windows,
        sla_due=ticket.resolution_due,
        status=JobStatus.UNSCHEDULED,
    )


def maintenance_duration(model: DurationModel, category: str) -> timedelta:
    """The median maintenance visit of ``category`` learned from history, to the next 15 minutes."""
    learned = model.quantile(job_category(category, TicketKind.MAINTENANCE), None, 0.5)
    if learned is None:
        return DEFAULT_MAINTENANCE_VISIT
    quarters = -(-int(learned.total_seconds()) // 900)
    return timedelta(minutes=15 * max(1, quarters))


def _next_follow_up_id(session: Session, parent_id: str) -> str:
    """``<parent>-F<n>``: the closed ticket's n-th follow-up, the first n not taken."""
    tickets = TicketRepository(session)
    number = 1
    while tickets.get(f"{parent_id}-F{number}") is not None:
        number += 1
    return f"{parent_id}-F{number}"
