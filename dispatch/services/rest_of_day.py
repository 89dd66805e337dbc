"""The rest of a day as the optimizer's problem: what a plan may still decide, from where things stand.

Each technician starts where and when they are free (``day_state``: after their last visit done or under
way, or at home at the start of the shift), with the parts on the van and the lunch break still ahead. A
visit nobody has reported on keeps to the plan, as the arrival estimates do. Jobs done or under way are
not in the problem: they are facts. Routes outside the scope of a regional plan are left as published,
and the depot stock they and the morning's pickups collect is not promised again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

import optimizer as opt
from dispatch.config import get_settings
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import TimeWindow
from dispatch.domain.plans import Plan, PlannedRoute, UnplannedJob
from dispatch.domain.promises import ArrivalPromise, windows_kept
from dispatch.persistence.dataset_store import load_day_dataset
from dispatch.persistence.repositories import PlanRepository
from dispatch.persistence.repositories.arrival_promises import ArrivalPromiseRepository
from dispatch.persistence.repositories.plan_jobs import DayLockRepository, PinnedStartRepository
from dispatch.persistence.repositories.visit_reports import VisitReportRepository
from dispatch.services.day_state import STARTED, UNDER_WAY, DayState, StartedRoute, day_state
from dispatch.services.eta import arrival_window
from dispatch.services.plan_problem import HORIZON, PLANNABLE, PlanningProblem, SkippedJob, build_problem

PINNED_START_WINDOW = timedelta(minutes=1)
"""A pinned start is the job's only window, this long, so the visit starts at the minute pinned."""
DEPOT_STOP = "depot:"


@dataclass(frozen=True, slots=True)
class KeptDay:
    """What a day must keep: technicians locked and starts pinned by dispatchers, windows promised to
    customers."""

    locked: frozenset[str] = frozenset()
    pinned_starts: Mapping[str, datetime] = dataclasses.field(default_factory=dict)
    promises: Mapping[str, ArrivalPromise] = dataclasses.field(default_factory=dict)
    """The arrival windows customers were told for the day, by job id: a re-plan keeps them."""


@dataclass(frozen=True, slots=True)
class LiveDay:
    """Everything a plan of the day is built from, read in one transaction."""

    dataset: Dataset
    state: DayState
    kept: KeptDay

    @property
    def day(self) -> date:
        return self.state.day

    @classmethod
    def unstarted(cls, dataset: Dataset, day: date, now: datetime, kept: KeptDay | None = None) -> LiveDay:
        """A day with no published plan and nothing happened yet."""
        status = {job.id: job.status for job in dataset.jobs}
        begun = frozenset(j for j, s in status.items() if s in STARTED)
        return cls(dataset, DayState(day, now, None, {}, status, begun), kept or KeptDay())


@dataclass(frozen=True, slots=True)
class RestOfDay:
    """The part of the day a plan decides, as the optimizer's problem, and what it must leave alone."""

    planning: PlanningProblem
    locked_orders: dict[str, list[str]]
    """Locked technicians' remaining stops, kept in their published order."""
    outside: tuple[PlannedRoute, ...]
    """Published routes outside the scope of this plan, kept as they are."""
    outside_unplanned: tuple[UnplannedJob, ...]

    @property
    def job_ids(self) -> set[str]:
        return {j.id for j in self.planning.problem.jobs}


def load_live_day(session: Session, day: date, now: datetime) -> LiveDay:
    """What planning ``day`` reads: the published plan with the facts so far, locks, pins and promises,
    and of the stored data set the work still to do and the published plan's (not the history of every
    visit ever made, which a live day re-reads at every event: months of it take seconds)."""
    published = PlanRepository(session).published(day)
    origin = datetime.combine(day, time(0), UTC)
    dataset = load_day_dataset(
        session,
        published.id if published else None,
        (),
        (origin, origin + HORIZON),
        open_statuses=(*PLANNABLE, *UNDER_WAY),
    )
    return _live(session, day, now, dataset, published)


def load_plan_day(session: Session, day: date, now: datetime, *, also: Collection[str] = ()) -> LiveDay:
    """As ``load_live_day``, with only what the published plan of ``day`` speaks of (its jobs, and those
    in ``also``, with their tickets and sites) instead of every job and ticket ever stored: enough to show
    the plan or to edit it (``rest_of_day`` with ``job_ids`` within those), not to plan the day afresh."""
    published = PlanRepository(session).published(day)
    origin = datetime.combine(day, time(0), UTC)
    dataset = load_day_dataset(session, published.id if published else None, also, (origin, origin + HORIZON))
    return _live(session, day, now, dataset, published)


def _live(session: Session, day: date, now: datetime, dataset: Dataset, published: Plan | None) -> LiveDay:
    jobs = {job.id: job for job in dataset.jobs}
    routed = [j for j in (published.planned_job_ids if published else ()) if j in jobs]
    reports = VisitReportRepository(session).for_jobs(routed)
    sites = {s.id: s for s in dataset.sites}
    depots = {d.id: d for d in dataset.depots}
    state = day_state(day, now, published, jobs, reports, sites, depots)
    kept = KeptDay(
        locked=frozenset(DayLockRepository(session).locked(day)),
        pinned_starts=PinnedStartRepository(session).all(),
        promises=ArrivalPromiseRepository(session).on_day(day, routed),
    )
    return LiveDay(dataset, state, kept)


