"""Customers' tracking links: create one for a ticket, and read the little a customer may see through it.

The token is ``secrets.token_urlsafe(32)`` (256 random bits), shown once; only its SHA-256 is stored, so
a copy of the database opens no links. A link shows the visit's status, its arrival window and the
technician's first name, and closes a grace period after the visit is completed or cancelled.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from dispatch.domain.jobs import JobStatus
from dispatch.domain.progress import ReportKind
from dispatch.domain.timezones import zone
from dispatch.domain.tracking import TrackingLink
from dispatch.persistence.repositories import SiteRepository, TicketRepository
from dispatch.persistence.repositories.published_routes import (
    JobState,
    Placement,
    job_states_of_ticket,
    placements,
    route_in_plan,
    technician_header,
)
from dispatch.persistence.repositories.tracking_links import TrackingLinkRepository
from dispatch.persistence.repositories.visit_reports import VisitReportRepository
from dispatch.services.sheet_cache import SheetCache
from dispatch.services.tracking_estimates import forecast_stored_route, window_moment

GRACE_AFTER_CLOSING = timedelta(hours=2)
"""How long a link still shows a completed or cancelled visit: long enough to see that it is done."""
LINK_LIFETIME = timedelta(days=14)
"""The longest a link lives, whatever happens to the ticket."""

_CLOSED = frozenset({JobStatus.COMPLETED, JobStatus.CANCELLED})
_STATUS_TEXT = {
    JobStatus.UNSCHEDULED: "Being scheduled",
    JobStatus.PLANNED: "Scheduled",
    JobStatus.EN_ROUTE: "Technician on the way",
    JobStatus.ON_SITE: "Technician on site",
    JobStatus.COMPLETED: "Visit completed",
    JobStatus.INCOMPLETE: "Visit not completed: we will arrange another",
    JobStatus.CANCELLED: "Visit cancelled",
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_tracking_link(session: Session, *, ticket_id: str, created_by: str, now: datetime) -> str:
    """A new token for ``ticket_id`` (``RecordNotFound`` if there is no such ticket); shown only once."""
    TicketRepository(session).require(ticket_id)
    token = secrets.token_urlsafe(32)
    TrackingLinkRepository(session).add(
        TrackingLink(
            token_sha256=token_hash(token),
            ticket_id=ticket_id,
            created_by=created_by,
            created_at=now,
            expires_at=now + LINK_LIFETIME,
        )
    )
    return token


@dataclass(frozen=True, slots=True)
class TrackingView:
    """All a customer sees: no ids, no addresses, no other customer, only a technician's first name."""

    status: str
    status_text: str
    day: date | None = None
    window_from: datetime | None = None
    window_to: datetime | None = None
    technician_first_name: str = ""
    window_promised: bool = False
    """The window was told to the customer as a promise; until then it is the current estimate."""


def tracking_view(
    session: Session, token: str, now: datetime, *, sheets: SheetCache | None = None
) -> TrackingView | None:
    """What the link shows now, or ``None`` for an unknown or expired token.

    With ``sheets``, the window is read from the technician's cached sheet (the same estimate), so a
    polling page costs a few narrow queries rather than assembling the route again.
    """
    link = TrackingLinkRepository(session).by_hash(token_hash(token))
    if link is None or now >= link.expires_at:
        return None
    jobs = job_states_of_ticket(session, link.ticket_id)
    found = _job_on_published_route(session, jobs)
    if found is None:
        if jobs and all(j.status in _CLOSED for j in jobs) and _closed_long_ago(session, jobs, now):
            return None
        return TrackingView(status="unscheduled", status_text=_STATUS_TEXT[JobStatus.UNSCHEDULED])
    job, placement = found
    if job.status in _CLOSED and _closed_long_ago(session, [job], now):
        return None
    if job.status not in (JobStatus.PLANNED, JobStatus.EN_ROUTE):
        technician = technician_header(session, placement.technician_id)
        return TrackingView(
            status=job.status.value,
            status_text=_STATUS_TEXT[job.status],
            day=placement.day,
            technician_first_name=technician.first_name if technician else "",
        )
    estimated = None if sheets is None else _estimate_from_sheet(session, sheets, job, placement)
    if estimated is None:
        estimated = _estimate_from_route(session, job, placement, sheets, now)
    low, high, timezone, first_name, promised = estimated
    local = zone(timezone)
    return TrackingView(
        status=job.status.value,
        status_text=_STATUS_TEXT[job.status],
        day=low.astimezone(local).date(),
        window_from=low.astimezone(local),
        window_to=high.astimezone(local),
        technician_first_name=first_name,
        window_promised=promised,
    )


_Estimated = tuple[datetime, datetime, str, str, bool]
"""The visit's arrival window, its site's time zone, the technician's first name, and whether the window
was promised."""


def _estimate_from_sheet(
    session: Session, sheets: SheetCache, job: JobState, placement: Placement
) -> _Estimated | None:
    """From the technician's sheet of the day, if it shows the plan that places this visit."""
    found = sheets.lookup(session, placement.technician_id, placement.day)
    if found is None or found.sheet is None or found.sheet.plan_id != placement.plan_id:
        return None
    stop = next((s for s in found.sheet.stops if s.job_id == job.id), None)
    if stop is None:
        return None
    return stop.window_from, stop.window_to, stop.timezone, found.technician.first_name, stop.window_promised


def _estimate_from_route(
    session: Session, job: JobState, placement: Placement, sheets: SheetCache | None, now: datetime
) -> _Estimated:
    """From the route in the placing plan and the reports so far, as the job sheet computes it."""
    route = route_in_plan(session, placement.plan_id, placement.technician_id)
    assert route is not None, "a placed visit has a route"
    durations = None if sheets is None else sheets.durations.current(session, now)
    technician = technician_header(session, placement.technician_id)
    as_of = None if technician is None else window_moment(now, placement.day, technician.timezone)
    outlook = next(
        o
        for o in forecast_stored_route(session, route, durations=durations, as_of=as_of, day=placement.day)
        if o.estimate.job_id == job.id
    )
    site = SiteRepository(session).require(job.site_id)
    first_name = technician.first_name if technician else ""
    window = outlook.window
    return window.opens_at, window.closes_at, site.timezone, first_name, outlook.promised


def _job_on_published_route(session: Session, jobs: list[JobState]) -> tuple[JobState, Placement] | None:
    """The ticket's visit a customer follows: the one in the latest published plan, open ones first."""
    latest: dict[str, Placement] = {}
    for placement in placements(session, [job.id for job in jobs]):
        latest.setdefault(placement.job_id, placement)
    candidates = [
        (job.status not in _CLOSED, latest[job.id].day, job, latest[job.id])
        for job in jobs
        if job.id in latest
    ]
    if not candidates:
        return None
    _, _, job, placement = max(candidates, key=lambda c: (c[0], c[1]))
    return job, placement


def _closed_long_ago(session: Session, jobs: list[JobState], now: datetime) -> bool:
    """Whether the last of these visits closed more than the grace period ago (unknown: yes)."""
    closing = [
        r.reported_at
        for r in VisitReportRepository(session).for_jobs([j.id for j in jobs])
        if r.kind in (ReportKind.COMPLETED,)
    ]
    if not closing:
        return True
    return now >= max(closing) + GRACE_AFTER_CLOSING
