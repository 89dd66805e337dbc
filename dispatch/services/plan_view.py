"""The day's plan as a dispatcher reads it: names, places, local times, SLA risk, and who could help.

The stored plan speaks in ids; a dispatcher reads "Ana Diaz, 09:40-10:25 at Acme Dental, 12 Main St,
P1, SLA due 11:00, at risk". A visit's SLA outlook follows the rule the planner and the list of tickets
at risk share (``VisitDues``): arrive by the response due time while the ticket awaits its response, end
by the resolution due time. This view joins the published plan to the day's facts (technicians, sites,
depots, tickets and contracts, the reports so far) once, so that the board, the map and any API client
read the same thing. Times of visits are the current estimates (the plan moved by the technicians'
reports, as customers see them), beside the times planned. Jobs left out carry their reason in plain
words and the technicians nearest them with what each lacks (``candidates``).

Filters narrow what is shown: a region (its technicians, and the jobs left out at its sites), a skill
(technicians holding it, jobs needing it), a priority and a contract tier (jobs). A visit of a shown
technician that a filter does not select stays on its row, marked as not matching, so a route is never
shown with holes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from dispatch.domain.contracts import Priority
from dispatch.domain.customers import Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.errors import DomainError
from dispatch.domain.jobs import Job, JobStatus
from dispatch.domain.plans import Plan, PlanChanges, PlannedRoute, VisitKind
from dispatch.domain.standby import StandbyCoverSegment
from dispatch.domain.technicians import Depot, Technician
from dispatch.domain.tickets import Ticket
from dispatch.domain.timezones import zone
from dispatch.domain.visit_due import VisitDues, visit_dues
from dispatch.persistence.repositories import RecordNotFound
from dispatch.persistence.repositories.visit_reports import VisitReportRepository
from dispatch.services.candidates import Candidate, depot_stock, nearest_candidates, reason_of
from dispatch.services.eta import Progress, StopProgress, arrival_window, estimate_route
from dispatch.services.plan_problem import on_call_shifts
from dispatch.services.plan_proposals import based_on, proposal
from dispatch.services.rest_of_day import LiveDay, load_plan_day
from dispatch.services.standby_cover import agreement_terms
from dispatch.services.standby_guard import plan_cover
from dispatch.services.summary import AT_RISK_THRESHOLD
from dispatch.services.tracking_estimates import planned_stops


class SlaOutlook(StrEnum):
    """How a job's SLA targets still open (``VisitDues``) look with the plan as it stands."""

    ON_TIME = "on_time"
    AT_RISK = "at_risk"
    """In time, with less than ``AT_RISK_THRESHOLD`` to spare on a target: arriving that close to the
    response due time, or ending that close to the resolution due time."""
    LATE = "late"
    """Planned to arrive after the response due time or to end after the resolution due time (or, left
    out, one of them already past)."""
    UNPLANNED = "unplanned"
    """Left out of the plan, not yet due."""


REASONS = {
    "no_skilled_technician": "Nobody has the skills it needs at the level asked.",
    "no_parts": "No technician with the skills can get the parts, from their van or a depot.",
    "out_of_reach": "Nobody with the skills and parts can get there within their shift and its time windows.",
    "pinned_technician_unable": "It is pinned to a technician who cannot do it.",
    "sla_unreachable": "Nobody can start it before its SLA falls due.",
    "capacity": "The technicians who could do it have no room left in their day.",
    "manual": "A dispatcher took it out of the plan.",
    "locked_elsewhere": "A locked day could not be kept with it.",
    "no_technician_on_shift": (
        "Nobody in its region works that day who may take it: on call is for urgent 24x7 work."
    ),
}
"""Each machine-readable reason a job is left out, in a dispatcher's words."""


@dataclass(frozen=True, slots=True)
class ViewFilters:
    region: str | None = None
    skill: str | None = None
    priority: Priority | None = None
    tier: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    address: str
    lat: float
    lon: float
    timezone: str


