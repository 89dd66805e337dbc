"""Turn a stored day (domain objects) into the optimizer's Problem, and keep the way back.

The optimizer works in integer seconds from an origin; here the origin is midnight UTC of the planned day
and the horizon runs 36 hours, so every mainland shift (Eastern mornings to Pacific evenings, which end
after midnight UTC) fits. Local shift and break times are converted through each technician's time zone,
and SLA due times (``visit_start_due``: respond by arriving, end by the resolution due time) already past
become the horizon start (lateness is then counted from the start of
the plan, which differs from counting from the true due time only by a constant).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import optimizer as opt
from dispatch.domain.contracts import Contract
from dispatch.domain.customers import Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import Job, JobStatus
from dispatch.domain.plans import (
    Plan,
    PlanCost,
    PlannedRoute,
    PlannedVisit,
    PlanStatus,
    UnplannedJob,
    VisitKind,
)
from dispatch.domain.technicians import Technician
from dispatch.domain.tickets import Ticket
from dispatch.domain.visit_due import visit_start_aim, visit_start_due
from dispatch.services.on_call import NO_TECHNICIAN_ON_SHIFT, on_call_cover
from dispatch.services.standby_plan import standby_reach

HORIZON = timedelta(hours=36)
PLANNABLE = (JobStatus.UNSCHEDULED, JobStatus.PLANNED)


@dataclass(frozen=True, slots=True)
class SkippedJob:
    """A job of the day that cannot even enter the problem, with the reason given to the dispatcher."""

    job_id: str
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class PlanningProblem:
    """The optimizer's problem plus what is needed to read its answer back as instants."""

    day: date
    origin: datetime
    problem: opt.Problem
    skipped: tuple[SkippedJob, ...] = field(default=())
    sla_due_s: Mapping[str, int] = field(default_factory=dict)
    """Each job's SLA latest start as its contract has it; the problem's own ``sla_due_s`` may be earlier,
    by the reserve the plan keeps in hand (``visit_start_aim``)."""

    def sla_lateness_s(self, job_id: str | None, start_s: int) -> int:
        """How late a visit starting at ``start_s`` is against its SLA's own due time."""
        due = None if job_id is None else self.sla_due_s.get(job_id)
        return 0 if due is None else max(0, start_s - due)

    def instant(self, seconds: int) -> datetime:
        return self.origin + timedelta(seconds=seconds)

    def seconds(self, instant: datetime) -> int:
        return int((instant - self.origin).total_seconds())

    def seconds_from(self, instant: datetime) -> int:
        """The first whole second not before ``instant``: when something may begin once it has passed."""
        return math.ceil((instant - self.origin).total_seconds())


def on_call_shifts(dataset: Dataset, day: date) -> dict[str, tuple[datetime, datetime]]:
    """The period each technician off on ``day`` but on call works in the day's plan, as instants."""
    origin = datetime.combine(day, time(0), UTC)
    horizon = opt.TimeWindow(0, int(HORIZON.total_seconds()))
    cover = on_call_cover(dataset, day, origin, None, horizon=horizon)
    return {
        t.id: (origin + timedelta(seconds=t.shift.start_s), origin + timedelta(seconds=t.shift.end_s))
        for t in cover.technicians
    }


