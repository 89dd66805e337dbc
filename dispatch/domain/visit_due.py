"""By when an onsite visit should start to keep its ticket's SLA: the one rule the planner and the reports
share.

The response target is met when a technician arrives on site (for a ticket not yet answered any other
way), the resolution target when the visit is completed. So a visit should start by the ticket's response
due time while the ticket awaits its first response, and early enough to end by its resolution due time.
A visit arriving or ending later is late on that target: the planner, the board's SLA outlook and the
list of tickets at risk all judge a visit by ``VisitDues``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatch.domain.jobs import Job
from dispatch.domain.tickets import Ticket


@dataclass(frozen=True, slots=True)
class VisitDues:
    """The SLA targets still open that a visit answers for."""

    response: datetime | None
    """Arrive by then: the ticket's response due time while it awaits its first response."""
    resolution: datetime | None
    """End by then: the resolution due time while the ticket is unresolved."""

    def late_by(self, arrival: datetime, end: datetime) -> tuple[timedelta | None, timedelta | None]:
        """How late a visit arriving at ``arrival`` and ending at ``end`` is on the response and on the
        resolution target (``None``: in time, or no such target open)."""
        return _late(arrival, self.response), _late(end, self.resolution)

    def is_late(self, arrival: datetime, end: datetime) -> bool:
        return any(late is not None for late in self.late_by(arrival, end))

    def slack(self, arrival: datetime, end: datetime) -> timedelta | None:
        """The time to spare on the nearer target (negative when late); ``None`` with no target open."""
        targets = ((self.response, arrival), (self.resolution, end))
        spare = [due - at for due, at in targets if due is not None]
        return min(spare, default=None)


def ticket_dues(ticket: Ticket) -> VisitDues:
    """The ticket's targets still open: the response until it has one, the resolution until resolved."""
    return VisitDues(
        response=ticket.response_due if ticket.responded_at is None else None,
        resolution=ticket.resolution_due if ticket.resolved_at is None else None,
    )


def visit_dues(job: Job, ticket: Ticket | None) -> VisitDues:
    """The targets a visit to ``job`` answers for; without its ticket, the job's own ``sla_due`` (the
    resolution due time it was given) stands for the ticket's."""
    return VisitDues(None, job.sla_due) if ticket is None else ticket_dues(ticket)


def visit_start_due(job: Job, ticket: Ticket | None) -> datetime | None:
    """The latest start that keeps every SLA target still open; ``None`` when the job has none."""
    dues = visit_dues(job, ticket)
    starts = [] if dues.response is None else [dues.response]
    if dues.resolution is not None:
        starts.append(dues.resolution - job.duration)
    return min(starts, default=None)


def visit_start_aim(
    job: Job, ticket: Ticket | None, work_begins: datetime, reserve: float
) -> datetime | None:
    """When a plan aims to begin the visit: as ``visit_start_due``, but with ``reserve`` of the time an
    open response is given kept in hand, for the overruns and traffic that push an arrival later the
    further ahead it lies (the response is judged at the arrival, while the end of a visit has its
    resolution target's hours of slack); ``None`` when the job has no SLA.

    The time given runs from the ticket's opening, or from ``work_begins`` (the working day's first shift)
    if later, to its response due time. It does not move as the day goes on: a plan made later aims at the
    same instant, so a response not yet reached grows more urgent (its lateness is priced from the aim)
    instead of being put off, re-plan after re-plan, towards its due time."""
    dues = visit_dues(job, ticket)
    starts = [] if dues.response is None else [_aimed(dues.response, _since(ticket, work_begins), reserve)]
    if dues.resolution is not None:
        starts.append(dues.resolution - job.duration)
    return min(starts, default=None)


def _since(ticket: Ticket | None, work_begins: datetime) -> datetime:
    return work_begins if ticket is None else max(ticket.opened_at, work_begins)


def _aimed(due: datetime, since: datetime, reserve: float) -> datetime:
    return due if due <= since else since + (due - since) * (1.0 - reserve)


def _late(at: datetime, due: datetime | None) -> timedelta | None:
    return None if due is None or at <= due else at - due