@dataclass(frozen=True, slots=True)
class StopView:
    """One stop of a route: a visit to a job's site or a pickup at a depot."""

    sequence: int
    kind: VisitKind
    job_id: str | None
    depot_id: str | None
    place: Place
    arrival: datetime
    start: datetime
    end: datetime
    """Estimated times: the plan moved by the reports so far."""
    planned_start: datetime
    planned_end: datetime
    travel_s: int
    distance_m: int
    progress: StopProgress
    priority: Priority | None = None
    ticket_id: str | None = None
    summary: str = ""
    sla_due: datetime | None = None
    response_due: datetime | None = None
    """The ticket's response due time while it awaits its response (met by arriving)."""
    sla: SlaOutlook | None = None
    window: tuple[datetime, datetime] | None = None
    """The customer's arrival window."""
    pinned: bool = False
    skills: Mapping[str, int] = field(default_factory=dict)
    """Skills the job needs, with the level asked."""
    parts_picked: Mapping[str, int] = field(default_factory=dict)
    matches: bool = True
    """Whether the filters select this stop's job (pickups always match)."""


@dataclass(frozen=True, slots=True)
class RouteView:
    start: datetime
    end: datetime
    travel_s: int
    distance_m: int
    overtime_s: int
    lunch: tuple[datetime, datetime] | None
    stops: tuple[StopView, ...]


@dataclass(frozen=True, slots=True)
class Position:
    """Where a technician was last known to be: the place of their last visit reported on."""

    lat: float
    lon: float
    at: datetime
    label: str


@dataclass(frozen=True, slots=True)
class TechnicianView:
    id: str
    name: str
    region: str
    timezone: str
    home: Place
    skills: Mapping[str, int]
    shift: tuple[datetime, datetime] | None
    lunch_window: tuple[datetime, datetime] | None
    locked: bool
    position: Position | None
    route: RouteView | None
    on_call: bool = False
    """Off today but on call: ``shift`` is the on-call period."""


@dataclass(frozen=True, slots=True)
class LeftOutView:
    """A job the plan leaves out, why, and who could take it."""

    job_id: str
    ticket_id: str
    priority: Priority
    summary: str
    tier: str
    place: Place
    region: str
    duration_s: int
    skills: Mapping[str, int]
    parts: Mapping[str, int]
    sla_due: datetime | None
    response_due: datetime | None
    sla: SlaOutlook
    reason: str
    reason_text: str
    detail: str
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class AtRiskView:
    """A planned visit late for an SLA target, or with little to spare, and who else could go."""

    job_id: str
    ticket_id: str
    priority: Priority
    place: Place
    technician_id: str
    technician_name: str
    arrival: datetime
    end: datetime
    response_due: datetime | None
    sla_due: datetime | None
    sla: SlaOutlook
    target: str
    """The target nearest to breaking: ``response`` (arrive by) or ``resolution`` (end by)."""
    due: datetime
    spare_s: int
    """Time to spare on that target; negative: how late."""
    candidates: tuple[Candidate, ...]
    """The other technicians nearest the site, with what each lacks."""


@dataclass(frozen=True, slots=True)
class DepotView:
    id: str
    place: Place


@dataclass(frozen=True, slots=True)
class Kpis:
    """The day at a glance, over the technicians and jobs shown."""

    planned_by_priority: Mapping[str, int]
    unassigned_by_priority: Mapping[str, int]
    sla_by_priority: Mapping[str, Mapping[str, int]]
    working_s: int
    travel_s: int
    service_s: int
    shift_s: int
    overtime_s: int

    @property
    def travel_share(self) -> float:
        """Travel as a share of working time (leaving home to coming back)."""
        return self.travel_s / self.working_s if self.working_s else 0.0

    @property
    def utilisation(self) -> float:
        """Time on site as a share of the shift time of the technicians shown who work today."""
        return self.service_s / self.shift_s if self.shift_s else 0.0


