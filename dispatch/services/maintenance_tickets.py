"""Opening planned maintenance: a maintenance ticket and its visit, bookable over the next working days.

Follow-ups of closed tickets and the checks contracts include both open maintenance this one way: the
ticket goes straight to ``onsite_required`` (planned work needs no remote attempt), its due times are the
end of the booking window, and its visit carries one window per allowed day for the week plan to book.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dispatch.domain.contracts import Priority
from dispatch.domain.customers import Site
from dispatch.domain.jobs import Job, JobStatus, SkillRequirement
from dispatch.domain.maintenance import booking_windows
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState
from dispatch.services.durations import DurationModel, job_category
from dispatch.services.jobs import job_records
from dispatch.services.ticket_lifecycle import move_ticket
from dispatch.services.ticket_records import build_ticket
from dispatch.services.tickets import ticket_records

DEFAULT_MAINTENANCE_VISIT = timedelta(hours=2)
"""A maintenance visit's length when history has nothing learned for its category."""
MAINTENANCE_PRIORITY = Priority.P4


@dataclass(frozen=True, slots=True)
class MaintenanceRequest:
    """What to open: where, under which contract, which trade, what to do, over how many working days
    from tomorrow, how long on site, the skills it needs, and why (for the audit trail)."""

    ticket_id: str
    site: Site
    contract_id: str
    category: str
    summary: str
    within_working_days: int
    duration: timedelta
    skills: tuple[SkillRequirement, ...]
    why: str
    follow_up_of: str | None = None


def open_maintenance(session: Session, request: MaintenanceRequest, *, now: datetime) -> tuple[Ticket, Job]:
    """Store the maintenance ticket and its visit (the caller commits)."""
    site = request.site
    first = (now.astimezone(ZoneInfo(site.timezone)) + timedelta(days=1)).date()
    windows = booking_windows(site, first, request.within_working_days)
    ticket = build_ticket(
        session,
        ticket_id=request.ticket_id,
        site_id=site.id,
        contract_id=request.contract_id,
        channel=Channel.TELEPHONE,
        kind=TicketKind.MAINTENANCE,
        priority=MAINTENANCE_PRIORITY,
        category=request.category,
        summary=request.summary,
        opened_at=now,
        state=TicketState.NEW,
        response_due=windows[-1].end,
        resolution_due=windows[-1].end,
        follow_up_of=request.follow_up_of,
    )
    ticket_records.add(session, ticket)
    ticket = move_ticket(session, ticket.id, TicketState.ONSITE_REQUIRED, now=now, why=request.why)
    job = Job(
        id=f"{ticket.id}-V1",
        ticket_id=ticket.id,
        site_id=site.id,
        duration=request.duration,
        priority=ticket.priority,
        required_skills=request.skills,
        windows=windows,
        sla_due=ticket.resolution_due,
        status=JobStatus.UNSCHEDULED,
    )
    return ticket, job_records.add(session, job)


def maintenance_duration(model: DurationModel, category: str) -> timedelta:
    """The median maintenance visit of ``category`` learned from history, to the next 15 minutes."""
    learned = model.quantile(job_category(category, TicketKind.MAINTENANCE), None, 0.5)
    if learned is None:
        return DEFAULT_MAINTENANCE_VISIT
    quarters = -(-int(learned.total_seconds()) // 900)
    return timedelta(minutes=15 * max(1, quarters))
