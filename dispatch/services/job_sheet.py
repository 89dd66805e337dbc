"""A technician's job sheet for a day: the published route with everything needed at each stop.

Times are shown in the local time of the place they happen (the site's, the depot's), because that is
what the customer and the clock on the wall say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from dispatch.domain.customers import Site
from dispatch.domain.jobs import Job, JobStatus
from dispatch.domain.plans import PlannedRoute, PlannedVisit, VisitKind
from dispatch.domain.procedures import Checklist
from dispatch.domain.technicians import Depot, Technician
from dispatch.domain.tickets import Ticket
from dispatch.domain.timezones import zone
from dispatch.domain.visit_due import VisitDues, visit_dues
from dispatch.persistence.repositories import (
    DepotRepository,
    JobRepository,
    PartRepository,
    SiteRepository,
    SkillRepository,
    TechnicianRepository,
    TicketRepository,
)
from dispatch.persistence.repositories.published_routes import published_route as route_of_technician
from dispatch.services.durations import DurationModel
from dispatch.services.procedures import checklists_of_jobs
from dispatch.services.tracking_estimates import StopOutlook, forecast_stored_route, window_moment


@dataclass(frozen=True, slots=True)
class PartLine:
    sku: str
    name: str
    quantity: int
    source: str
    """``van`` or ``depot`` (collected at a pickup stop earlier in the day)."""


@dataclass(frozen=True, slots=True)
class SkillLine:
    code: str
    name: str
    min_level: int


@dataclass(frozen=True, slots=True)
class SheetStop:
    """One stop: a customer visit (``kind == "job"``) or a depot pickup."""

    sequence: int
    kind: VisitKind
    arrival: datetime
    start: datetime
    end: datetime
    window_from: datetime
    window_to: datetime
    estimated_start: datetime
    place_name: str
    address: str
    lat: float
    lon: float
    timezone: str
    window_promised: bool = False
    """The window was told to the customer: the technician does not begin before it opens."""
    job_id: str | None = None
    ticket_id: str | None = None
    status: JobStatus | None = None
    summary: str = ""
    category: str = ""
    priority: str = ""
    sla_due: datetime | None = None
    """Resolve by then: the ticket's resolution due time while it is unresolved."""
    response_due: datetime | None = None
    """Arrive by then: the ticket's response due time while it awaits its first response."""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    access_notes: str = ""
    skills: tuple[SkillLine, ...] = ()
    parts: tuple[PartLine, ...] = ()
    checklist: Checklist | None = None
    """The procedure's steps for this visit and what is done (``None``: no procedure for its category)."""

    @property
    def after_sla(self) -> bool:
        """Whether the visit is planned to arrive after the response due time or end after the resolution
        due time (the rule the planner and the board share)."""
        return VisitDues(self.response_due, self.sla_due).is_late(self.arrival, self.end)

    @property
    def maps_url(self) -> str:
        """Opens directions in the phone's maps application (Google Maps' universal link)."""
        return f"https://www.google.com/maps/search/?api=1&query={self.lat:.6f},{self.lon:.6f}"

    @property
    def geo_uri(self) -> str:
        """RFC 5870 ``geo:`` link, which Android hands to any installed maps application."""
        return f"geo:{self.lat:.6f},{self.lon:.6f}"


@dataclass(frozen=True, slots=True)
class JobSheet:
    technician_id: str
    technician_name: str
    day: date
    timezone: str
    plan_id: str
    starts: datetime
    ends: datetime
    stops: tuple[SheetStop, ...]
    lunch_start: datetime | None = None
    lunch_end: datetime | None = None
    lunch_before: int | None = None
    """The sequence of the first stop after the lunch break (``None``: after the last stop)."""


def published_route(session: Session, technician: Technician, day: date) -> tuple[str, PlannedRoute] | None:
    """The plan id and the technician's route in the plan published for ``day``."""
    return route_of_technician(session, technician.id, day)