@dataclass(frozen=True, slots=True)
class ProposalView:
    """A proposed re-plan, shown in place of the plan in force until a dispatcher decides."""

    id: str
    based_on: str | None
    """The version of the plan in force it was made from."""
    stale: bool
    """The plan in force has changed since: accepting it will be refused."""
    solved_at: datetime
    in_force: Kpis
    """The plan in force's figures, under the same filters, to compare with the proposal's."""


@dataclass(frozen=True, slots=True)
class PlanDayView:
    day: date
    version: str
    created_at: datetime
    now: datetime
    display_timezone: str
    """The zone the board's timeline is drawn in: the region's, else the provider's."""
    filters: ViewFilters
    regions: tuple[str, ...]
    skills: tuple[str, ...]
    tiers: tuple[str, ...]
    technicians: tuple[TechnicianView, ...]
    left_out: tuple[LeftOutView, ...]
    depots: tuple[DepotView, ...]
    kpis: Kpis
    changes: PlanChanges | None
    locked: frozenset[str]
    proposal: ProposalView | None = None
    """Set when the view shows a proposed re-plan instead of the plan in force."""
    at_risk: tuple[AtRiskView, ...] = ()
    """Planned visits late or at risk on an SLA target, most urgent first, then the latest."""
    standby: tuple[StandbyCoverSegment, ...] = ()
    """Who covers which part of each standby agreement in the day's horizon, and the gaps."""
    standby_terms: Mapping[str, str] = field(default_factory=dict)
    """Each of those agreements' terms in words (site, skills, response time), by agreement id."""


def plan_day_view(
    session: Session,
    day: date,
    *,
    now: datetime | None = None,
    filters: ViewFilters | None = None,
    provider_timezone: str = "UTC",
    proposal_id: str | None = None,
) -> PlanDayView:
    """The published plan of ``day`` (or the proposal ``proposal_id`` in its place) as the board shows it;
    ``RecordNotFound`` when none is published."""
    view = published_view(
        session,
        day,
        now=now,
        filters=filters,
        provider_timezone=provider_timezone,
        proposal_id=proposal_id,
    )
    if view is None:
        raise RecordNotFound(f"no published plan for {day}; plan the day first")
    return view


def published_view(
    session: Session,
    day: date,
    *,
    now: datetime | None = None,
    filters: ViewFilters | None = None,
    provider_timezone: str = "UTC",
    proposal_id: str | None = None,
) -> PlanDayView | None:
    """The published plan of ``day`` as the board shows it; ``None`` when none is published.

    With ``proposal_id``, the proposed re-plan in its place, with the same figures of the plan in force
    beside it (``PlanDayView.proposal``); its version stays the plan in force's, which accepting it names.
    """
    now = now or datetime.now(UTC)
    filters = filters or ViewFilters()
    proposed = None if proposal_id is None else proposal(session, day, proposal_id)
    also = () if proposed is None else (*proposed.planned_job_ids, *(u.job_id for u in proposed.unplanned))
    live = load_plan_day(session, day, now, also=also)
    published = live.state.published
    if published is None:
        return None
    dataset = live.dataset
    regions = tuple(sorted({t.region for t in dataset.technicians}))
    if filters.region is not None and filters.region not in regions:
        raise DomainError(f"no region {filters.region!r}; the regions are {', '.join(regions) or 'none yet'}")
    shown = _Shown.of(session, live, now, filters, proposed or published)
    in_force = None
    if proposed is not None:
        kept = _Shown.of(session, live, now, filters, published)
        in_force = ProposalView(
            id=proposed.id,
            based_on=based_on(proposed),
            stale=based_on(proposed) != published.id,
            solved_at=proposed.created_at,
            in_force=_kpis(kept.technicians, kept.left_out),
        )
    return PlanDayView(
        day=day,
        version=published.id,
        created_at=(proposed or published).created_at,
        now=now,
        display_timezone=_display_timezone(dataset.technicians, filters.region, provider_timezone),
        filters=filters,
        regions=regions,
        skills=tuple(sorted({s.code for s in dataset.skills})),
        tiers=tuple(sorted({c.sla.tier for c in dataset.contracts})),
        technicians=shown.technicians,
        left_out=shown.left_out,
        depots=tuple(DepotView(d.id, _depot_place(d)) for d in sorted(dataset.depots, key=lambda d: d.id)),
        kpis=_kpis(shown.technicians, shown.left_out),
        changes=(proposed or published).changes,
        locked=live.kept.locked,
        proposal=in_force,
        at_risk=shown.at_risk,
        standby=tuple(plan_cover(dataset, proposed or published)),
        standby_terms=_standby_terms(dataset),
    )


