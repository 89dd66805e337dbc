"""What has happened on a day so far: the facts every re-plan starts from.

A visit that is done (completed or could not be completed) or under way (en route, on site) is a fact, not
a proposal: it stays on its technician's route with the times it happened at (or, under way, the times now
expected), together with the depot pickups made before it. The rest of the route is what a re-plan may
change, and it starts where and when the technician is free: at the site of their last visit done or under
way, when it ends, or at home at the start of their shift, never before ``now``.

Pure functions over domain objects, so the planner, the edits and the tests read the same truth.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from dispatch.domain.customers import Site
from dispatch.domain.jobs import Job, JobStatus
from dispatch.domain.plans import Plan, PlannedRoute, PlannedVisit, VisitKind
from dispatch.domain.progress import VisitReport
from dispatch.domain.technicians import Depot
from dispatch.services.eta import Progress, StopEstimate, estimate_route
from dispatch.services.tracking_estimates import planned_stops

UNDER_WAY = frozenset({JobStatus.EN_ROUTE, JobStatus.ON_SITE})
DONE = frozenset({JobStatus.COMPLETED, JobStatus.INCOMPLETE})
STARTED = UNDER_WAY | DONE
"""Job statuses that make a visit a fact of the day: it stays where it happened."""


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """Where a technician is free for the rest of the day, and from when."""

    lat: float
    lon: float
    at: datetime


@dataclass(frozen=True, slots=True)
class StartedRoute:
    """A technician's route of which some visits are done or under way."""

    technician_id: str
    published: PlannedRoute
    kept: tuple[PlannedVisit, ...]
    """Visits done or under way and the pickups before them, in order, with their actual or expected times."""
    free: Whereabouts
    picked: Mapping[str, int] = field(default_factory=dict)
    """Parts collected at the kept pickups: on the van now, unless a kept job used them."""
    used: Mapping[str, int] = field(default_factory=dict)
    """Parts the kept jobs need: used, or about to be (none for a visit that could not be completed)."""

    @property
    def lunch_taken(self) -> bool:
        """Whether the published break lies before the technician is free (so it is behind them)."""
        return self.published.lunch_start is not None and self.published.lunch_start < self.free.at

    @property
    def kept_job_ids(self) -> tuple[str, ...]:
        return tuple(v.job_id for v in self.kept if v.job_id is not None)

    def van_stock(self, loaded: Mapping[str, int]) -> dict[str, int]:
        """What is on the van for the rest of the day: the loaded stock plus pickups, less what was used."""
        stock = dict(loaded)
        for sku, quantity in self.picked.items():
            stock[sku] = stock.get(sku, 0) + quantity
        for sku, quantity in self.used.items():
            stock[sku] = max(0, stock.get(sku, 0) - quantity)
        return {sku: quantity for sku, quantity in stock.items() if quantity > 0}


@dataclass(frozen=True, slots=True)
class DayState:
    """The published plan of a day and what has happened on it by ``now``."""

    day: date
    now: datetime
    published: Plan | None
    started: Mapping[str, StartedRoute]
    job_status: Mapping[str, JobStatus]
    started_job_ids: frozenset[str]
    """Jobs done or under way, wherever they are (from ``job_status``)."""

    @property
    def fixed_job_ids(self) -> frozenset[str]:
        """Jobs done or under way on a published route: no re-plan or edit moves them."""
        return frozenset(job_id for route in self.started.values() for job_id in route.kept_job_ids)

    def technician_of(self, job_id: str) -> str | None:
        """The technician whose route keeps ``job_id`` (done or under way), if any."""
        return next((t for t, route in self.started.items() if job_id in route.kept_job_ids), None)

    def depot_taken(self) -> dict[tuple[str, str], int]:
        """Parts already collected from each depot by kept pickups: (depot id, sku) -> quantity."""
        taken: dict[tuple[str, str], int] = {}
        for route in self.started.values():
            for visit in route.kept:
                if visit.depot_id is not None:
                    for sku, quantity in visit.parts_picked.items():
                        key = (visit.depot_id, sku)
                        taken[key] = taken.get(key, 0) + quantity
        return taken

    def rest_stops(self, route: PlannedRoute) -> list[str]:
        """The stops of ``route`` a re-plan may change, in order (job ids, ``depot:<id>``): jobs not yet
        started, and the pickups after the last job started."""
        last = self._last_started(route)
        return [
            v.job_id or f"depot:{v.depot_id}"
            for k, v in enumerate(_in_order(route))
            if (v.job_id is None and k > last)
            or (v.job_id is not None and v.job_id not in self._started_jobs)
        ]

    def upcoming_pickups(self, route: PlannedRoute) -> list[PlannedVisit]:
        """The pickups of ``route`` still ahead of its technician."""
        last = self._last_started(route)
        return [v for k, v in enumerate(_in_order(route)) if v.depot_id is not None and k > last]

    @property
    def _started_jobs(self) -> frozenset[str]:
        return self.started_job_ids

    def _last_started(self, route: PlannedRoute) -> int:
        started = self._started_jobs
        return max((k for k, v in enumerate(_in_order(route)) if v.job_id in started), default=-1)


def _in_order(route: PlannedRoute) -> list[PlannedVisit]:
    return sorted(route.visits, key=lambda v: v.sequence)