def rest_of_day(
    live: LiveDay,
    *,
    region: str | None = None,
    job_ids: set[str] | None = None,
    extra_starts: Mapping[str, datetime] | None = None,
) -> RestOfDay:
    """The problem of the rest of the day in ``region`` (``None``: all), technicians resumed from now.

    ``job_ids`` narrows the jobs to those named (an edit works on the jobs of the published plan).
    """
    state = live.state
    dataset = with_pinned_starts(live.dataset, {**live.kept.pinned_starts, **(extra_starts or {})})
    dataset = with_promises(dataset, live.kept.promises)
    settings = get_settings()
    planning = build_problem(
        dataset,
        live.day,
        region=region,
        job_ids=job_ids,
        now=state.now,
        sla_reserve=settings.sla_reserve,
        overtime_s=settings.overtime_minutes * 60,
        booked={*live.kept.pinned_starts, *(extra_starts or {}), *live.kept.promises},
    )
    published_routes = state.published.routes if state.published else ()
    scope_technicians = _technicians_in(live, region)
    outside = tuple(r for r in published_routes if r.technician_id not in scope_technicians)
    outside_stops = {s for r in outside for s in state.rest_stops(r)}
    planning = _resumed(planning, state, _collected(state, outside), outside_stops, live.kept.promises)
    scope_jobs = {j.id for j in planning.problem.jobs} | {s.job_id for s in planning.skipped}
    scope_sites = _sites_in(live, region)
    jobs = {j.id: j for j in live.dataset.jobs}
    outside_unplanned = tuple(
        u
        for u in (state.published.unplanned if state.published else ())
        if u.job_id not in scope_jobs and u.job_id in jobs and jobs[u.job_id].site_id not in scope_sites
    )
    routes = {r.technician_id: r for r in published_routes}
    in_problem = {t.id for t in planning.problem.technicians}
    locked_orders = {
        t: [s for s in state.rest_stops(routes[t]) if s.startswith(DEPOT_STOP) or s in scope_jobs]
        if t in routes
        else []
        for t in live.kept.locked
        if t in in_problem
    }
    return RestOfDay(planning, locked_orders, outside, outside_unplanned)


def orders_of(
    live: LiveDay, rest: RestOfDay, plan: Plan
) -> tuple[dict[str, list[str]], list[opt.UnassignedJob]]:
    """The rest of each route of ``plan`` that lies in ``rest``, and the problem's jobs it leaves out."""
    working = {t.id for t in rest.planning.problem.technicians}
    in_problem = rest.job_ids
    orders = {
        r.technician_id: [s for s in live.state.rest_stops(r) if s.startswith(DEPOT_STOP) or s in in_problem]
        for r in plan.routes
        if r.technician_id in working
    }
    routed = {s for order in orders.values() for s in order}
    reasons = {u.job_id: u for u in plan.unplanned}
    stranded = {j: r.technician_id for r in plan.routes if r.technician_id not in working for j in r.job_ids}
    unassigned = [_left_out(j, reasons.get(j), stranded.get(j)) for j in sorted(in_problem - routed)]
    return orders, unassigned


def _left_out(job_id: str, reason: UnplannedJob | None, holder: str | None) -> opt.UnassignedJob:
    """Why a job of the problem is on no route: the plan's own reason, or its technician's day is over."""
    if holder is not None:
        detail = f"{holder}'s working day is over by the time they are free for it; it needs someone else"
        return opt.UnassignedJob(job_id, opt.UnassignedReason.CAPACITY, detail)
    if reason is not None and reason.reason in _REASONS:
        return opt.UnassignedJob(job_id, opt.UnassignedReason(reason.reason), reason.detail)
    return opt.UnassignedJob(job_id, opt.UnassignedReason.MANUAL, "not on any route of the plan")


_REASONS = {r.value for r in opt.UnassignedReason}


def with_promises(dataset: Dataset, promises: Mapping[str, ArrivalPromise]) -> Dataset:
    """The data set with no promised job's window opening before its promise (the technician waits)."""
    if not promises:
        return dataset
    jobs = [
        dataclasses.replace(job, windows=windows_kept(job.windows, promises[job.id]))
        if job.id in promises
        else job
        for job in dataset.jobs
    ]
    return dataclasses.replace(dataset, jobs=jobs)


def with_pinned_starts(dataset: Dataset, starts: Mapping[str, datetime]) -> Dataset:
    """The data set with each pinned job's windows replaced by the minute it is pinned at."""
    if not starts:
        return dataset
    jobs = [
        dataclasses.replace(job, windows=(TimeWindow(starts[job.id], starts[job.id] + PINNED_START_WINDOW),))
        if job.id in starts
        else job
        for job in dataset.jobs
    ]
    return dataclasses.replace(dataset, jobs=jobs)


def _technicians_in(live: LiveDay, region: str | None) -> set[str]:
    return {t.id for t in live.dataset.technicians if region is None or t.region == region}