def _standby_terms(dataset: Dataset) -> dict[str, str]:
    sites = {s.id: s for s in dataset.sites}
    return {
        a.id: agreement_terms(a, sites[a.site_id]) for a in dataset.standby_agreements if a.site_id in sites
    }


@dataclass(frozen=True, slots=True)
class _Shown:
    """A plan's rows and jobs left out, as the filters show them."""

    technicians: tuple[TechnicianView, ...]
    left_out: tuple[LeftOutView, ...]
    at_risk: tuple[AtRiskView, ...]

    @classmethod
    def of(cls, session: Session, live: LiveDay, now: datetime, filters: ViewFilters, plan: Plan) -> _Shown:
        dataset, day = live.dataset, live.day
        facts = _Facts.of(live)
        reports = VisitReportRepository(session).for_jobs(list(plan.planned_job_ids))
        progress: dict[str, list[Progress]] = {}
        for r in reports:
            progress.setdefault(r.technician_id, []).append(Progress.of(r))
        routes = {r.technician_id: r for r in plan.routes}
        shown = [t for t in dataset.technicians if _technician_matches(t, filters)]
        on_call = on_call_shifts(dataset, day)
        technicians = tuple(
            _technician_view(
                t, routes.get(t.id), facts, progress.get(t.id, []), live, filters, on_call.get(t.id)
            )
            for t in sorted(shown, key=lambda t: (t.region, t.name, t.id))
        )
        working = frozenset(t.id for t in dataset.technicians if t.calendar.shift_on(day) is not None)
        stock = depot_stock(dataset)
        left_out = tuple(
            _left_out_view(u.job_id, u.reason, u.detail, facts, day, now, working, stock, dataset.technicians)
            for u in plan.unplanned
            if u.job_id in facts.jobs and _job_matches(facts.jobs[u.job_id], facts, filters, by_region=True)
        )
        left_out = tuple(
            sorted(left_out, key=lambda j: (j.priority, j.sla_due or datetime.max.replace(tzinfo=UTC)))
        )
        at_risk = tuple(
            sorted(
                (
                    _at_risk_view(t, stop, facts, day, working, stock, dataset.technicians)
                    for t in technicians
                    if t.route is not None
                    for stop in t.route.stops
                    if stop.matches and stop.sla in (SlaOutlook.AT_RISK, SlaOutlook.LATE)
                ),
                key=lambda a: (a.priority, a.spare_s),
            )
        )
        return cls(technicians, left_out, at_risk)


@dataclass(frozen=True, slots=True)
class _Facts:
    jobs: Mapping[str, Job]
    sites: Mapping[str, Site]
    depots: Mapping[str, Depot]
    tickets: Mapping[str, Ticket]
    tier_of_ticket: Mapping[str, str]
    summary_of_ticket: Mapping[str, str]

    @classmethod
    def of(cls, live: LiveDay) -> _Facts:
        dataset = live.dataset
        contracts = {c.id: c for c in dataset.contracts}
        return cls(
            jobs={j.id: j for j in dataset.jobs},
            sites={s.id: s for s in dataset.sites},
            depots={d.id: d for d in dataset.depots},
            tickets={t.id: t for t in dataset.tickets},
            tier_of_ticket={
                t.id: contracts[t.contract_id].sla.tier for t in dataset.tickets if t.contract_id in contracts
            },
            summary_of_ticket={t.id: t.summary for t in dataset.tickets},
        )