def day_state(
    day: date,
    now: datetime,
    published: Plan | None,
    jobs: Mapping[str, Job],
    reports: Iterable[VisitReport],
    sites: Mapping[str, Site],
    depots: Mapping[str, Depot],
) -> DayState:
    """The facts of ``day`` at ``now``: each published route's visits done or under way, and where its
    technician is free."""
    status = {job_id: job.status for job_id, job in jobs.items()}
    by_technician: dict[str, list[VisitReport]] = {}
    for report in reports:
        by_technician.setdefault(report.technician_id, []).append(report)
    started: dict[str, StartedRoute] = {}
    for route in published.routes if published else ():
        found = _started_route(route, now, jobs, by_technician.get(route.technician_id, []), sites, depots)
        if found is not None:
            started[route.technician_id] = found
    begun = frozenset(j for j, s in status.items() if s in STARTED)
    return DayState(
        day=day, now=now, published=published, started=started, job_status=status, started_job_ids=begun
    )


def _started_route(
    route: PlannedRoute,
    now: datetime,
    jobs: Mapping[str, Job],
    reports: list[VisitReport],
    sites: Mapping[str, Site],
    depots: Mapping[str, Depot],
) -> StartedRoute | None:
    visits = _in_order(route)
    last = max(
        (k for k, v in enumerate(visits) if v.job_id is not None and _started(jobs.get(v.job_id))),
        default=None,
    )
    if last is None:
        return None
    estimates = {
        e.sequence: e
        for e in estimate_route(
            planned_stops(route, jobs, depots),
            [Progress.of(r) for r in reports],
        )
    }
    kept: list[PlannedVisit] = []
    picked: dict[str, int] = {}
    used: dict[str, int] = {}
    for visit in visits[: last + 1]:
        if visit.job_id is not None and not _started(jobs.get(visit.job_id)):
            continue  # skipped on the way: back to be planned
        estimate = estimates[visit.sequence]
        status = None if visit.job_id is None else jobs[visit.job_id].status
        under_way = status in UNDER_WAY
        on_the_way = status is JobStatus.EN_ROUTE
        kept.append(_as_happened(visit, estimate, len(kept) + 1, now if under_way else None, on_the_way))
        for sku, quantity in visit.parts_picked.items():
            picked[sku] = picked.get(sku, 0) + quantity
        if visit.job_id is not None and jobs[visit.job_id].status is not JobStatus.INCOMPLETE:
            for need in jobs[visit.job_id].required_parts:  # a visit not completed used none
                used[need.sku] = used.get(need.sku, 0) + need.quantity
    kept = _before_what_followed(kept)
    end = kept[-1]
    lat, lon = _place(end, jobs, sites, depots)
    return StartedRoute(
        technician_id=route.technician_id,
        published=route,
        kept=tuple(kept),
        free=Whereabouts(lat, lon, max(end.end, now)),  # idle since: free from now, not before
        picked=picked,
        used=used,
    )


def _before_what_followed(kept: list[PlannedVisit]) -> list[PlannedVisit]:
    """The kept visits with each one over by the time the technician reached the next: a pickup on the
    way is only expected, and an arrival reported sooner than expected means it took less time."""
    ordered = list(kept)
    for k in range(len(ordered) - 2, -1, -1):
        visit, reached = ordered[k], ordered[k + 1].arrival
        if visit.end > reached:
            end = reached
            start = min(visit.start, end)
            ordered[k] = dataclasses.replace(visit, arrival=min(visit.arrival, start), start=start, end=end)
    return ordered


def _started(job: Job | None) -> bool:
    return job is not None and job.status in STARTED


def _as_happened(
    visit: PlannedVisit,
    estimate: StopEstimate,
    sequence: int,
    under_way_at: datetime | None,
    on_the_way: bool = False,
) -> PlannedVisit:
    """The visit with the times reported (or, under way, expected: never ending before ``under_way_at``,
    and, on the way, not reached before it: an arrival expected earlier is overdue, not past)."""
    if on_the_way and under_way_at is not None and estimate.arrival < under_way_at:
        start = max(estimate.start, under_way_at)
        end = start + (estimate.end - estimate.start)
        estimate = dataclasses.replace(estimate, arrival=under_way_at, start=start, end=end)
    end = estimate.end if under_way_at is None else max(estimate.end, under_way_at)
    start = min(estimate.start, end)
    arrival = min(estimate.arrival, start)
    return PlannedVisit(
        sequence=sequence,
        kind=visit.kind,
        arrival=arrival,
        start=start,
        end=end,
        travel_s=visit.travel_s,
        distance_m=visit.distance_m,
        job_id=visit.job_id,
        depot_id=visit.depot_id,
        parts_picked=dict(visit.parts_picked),
        sla_lateness_s=visit.sla_lateness_s,
    )


def _place(
    visit: PlannedVisit, jobs: Mapping[str, Job], sites: Mapping[str, Site], depots: Mapping[str, Depot]
) -> tuple[float, float]:
    if visit.kind is VisitKind.DEPOT_PICKUP and visit.depot_id is not None:
        location = depots[visit.depot_id].location
    else:
        location = sites[jobs[str(visit.job_id)].site_id].location
    return location.lat, location.lon
