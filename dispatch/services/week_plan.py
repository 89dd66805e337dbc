"""The week's maintenance plan: book each maintenance visit on the day that costs least travel among those
its customer allows, keep each day's reserve for reactive work, and never let maintenance delay support.

One solve over the week's technician-days (``week_problem``) places the maintenance beside the support
visits waiting for a technician. A support visit the plan would start past its SLA with maintenance
before it on the same technician-day has that maintenance withdrawn (it stays to be booked later, with
the reason), so no booking can push support past its SLA. Booked visits keep only the booked day's
windows (the day's planner then plans them that day); their tickets move to ``scheduled``, on the audit
trail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

import optimizer as opt
from dispatch.config import Settings
from dispatch.domain.dataset import Dataset
from dispatch.domain.maintenance import booked_on
from dispatch.domain.tickets import TicketKind, TicketState
from dispatch.persistence.dataset_store import load_dataset
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.repositories import JobRepository
from dispatch.persistence.repositories.visit_reports import completed_visits
from dispatch.services.audit import JOB, record
from dispatch.services.ticket_lifecycle import move_ticket
from dispatch.services.week_problem import WeekProblem, build_week_problem
from optimizer.solve import solve

WEEK = 7
RESERVE_HISTORY = timedelta(days=28)
RESERVE_BOUNDS = (0.1, 0.8)
"""The reserve learned from history is kept within these shares of a shift."""
DEFAULT_RESERVE = 0.3
"""The share kept where a region has no history to learn from."""


@dataclass(frozen=True, slots=True)
class Booking:
    job_id: str
    ticket_id: str
    day: date
    technician_id: str
    start: datetime
    new: bool
    """Booked by this plan (``False``: it was booked before and is counted as the day's load)."""


@dataclass(frozen=True, slots=True)
class Unbooked:
    job_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class DaySummary:
    day: date
    technicians: int
    maintenance_visits: int
    support_visits: int
    maintenance_hours: float
    capacity_hours: float
    reserve_target_hours: float
    reserve_kept_hours: float
    """The working time of the day's shifts that no planned route uses."""
    travel_hours: float


@dataclass(frozen=True, slots=True)
class WeekPlan:
    first_day: date
    reserve: Mapping[str, float]
    bookings: tuple[Booking, ...]
    unbooked: tuple[Unbooked, ...]
    days: tuple[DaySummary, ...]
    withdrawn: int
    """Maintenance visits taken out because a support visit behind them would have been late."""
    support_late_behind_maintenance: int
    """Support visits planned past their SLA with maintenance before them on the same day: always 0."""


def plan_week(
    session: Session, first_day: date, *, now: datetime, time_limit_s: float = 20.0, days: int = WEEK
) -> WeekPlan:
    """Plan and book the week's maintenance from ``first_day`` (the caller commits)."""
    dataset = load_dataset(session)
    reserve = reactive_reserve(session, dataset, first_day)
    week = build_week_problem(dataset, first_day, days, reserve)
    solution = solve(week.problem, opt.SolveParams(time_limit_s=time_limit_s))
    routes, withdrawn = support_first(solution.routes, week.maintenance, week.to_book)
    plan = _read(week, dataset, routes, solution, withdrawn, reserve)
    _book(session, dataset, plan, now)
    return plan


def reactive_reserve(session: Session, dataset: Dataset, before: date) -> dict[str, float]:
    """Per region, the share of the technicians' shifts that support visits took on site over the four
    weeks before ``before`` (working days only), within ``RESERVE_BOUNDS``."""
    since = datetime.combine(before - RESERVE_HISTORY, datetime.min.time(), ZoneInfo("UTC"))
    until = since + RESERVE_HISTORY
    region_of = {t.id: t.region for t in dataset.technicians}
    busy: dict[str, float] = defaultdict(float)
    for visit in completed_visits(session, since=since):
        if visit.completed_at < until and visit.ticket_kind == TicketKind.SUPPORT.value:
            busy[region_of.get(visit.technician_id, "")] += (
                visit.completed_at - visit.arrived_at
            ).total_seconds()
    capacity: dict[str, float] = defaultdict(float)
    for offset in range(RESERVE_HISTORY.days):
        day = before - RESERVE_HISTORY + timedelta(days=offset)
        for tech in dataset.technicians:
            shift = tech.calendar.shift_on(day)
            if shift is not None:
                start, end = (datetime.combine(day, t) for t in (shift.start, shift.end))
                capacity[tech.region] += (end - start).total_seconds()
    low, high = RESERVE_BOUNDS
    return {
        region: round(min(high, max(low, busy[region] / hours)), 3) if busy[region] else DEFAULT_RESERVE
        for region, hours in capacity.items()
        if hours > 0
    }


def support_first(
    routes: Sequence[opt.Route], maintenance: frozenset[str], to_book: frozenset[str]
) -> tuple[list[opt.Route], dict[str, str]]:
    """The routes without the maintenance still to book that comes before a support visit planned past
    its SLA, and why each was withdrawn."""
    withdrawn: dict[str, str] = {}
    kept_routes = []
    for route in routes:
        late = [
            v
            for v in route.visits
            if v.job_id is not None and v.job_id not in maintenance and v.lateness_s > 0
        ]
        if late:
            last_late = max(route.visits.index(v) for v in late)
            for visit in route.visits[:last_late]:
                if visit.job_id in to_book:
                    withdrawn[visit.job_id] = (
                        f"support visit {late[-1].job_id} behind it on that day would be past its SLA"
                    )
        kept = tuple(v for v in route.visits if v.job_id not in withdrawn)
        kept_routes.append(replace(route, visits=kept))
    return kept_routes, withdrawn


def _read(
    week: WeekProblem,
    dataset: Dataset,
    routes: list[opt.Route],
    solution: opt.Solution,
    withdrawn: Mapping[str, str],
    reserve: Mapping[str, float],
) -> WeekPlan:
    jobs = {j.id: j for j in dataset.jobs}
    bookings = []
    for route in routes:
        td = week.vehicles[route.technician_id]
        for visit in route.visits:
            if visit.job_id in week.maintenance:
                job = jobs[visit.job_id]
                start = week.instant(visit.start_s)
                bookings.append(
                    Booking(job.id, job.ticket_id, td.day, td.technician_id, start, job.id in week.to_book)
                )
    unbooked = [Unbooked(job_id, why) for job_id, why in sorted(withdrawn.items())]
    # the optimizer counts its vehicles, which here are technician-days
    unbooked += [
        Unbooked(u.job_id, f"{u.reason.value}: {u.detail}".replace(" technicians ", " technician-days "))
        for u in solution.unassigned
        if u.job_id in week.to_book
    ]
    late = sum(
        1
        for route in routes
        for i, v in enumerate(route.visits)
        if v.job_id not in week.maintenance
        and v.lateness_s > 0
        and any(w.job_id in week.to_book for w in route.visits[:i])
    )
    return WeekPlan(
        first_day=week.first_day,
        reserve=dict(reserve),
        bookings=tuple(sorted(bookings, key=lambda b: (b.day, b.technician_id, b.start))),
        unbooked=tuple(unbooked),
        days=tuple(_day_summaries(week, routes)),
        withdrawn=len(withdrawn),
        support_late_behind_maintenance=late,
    )


def _day_summaries(week: WeekProblem, routes: list[opt.Route]) -> list[DaySummary]:
    by_id = {j.id: j for j in week.problem.jobs}
    summaries = []
    for offset in range(week.days):
        day = week.first_day + timedelta(days=offset)
        vehicles = {vid: td for vid, td in week.vehicles.items() if td.day == day}
        if not vehicles:
            continue
        day_routes = [r for r in routes if r.technician_id in vehicles and r.visits]
        jobs = [v.job_id for r in day_routes for v in r.visits if v.job_id is not None]
        maintenance = [j for j in jobs if j in week.maintenance]
        capacity = sum(td.shift_s for td in vehicles.values())
        target = sum(td.shift_s * week_reserve(week, vid) for vid, td in vehicles.items())
        used = sum(_span(r) for r in day_routes)
        summaries.append(
            DaySummary(
                day=day,
                technicians=len(vehicles),
                maintenance_visits=len(maintenance),
                support_visits=len(jobs) - len(maintenance),
                maintenance_hours=round(sum(by_id[j].service_s for j in maintenance) / 3600, 1),
                capacity_hours=round(capacity / 3600, 1),
                reserve_target_hours=round(target / 3600, 1),
                reserve_kept_hours=round((capacity - used) / 3600, 1),
                travel_hours=round(sum(_travel(r) for r in day_routes) / 3600, 1),
            )
        )
    return summaries


def week_reserve(week: WeekProblem, vehicle: str) -> float:
    """The share of the vehicle's shift its cap keeps free."""
    tech = next(t for t in week.problem.technicians if t.id == vehicle)
    span = week.vehicles[vehicle].shift_s
    return 0.0 if tech.max_work_s is None or span == 0 else 1.0 - tech.max_work_s / span


def _span(route: opt.Route) -> int:
    """From leaving home to being back, as the route stands after withdrawals (upper bound: as solved)."""
    if not route.visits:
        return 0
    return (
        route.visits[-1].end_s + route.end_travel_s - (route.visits[0].arrival_s - route.visits[0].travel_s)
    )


def _travel(route: opt.Route) -> int:
    return sum(v.travel_s for v in route.visits) + route.end_travel_s


def _book(session: Session, dataset: Dataset, plan: WeekPlan, now: datetime) -> None:
    """Keep each new booking's day on its job and move its ticket to ``scheduled``."""
    jobs = JobRepository(session)
    sites = {s.id: s for s in dataset.sites}
    tickets = {t.id: t for t in dataset.tickets}
    for booking in plan.bookings:
        if not booking.new:
            continue
        job = jobs.require(booking.job_id)
        tz = sites[job.site_id].timezone
        local_day = booking.start.astimezone(ZoneInfo(tz)).date()
        jobs.update(replace(job, windows=booked_on(job, local_day, tz)))
        record(
            session,
            JOB,
            job.id,
            "booked",
            at=now,
            to_value=f"{local_day:%Y-%m-%d}",
            why=f"week plan from {plan.first_day:%Y-%m-%d}: least travel among the allowed days",
        )
        if tickets[job.ticket_id].state is TicketState.ONSITE_REQUIRED:
            move_ticket(session, job.ticket_id, TicketState.SCHEDULED, now=now, why="maintenance booked")


def format_week_plan(plan: WeekPlan) -> str:
    """The week's maintenance plan as a table a dispatcher reads: per day, the visits, the reserve kept
    against the reserve aimed at, and the travel."""
    booked = sum(1 for b in plan.bookings if b.new)
    reserve = ", ".join(f"{region} {share:.0%}" for region, share in sorted(plan.reserve.items()))
    lines = [
        f"Week plan from {plan.first_day:%A %Y-%m-%d}: {booked} maintenance visits booked, "
        f"{len(plan.unbooked)} left to book later",
        f"  reserve for reactive work (share of each shift, learned from the last 4 weeks): {reserve}",
        f"  {'day':<14} {'techs':>5} {'maint':>5} {'supp':>5} {'maint h':>7} {'shift h':>7} "
        f"{'reserve h':>9} {'kept h':>7} {'travel h':>8}",
    ]
    for d in plan.days:
        lines.append(
            f"  {d.day:%a %Y-%m-%d} {d.technicians:>5} {d.maintenance_visits:>5} {d.support_visits:>5} "
            f"{d.maintenance_hours:>7.1f} {d.capacity_hours:>7.1f} {d.reserve_target_hours:>9.1f} "
            f"{d.reserve_kept_hours:>7.1f} {d.travel_hours:>8.1f}"
        )
    lines.append(
        f"  support visits past their SLA behind maintenance: {plan.support_late_behind_maintenance} "
        f"({plan.withdrawn} maintenance visits withdrawn to keep it so)"
    )
    for item in plan.unbooked[:10]:
        lines.append(f"  not booked: {item.job_id}: {item.reason}")
    if len(plan.unbooked) > 10:
        lines.append(f"  ... and {len(plan.unbooked) - 10} more not booked")
    return "\n".join(lines)


def plan_week_command(settings: Settings, first_day: date, *, time_limit_s: float, now: datetime) -> str:
    """What ``dispatch plan-week`` does: open the maintenance falling due, plan and book the week, and
    summarise it."""
    from dispatch.services.maintenance_due import open_due_maintenance

    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            opened = open_due_maintenance(session, now=now)
        with session_scope(make_session_factory(engine)) as session:
            plan = plan_week(session, first_day, now=now, time_limit_s=time_limit_s)
    finally:
        engine.dispose()
    return f"Opened {len(opened)} preventive maintenance checks falling due.\n" + format_week_plan(plan)