def _site_place(site: Site) -> Place:
    return Place(
        site.name,
        f"{site.address}, {site.city}, {site.state}",
        site.location.lat,
        site.location.lon,
        site.timezone,
    )


def _depot_place(depot: Depot) -> Place:
    return Place(depot.name, depot.address, depot.location.lat, depot.location.lon, depot.timezone)


def _technician_matches(technician: Technician, filters: ViewFilters) -> bool:
    if filters.region is not None and technician.region != filters.region:
        return False
    return filters.skill is None or technician.skills.get(filters.skill, 0) > 0


def _job_matches(job: Job, facts: _Facts, filters: ViewFilters, *, by_region: bool) -> bool:
    if by_region and filters.region is not None and facts.sites[job.site_id].region != filters.region:
        return False
    if filters.priority is not None and job.priority is not filters.priority:
        return False
    if filters.skill is not None and filters.skill not in {s.skill for s in job.required_skills}:
        return False
    return filters.tier is None or facts.tier_of_ticket.get(job.ticket_id) == filters.tier


def _dues(job: Job, facts: _Facts) -> VisitDues:
    return visit_dues(job, facts.tickets.get(job.ticket_id))


def _outlook(dues: VisitDues, arrival: datetime, end: datetime) -> SlaOutlook | None:
    """Late or at risk by the shared rule; ``None`` when the job has no SLA target open."""
    spare = dues.slack(arrival, end)
    if spare is None:
        return None
    if dues.is_late(arrival, end):
        return SlaOutlook.LATE
    return SlaOutlook.AT_RISK if spare < AT_RISK_THRESHOLD else SlaOutlook.ON_TIME


def _technician_view(
    technician: Technician,
    route: PlannedRoute | None,
    facts: _Facts,
    progress: list[Progress],
    live: LiveDay,
    filters: ViewFilters,
    on_call: tuple[datetime, datetime] | None = None,
) -> TechnicianView:
    """``on_call``: the on-call period of a technician off today, shown (and counted) as their shift."""
    tz = zone(technician.timezone)
    shift = technician.calendar.shift_on(live.day)
    shift_span, lunch_window = on_call, None
    if shift is not None:
        shift_span = (
            datetime.combine(live.day, shift.start, tz).astimezone(UTC),
            datetime.combine(live.day, shift.end, tz).astimezone(UTC),
        )
        if shift.lunch is not None:
            lunch_window = (
                datetime.combine(live.day, shift.lunch.earliest, tz).astimezone(UTC),
                datetime.combine(live.day, shift.lunch.latest, tz).astimezone(UTC) + shift.lunch.duration,
            )
    home = Place(
        f"{technician.name} (home)",
        technician.home_address,
        technician.home.lat,
        technician.home.lon,
        technician.timezone,
    )
    route_view = None if route is None else _route_view(route, facts, progress, live, filters)
    return TechnicianView(
        id=technician.id,
        name=technician.name,
        region=technician.region,
        timezone=technician.timezone,
        home=home,
        skills=dict(technician.skills),
        shift=shift_span,
        lunch_window=lunch_window,
        locked=technician.id in live.kept.locked,
        position=_position(route_view),
        route=route_view,
        on_call=shift is None and on_call is not None,
    )