def _sites_in(live: LiveDay, region: str | None) -> set[str]:
    return {s.id for s in live.dataset.sites if region is None or s.region == region}


def _collected(state: DayState, outside: tuple[PlannedRoute, ...]) -> dict[tuple[str, str], int]:
    """Depot stock this plan may not promise: collected already, or to be collected by routes outside
    its scope."""
    taken = state.depot_taken()
    for route in outside:
        for visit in state.upcoming_pickups(route):
            for sku, quantity in visit.parts_picked.items():
                key = (str(visit.depot_id), sku)
                taken[key] = taken.get(key, 0) + quantity
    return taken


def _resumed(
    planning: PlanningProblem,
    state: DayState,
    taken: dict[tuple[str, str], int],
    outside_stops: set[str],
    promises: Mapping[str, ArrivalPromise],
) -> PlanningProblem:
    """The problem with each technician starting where and when they are free, and the depot stock left;
    each job already given to a technician prefers them and keeps the window its customer was told (moving
    either costs something); jobs pinned to someone no longer available are skipped with the reason."""
    problem = planning.problem
    technicians = []
    sent_out = _sent_out(state)
    for technician in problem.technicians:
        at_home_since = None if sent_out is None or technician.id in sent_out else state.now
        resumed = _resume(technician, state.started.get(technician.id), planning, at_home_since)
        if resumed is not None:
            technicians.append(resumed)
    working = {t.id for t in technicians}
    depots = tuple(
        dataclasses.replace(d, stock={s: max(0, q - taken.get((d.id, s), 0)) for s, q in d.stock.items()})
        for d in problem.depots
    )
    given = {
        v.job_id: (r.technician_id, v.start)
        for r in (state.published.routes if state.published else ())
        for v in r.visits
        if v.job_id is not None
    }
    jobs, skipped = [], list(planning.skipped)
    for job in problem.jobs:
        if job.id in given:
            job = _as_given(job, *given[job.id], planning, working, promises.get(job.id))
        if job.id in outside_stops:
            continue
        if job.pinned_technician_id is not None and job.pinned_technician_id not in working:
            skipped.append(
                SkippedJob(
                    job.id,
                    opt.UnassignedReason.PINNED_TECHNICIAN_UNABLE.value,
                    f"pinned to {job.pinned_technician_id}, whose working day is over",
                )
            )
            continue
        jobs.append(job)
    resumed_problem = dataclasses.replace(
        problem, technicians=tuple(technicians), jobs=tuple(jobs), depots=depots
    )
    return dataclasses.replace(planning, problem=resumed_problem, skipped=tuple(skipped))


def _sent_out(state: DayState) -> frozenset[str] | None:
    """The technicians the published plan has sent out by now (a route with visits, begun); ``None``
    before the day's first plan, when every technician is taken to start their shift as planned."""
    if state.published is None:
        return None
    return frozenset(r.technician_id for r in state.published.routes if r.job_ids and r.start <= state.now)


def _as_given(
    job: opt.Job,
    technician_id: str,
    start: datetime,
    planning: PlanningProblem,
    working: set[str],
    promise: ArrivalPromise | None,
) -> opt.Job:
    """The job as the published plan gave it: its technician preferred (if still working), and the
    arrival window its customer was told (the promise; before one, the band around the planned start)
    kept at a cost."""
    opens, closes = arrival_window(start) if promise is None else (promise.opens_at, promise.closes_at)
    promised = opt.TimeWindow(planning.seconds(opens), planning.seconds(closes))
    preferred = technician_id if technician_id in working else None
    return dataclasses.replace(job, preferred_technician_id=preferred, promised=promised)


def _resume(
    technician: opt.Technician,
    started: StartedRoute | None,
    planning: PlanningProblem,
    at_home_since: datetime | None,
) -> opt.Technician | None:
    """The technician from when and where they are free: after their last visit done or under way; with
    none reported, at home from the start of the shift as the plan has it (reports can lag), or from
    ``at_home_since`` if later, for one the published plan has not sent out yet (a technician waiting at
    home at ten cannot have left at eight); ``None`` when the shift is over by then."""
    since = started.free.at if started is not None else at_home_since
    free_s = max(technician.shift.start_s, planning.seconds_from(since) if since else 0)
    if free_s >= technician.shift.end_s:
        return None
    if started is None and free_s == technician.shift.start_s:
        return technician
    lunch = technician.lunch if started is None or not started.lunch_taken else None
    if lunch is not None:
        earliest = max(lunch.earliest_start_s, free_s)
        lunch = (
            None if earliest > lunch.latest_start_s else dataclasses.replace(lunch, earliest_start_s=earliest)
        )
    if started is None:
        return dataclasses.replace(
            technician, shift=opt.TimeWindow(free_s, technician.shift.end_s), lunch=lunch
        )
    return dataclasses.replace(
        technician,
        start=opt.Location.at(started.free.lat, started.free.lon),
        end=technician.end_location,
        shift=opt.TimeWindow(free_s, technician.shift.end_s),
        lunch=lunch,
        van_stock=started.van_stock(technician.van_stock),
    )