def build_problem(
    dataset: Dataset,
    day: date,
    *,
    region: str | None = None,
    job_ids: set[str] | None = None,
    now: datetime | None = None,
    sla_reserve: float = 0.0,
    overtime_s: int = 0,
    booked: Collection[str] = (),
) -> PlanningProblem:
    """The day's plannable jobs and working technicians (optionally of one region) as a Problem.

    ``now`` is when the plan is made (default: the day's start): a contract's hard deadline binds only
    while it is still ahead of it. ``sla_reserve``: the share of the time an open response is given
    (from the ticket's opening or the first shift) that the plan keeps in hand (``visit_start_aim``);
    ``overtime_s``: how long past their shift each technician may be planned to stay
    (``CostWeights.overtime_cost_per_s`` says for what); ``booked``: jobs whose time was agreed with the
    customer (a window told, a start pinned), which cannot wait for another day whatever their SLA."""
    origin = datetime.combine(day, time(0), UTC)
    earliest_binding_s = 0 if now is None else max(0, _seconds(now, origin))
    horizon = opt.TimeWindow(0, int(HORIZON.total_seconds()))
    sites = {s.id: s for s in dataset.sites}

    technicians = [
        t
        for t in (
            technician_on(tech, day, origin, overtime_s=overtime_s)
            for tech in dataset.technicians
            if region is None or tech.region == region
        )
        if t is not None
    ]
    # On-call hook (see on_call.py): technicians off today but on call join for 24x7 work only.
    cover = on_call_cover(dataset, day, origin, region, horizon=horizon)
    technicians += cover.technicians
    work_begins = origin + timedelta(seconds=_work_begins_s(technicians))
    working = {t.id for t in technicians}
    standby = standby_reach(dataset, technicians, origin, horizon)  # standby hook: cover kept within reach
    tickets = {t.id: t for t in dataset.tickets}
    contracts = {c.id: c for c in dataset.contracts}
    jobs: list[opt.Job] = []
    skipped: list[SkippedJob] = []
    dues: dict[str, int] = {}
    for job in dataset.jobs:
        site = sites[job.site_id]
        if job.status not in PLANNABLE or (region is not None and site.region != region):
            continue
        if job_ids is not None and job.id not in job_ids:
            continue
        windows = job_windows(job, origin, horizon)
        if job.windows and not windows:
            continue  # not a job of this day
        if job.pinned_technician_id is not None and job.pinned_technician_id not in working:
            skipped.append(
                SkippedJob(
                    job.id,
                    opt.UnassignedReason.PINNED_TECHNICIAN_UNABLE.value,
                    f"pinned to {job.pinned_technician_id}, who is not working on {day:%Y-%m-%d}",
                )
            )
            continue
        nobody = cover.nobody_on_shift(job.id, site.region)  # on-call hook
        if nobody is not None:
            skipped.append(SkippedJob(job.id, NO_TECHNICIAN_ON_SHIFT, nobody))
            continue
        ticket = tickets.get(job.ticket_id)
        due_s = _start_due_s(job, ticket, origin)
        if due_s is not None:
            dues[job.id] = due_s
        jobs.append(
            replace(
                optimizer_job(job, site, windows),
                sla_due_s=_start_aim_s(job, ticket, origin, work_begins, sla_reserve),
                sla_breach_s=due_s,
                must_start_by_s=(due_s if _binding(due_s, earliest_binding_s, ticket, contracts) else None),
                pinned_technician_id=job.pinned_technician_id,
                allowed_technician_ids=(
                    cover.allowed_technicians(job.id)
                    if job.pinned_technician_id is not None
                    else standby.allowed_technicians(
                        job.id, cover.allowed_technicians(job.id), frozenset(working)
                    )
                ),  # on-call and standby hooks
                can_wait=job.id not in booked and _can_wait(due_s, horizon),
            )
        )
    depots = [
        opt.Depot(
            id=d.id,
            location=opt.Location.at(d.location.lat, d.location.lon),
            stock=dict(d.stock),
            opening=_clip(
                _local(day, d.opening_hours_start, d.timezone, origin),
                _local(day, d.opening_hours_end, d.timezone, origin),
                horizon,
            ),
        )
        for d in dataset.depots
    ]
    problem = opt.Problem(
        technicians=tuple(technicians),
        jobs=tuple(jobs),
        horizon=horizon,
        depots=tuple(depots),
        name=f"{day:%Y-%m-%d}" + (f" {region}" if region else ""),
    )
    return PlanningProblem(day=day, origin=origin, problem=problem, skipped=tuple(skipped), sla_due_s=dues)


def technician_on(
    tech: Technician, day: date, origin: datetime, *, overtime_s: int = 0
) -> opt.Technician | None:
    """The technician as a vehicle of the problem whose clock starts at ``origin``, on their regular shift
    of ``day`` and up to ``overtime_s`` past it (``None``: no shift that day)."""
    shift = tech.calendar.shift_on(day)
    if shift is None:
        return None
    start = _local(day, shift.start, tech.timezone, origin)
    end = _local(day, shift.end, tech.timezone, origin)
    lunch = None
    if shift.lunch is not None:
        lunch = opt.LunchBreak(
            duration_s=int(shift.lunch.duration.total_seconds()),
            earliest_start_s=_local(day, shift.lunch.earliest, tech.timezone, origin),
            latest_start_s=_local(day, shift.lunch.latest, tech.timezone, origin),
        )
    return opt.Technician(
        id=tech.id,
        start=opt.Location.at(tech.home.lat, tech.home.lon),
        shift=opt.TimeWindow(start, end),
        lunch=lunch,
        skills=dict(tech.skills),
        van_stock=dict(tech.van_stock),
        max_overtime_s=overtime_s,
    )


def _start_due_s(job: Job, ticket: Ticket | None, origin: datetime) -> int | None:
    """The SLA's latest start in the problem's seconds (a due time already past: the horizon's start)."""
    due = visit_start_due(job, ticket)
    return None if due is None else max(0, _seconds(due, origin))


def _work_begins_s(technicians: Sequence[opt.Technician]) -> int:
    """When the day's first shift begins: a response's time is counted from then at the earliest for the
    reserve kept in hand (``visit_start_aim``), however late in the day the plan is made."""
    return min((t.shift.start_s for t in technicians), default=0)