def _route_view(
    route: PlannedRoute, facts: _Facts, progress: list[Progress], live: LiveDay, filters: ViewFilters
) -> RouteView:
    estimates = {
        e.sequence: e for e in estimate_route(planned_stops(route, facts.jobs, facts.depots), progress)
    }
    stops = []
    pinned = live.kept.pinned_starts
    for visit in sorted(route.visits, key=lambda v: v.sequence):
        estimate = estimates[visit.sequence]
        if visit.job_id is not None and visit.job_id in facts.jobs:
            job = facts.jobs[visit.job_id]
            site = facts.sites[job.site_id]
            status = live.state.job_status.get(job.id)
            stop_progress = _progress_of(status, estimate.progress)
            dues = _dues(job, facts)
            stops.append(
                StopView(
                    sequence=visit.sequence,
                    kind=visit.kind,
                    job_id=job.id,
                    depot_id=None,
                    place=_site_place(site),
                    arrival=estimate.arrival,
                    start=estimate.start,
                    end=estimate.end,
                    planned_start=visit.start,
                    planned_end=visit.end,
                    travel_s=visit.travel_s,
                    distance_m=visit.distance_m,
                    progress=stop_progress,
                    priority=job.priority,
                    ticket_id=job.ticket_id,
                    summary=facts.summary_of_ticket.get(job.ticket_id, ""),
                    sla_due=job.sla_due,
                    response_due=dues.response,
                    sla=_outlook(dues, estimate.arrival, estimate.end),
                    window=arrival_window(estimate.start),
                    pinned=job.pinned_technician_id is not None or job.id in pinned,
                    skills={s.skill: s.min_level for s in job.required_skills},
                    matches=_job_matches(job, facts, filters, by_region=False),
                )
            )
        elif visit.depot_id is not None and visit.depot_id in facts.depots:
            stops.append(
                StopView(
                    sequence=visit.sequence,
                    kind=visit.kind,
                    job_id=None,
                    depot_id=visit.depot_id,
                    place=_depot_place(facts.depots[visit.depot_id]),
                    arrival=estimate.arrival,
                    start=estimate.start,
                    end=estimate.end,
                    planned_start=visit.start,
                    planned_end=visit.end,
                    travel_s=visit.travel_s,
                    distance_m=visit.distance_m,
                    progress=estimate.progress,
                    parts_picked=dict(visit.parts_picked),
                )
            )
    lunch = None
    if route.lunch_start is not None and route.lunch_end is not None:
        lunch = (route.lunch_start, route.lunch_end)
    planned_last = max((v.end for v in route.visits), default=route.end)
    estimated_last = max((s.end for s in stops), default=planned_last)
    return RouteView(
        start=route.start,
        end=route.end + max(timedelta(0), estimated_last - planned_last),
        travel_s=route.travel_s,
        distance_m=route.distance_m,
        overtime_s=route.overtime_s,
        lunch=lunch,
        stops=tuple(stops),
    )


def _progress_of(status: JobStatus | None, estimated: StopProgress) -> StopProgress:
    """The visit's progress by its job's status (the truth), else by the reports' estimate."""
    if status in (JobStatus.COMPLETED, JobStatus.INCOMPLETE):
        return StopProgress.DONE
    if status is JobStatus.ON_SITE:
        return StopProgress.ON_SITE
    if status is JobStatus.EN_ROUTE:
        return StopProgress.EN_ROUTE
    return estimated


def _position(route: RouteView | None) -> Position | None:
    """The place of the last visit reported on (on site or done there; en route: where they set off)."""
    if route is None:
        return None
    reached = [s for s in route.stops if s.progress in (StopProgress.ON_SITE, StopProgress.DONE)]
    if not reached:
        return None
    last = reached[-1]
    return Position(last.place.lat, last.place.lon, last.start, last.place.name)