def job_sheet(
    session: Session,
    technician_id: str,
    day: date,
    *,
    durations: DurationModel | None = None,
    now: datetime | None = None,
) -> JobSheet | None:
    """The sheet of ``technician_id`` for ``day``, or ``None`` when no published plan gives them work.

    ``durations``: the learned model to draw arrival windows from (default: learned now); ``now``: the
    moment the windows are for, when it is that day (default: as of the last report).
    """
    technician = TechnicianRepository(session).get(technician_id)
    if technician is None:
        return None
    found = published_route(session, technician, day)
    if found is None:
        return None
    plan_id, route = found
    jobs = {j.id: j for j in JobRepository(session).get_many(list(route.job_ids))}
    tickets = {t.id: t for t in TicketRepository(session).get_many([j.ticket_id for j in jobs.values()])}
    sites = {s.id: s for s in SiteRepository(session).get_many([j.site_id for j in jobs.values()])}
    depot_ids = [v.depot_id for v in route.visits if v.depot_id is not None]
    depots = {d.id: d for d in DepotRepository(session).get_many(depot_ids)}
    skus = sorted(
        {need.sku for job in jobs.values() for need in job.required_parts}
        | {sku for visit in route.visits for sku in visit.parts_picked}
    )
    codes = sorted({need.skill for job in jobs.values() for need in job.required_skills})
    part_names = {p.sku: p.name for p in PartRepository(session).get_many(skus)}
    skill_names = {s.code: s.name for s in SkillRepository(session).get_many(codes)}
    checklists = checklists_of_jobs(session, list(jobs.values()), tickets)
    outlooks = {
        o.estimate.sequence: o
        for o in forecast_stored_route(
            session,
            route,
            jobs=jobs,
            depots=depots,
            tickets=tickets,
            durations=durations,
            as_of=window_moment(now, day, technician.timezone),
            day=day,
        )
    }
    van = dict(technician.van_stock)
    collected: dict[str, int] = {}
    stops = []
    for visit in route.visits:
        outlook = outlooks[visit.sequence]
        if visit.kind is VisitKind.DEPOT_PICKUP and visit.depot_id in depots:
            for sku, quantity in visit.parts_picked.items():
                collected[sku] = collected.get(sku, 0) + quantity
            stops.append(_depot_stop(visit, outlook, depots[visit.depot_id], part_names))
        elif visit.job_id in jobs:
            job = jobs[visit.job_id]
            site = sites[job.site_id]
            ticket = tickets.get(job.ticket_id)
            stops.append(
                _job_stop(
                    visit,
                    outlook,
                    job,
                    site,
                    summary=ticket.summary if ticket else "",
                    category=ticket.category if ticket else "",
                    parts=_parts_for(job, van, collected, part_names),
                    skills=tuple(
                        SkillLine(r.skill, skill_names.get(r.skill, r.skill), r.min_level)
                        for r in job.required_skills
                    ),
                    checklist=checklists.get(job.id),
                    ticket=ticket,
                )
            )
    home = technician.timezone
    return JobSheet(
        technician_id=technician.id,
        technician_name=technician.name,
        day=day,
        timezone=home,
        plan_id=plan_id,
        starts=_local(route.start, home),
        ends=_local(route.end, home),
        stops=tuple(stops),
        lunch_start=None if route.lunch_start is None else _local(route.lunch_start, home),
        lunch_end=None if route.lunch_end is None else _local(route.lunch_end, home),
        lunch_before=_stop_after_lunch(route),
    )


def _stop_after_lunch(route: PlannedRoute) -> int | None:
    """Lunch is shown before the first stop that begins after it starts."""
    if route.lunch_start is None:
        return None
    after = [v.sequence for v in route.visits if v.start >= route.lunch_start]
    return after[0] if after else None


def _parts_for(
    job: Job, van: dict[str, int], collected: dict[str, int], names: dict[str, str]
) -> tuple[PartLine, ...]:
    """Parts for ``job``: from the van while it has them, the rest from what was collected at a depot."""
    lines = []
    for need in job.required_parts:
        from_van = min(van.get(need.sku, 0), need.quantity)
        van[need.sku] = van.get(need.sku, 0) - from_van
        rest = need.quantity - from_van
        from_depot = min(collected.get(need.sku, 0), rest)
        collected[need.sku] = collected.get(need.sku, 0) - from_depot
        name = names.get(need.sku, need.sku)
        if from_van:
            lines.append(PartLine(need.sku, name, from_van, "van"))
        if rest:
            lines.append(PartLine(need.sku, name, rest, "depot"))
    return tuple(lines)


def _local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(zone(timezone))


def _job_stop(
    visit: PlannedVisit,
    outlook: StopOutlook,
    job: Job,
    site: Site,
    *,
    summary: str,
    category: str,
    parts: tuple[PartLine, ...],
    skills: tuple[SkillLine, ...],
    checklist: Checklist | None = None,
    ticket: Ticket | None = None,
) -> SheetStop:
    tz = site.timezone
    dues = visit_dues(job, ticket)
    low, high = outlook.window.opens_at, outlook.window.closes_at
    return SheetStop(
        sequence=visit.sequence,
        kind=visit.kind,
        arrival=_local(visit.arrival, tz),
        start=_local(visit.start, tz),
        end=_local(visit.end, tz),
        window_from=_local(low, tz),
        window_to=_local(high, tz),
        estimated_start=_local(outlook.estimate.start, tz),
        window_promised=outlook.promised,
        place_name=site.name,
        address=f"{site.address}, {site.city}, {site.state} {site.postcode}",
        lat=site.location.lat,
        lon=site.location.lon,
        timezone=tz,
        job_id=job.id,
        ticket_id=job.ticket_id,
        status=job.status,
        summary=summary,
        category=category,
        priority=job.priority.value,
        sla_due=None if dues.resolution is None else _local(dues.resolution, tz),
        response_due=None if dues.response is None else _local(dues.response, tz),
        contact_name=site.contact.name,
        contact_phone=site.contact.phone,
        contact_email=site.contact.email,
        access_notes=site.access_notes,
        skills=skills,
        parts=parts,
        checklist=checklist,
    )


def _depot_stop(visit: PlannedVisit, outlook: StopOutlook, depot: Depot, names: dict[str, str]) -> SheetStop:
    tz = depot.timezone
    low, high = outlook.window.opens_at, outlook.window.closes_at
    return SheetStop(
        sequence=visit.sequence,
        kind=visit.kind,
        arrival=_local(visit.arrival, tz),
        start=_local(visit.start, tz),
        end=_local(visit.end, tz),
        window_from=_local(low, tz),
        window_to=_local(high, tz),
        estimated_start=_local(outlook.estimate.start, tz),
        place_name=depot.name,
        address=depot.address,
        lat=depot.location.lat,
        lon=depot.location.lon,
        timezone=tz,
        parts=tuple(
            PartLine(sku, names.get(sku, sku), quantity, "depot")
            for sku, quantity in sorted(visit.parts_picked.items())
        ),
    )