def _start_aim_s(
    job: Job, ticket: Ticket | None, origin: datetime, work_begins: datetime, reserve: float
) -> int | None:
    """When the plan aims to begin the job (``visit_start_aim``), in the problem's seconds."""
    aim = visit_start_aim(job, ticket, work_begins, reserve)
    return None if aim is None else max(0, _seconds(aim, origin))


def _can_wait(due_s: int | None, horizon: opt.TimeWindow) -> bool:
    """Whether leaving the job for another day keeps its SLA: nothing falls due before the horizon ends."""
    return due_s is None or due_s > horizon.end_s


def _binding(
    due_s: int | None, earliest_s: int, ticket: Ticket | None, contracts: Mapping[str, Contract]
) -> bool:
    """Whether the SLA start due is a hard deadline: the ticket's contract says so, and the due time is
    still ahead when the plan is made (one already missed stays a cost, or the customer gets no visit)."""
    if due_s is None or due_s <= earliest_s or ticket is None or ticket.contract_id not in contracts:
        return False
    return contracts[ticket.contract_id].sla.hard_deadlines


def optimizer_job(job: Job, site: Site, windows: tuple[opt.TimeWindow, ...]) -> opt.Job:
    """The job as the optimizer sees it: where, how long, how urgent, when and what it needs; the caller
    adds its due time and who may take it."""
    return opt.Job(
        id=job.id,
        location=opt.Location.at(site.location.lat, site.location.lon),
        service_s=int(job.duration.total_seconds()),
        priority=job.priority.rank,
        windows=windows,
        required_skills={r.skill: r.min_level for r in job.required_skills},
        required_parts={r.sku: r.quantity for r in job.required_parts},
    )


def job_windows(job: Job, origin: datetime, horizon: opt.TimeWindow) -> tuple[opt.TimeWindow, ...]:
    """The job's windows in the problem's seconds, clipped to its horizon (those outside it dropped)."""
    windows = []
    for w in job.windows:
        clipped = _clip(_seconds(w.start, origin), _seconds(w.end, origin), horizon)
        if clipped is not None:
            windows.append(clipped)
    return tuple(windows)


def _clip(start: int, end: int, horizon: opt.TimeWindow) -> opt.TimeWindow | None:
    start, end = max(start, horizon.start_s), min(end, horizon.end_s)
    return opt.TimeWindow(start, end) if start <= end else None


def _local(day: date, at: time, tz: str, origin: datetime) -> int:
    return _seconds(datetime.combine(day, at, ZoneInfo(tz)), origin)


def _seconds(instant: datetime, origin: datetime) -> int:
    return int((instant - origin).total_seconds())


def plan_from_solution(
    planning: PlanningProblem,
    solution: opt.Solution,
    *,
    plan_id: str,
    region: str | None,
    created_at: datetime,
) -> Plan:
    """The optimizer's answer as a domain Plan: instants instead of seconds, skipped jobs included."""
    routes = tuple(
        PlannedRoute(
            technician_id=route.technician_id,
            start=planning.instant(route.start_s),
            end=planning.instant(route.end_s),
            travel_s=route.travel_s,
            distance_m=route.distance_m,
            overtime_s=route.overtime_s,
            visits=tuple(
                PlannedVisit(
                    sequence=sequence,
                    kind=VisitKind(visit.kind.value),
                    arrival=planning.instant(visit.arrival_s),
                    start=planning.instant(visit.start_s),
                    end=planning.instant(visit.end_s),
                    travel_s=visit.travel_s,
                    distance_m=visit.distance_m,
                    job_id=visit.job_id,
                    depot_id=visit.depot_id,
                    parts_picked=dict(visit.parts_picked),
                    sla_lateness_s=planning.sla_lateness_s(visit.job_id, visit.start_s),
                )
                for sequence, visit in enumerate(route.visits, start=1)
            ),
            lunch_start=None if route.lunch is None else planning.instant(route.lunch.start_s),
            lunch_end=None if route.lunch is None else planning.instant(route.lunch.end_s),
        )
        for route in solution.routes
        if route.visits
    )
    unplanned = tuple(UnplannedJob(u.job_id, u.reason.value, u.detail) for u in solution.unassigned) + tuple(
        UnplannedJob(s.job_id, s.reason, s.detail) for s in planning.skipped
    )
    objective = solution.objective
    return Plan(
        id=plan_id,
        day=planning.day,
        region=region,
        created_at=created_at,
        status=PlanStatus.PUBLISHED,
        solver_status=solution.status.value,
        solve_ms=round(solution.stats.wall_time_s * 1000),
        cost=PlanCost(
            travel=objective.travel + objective.distance,
            lateness=objective.lateness + objective.breaches,
            drops=objective.drops,
            overtime=objective.overtime,
        ),
        routes=routes,
        unplanned=unplanned,
    )