def _left_out_view(
    job_id: str,
    reason: str,
    detail: str,
    facts: _Facts,
    day: date,
    now: datetime,
    working: frozenset[str],
    stock: Mapping[str, int],
    technicians: list[Technician],
) -> LeftOutView:
    job = facts.jobs[job_id]
    site = facts.sites[job.site_id]
    dues = _dues(job, facts)
    outlook = SlaOutlook.LATE if dues.is_late(now, now) else SlaOutlook.UNPLANNED
    return LeftOutView(
        job_id=job.id,
        ticket_id=job.ticket_id,
        priority=job.priority,
        summary=facts.summary_of_ticket.get(job.ticket_id, ""),
        tier=facts.tier_of_ticket.get(job.ticket_id, ""),
        place=_site_place(site),
        region=site.region,
        duration_s=int(job.duration.total_seconds()),
        skills={s.skill: s.min_level for s in job.required_skills},
        parts={p.sku: p.quantity for p in job.required_parts},
        sla_due=job.sla_due,
        response_due=dues.response,
        sla=outlook,
        reason=reason,
        reason_text=REASONS.get(reason, reason.replace("_", " ")),
        detail=reason_of(detail),
        candidates=tuple(nearest_candidates(job, site, technicians, stock, day, working, reason)),
    )


def _at_risk_view(
    technician: TechnicianView,
    stop: StopView,
    facts: _Facts,
    day: date,
    working: frozenset[str],
    stock: Mapping[str, int],
    technicians: list[Technician],
) -> AtRiskView:
    job = facts.jobs[str(stop.job_id)]
    dues = _dues(job, facts)
    targets = [
        (due - at, name, due)
        for name, due, at in (
            ("response", dues.response, stop.arrival),
            ("resolution", dues.resolution, stop.end),
        )
        if due is not None
    ]
    spare, target, due = min(targets)
    others = [t for t in technicians if t.id != technician.id]
    return AtRiskView(
        job_id=job.id,
        ticket_id=job.ticket_id,
        priority=job.priority,
        place=stop.place,
        technician_id=technician.id,
        technician_name=technician.name,
        arrival=stop.arrival,
        end=stop.end,
        response_due=dues.response,
        sla_due=job.sla_due,
        sla=stop.sla or SlaOutlook.AT_RISK,
        target=target,
        due=due,
        spare_s=int(spare.total_seconds()),
        candidates=tuple(
            nearest_candidates(job, facts.sites[job.site_id], others, stock, day, working, "sla_unreachable")
        ),
    )


def _kpis(technicians: tuple[TechnicianView, ...], left_out: tuple[LeftOutView, ...]) -> Kpis:
    planned: Counter[str] = Counter()
    sla: dict[str, Counter[str]] = {p.value: Counter() for p in Priority}
    working = travel = service = shift_s = overtime = 0
    for technician in technicians:
        route = technician.route
        if route is not None:
            working += int((route.end - route.start).total_seconds())
            travel += route.travel_s
            overtime += route.overtime_s
        if technician.shift is not None and route is not None:
            shift_s += int((technician.shift[1] - technician.shift[0]).total_seconds())
        for stop in route.stops if route is not None else ():
            if stop.job_id is None or stop.priority is None or not stop.matches:
                continue
            planned[stop.priority.value] += 1
            service += int((stop.end - stop.start).total_seconds())
            if stop.sla is not None:
                sla[stop.priority.value][stop.sla.value] += 1
    unassigned: Counter[str] = Counter()
    for job in left_out:
        unassigned[job.priority.value] += 1
        sla[job.priority.value][job.sla.value] += 1
    priorities = [p.value for p in Priority]
    return Kpis(
        planned_by_priority={p: planned[p] for p in priorities},
        unassigned_by_priority={p: unassigned[p] for p in priorities},
        sla_by_priority={p: {o.value: sla[p][o.value] for o in SlaOutlook} for p in priorities},
        working_s=working,
        travel_s=travel,
        service_s=service,
        shift_s=shift_s,
        overtime_s=overtime,
    )


def _display_timezone(technicians: list[Technician], region: str | None, provider: str) -> str:
    if region is None:
        return provider
    zones = Counter(t.timezone for t in technicians if t.region == region)
    return zones.most_common(1)[0][0] if zones else provider
