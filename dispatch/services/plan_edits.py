"""The dispatcher's hand on the plan: assign or pin a job, take one out, lock a technician's day, re-plan.

Every edit builds the edited plan as an optimizer ``Solution`` (routes re-timed by the solver's scheduler)
and has ``optimizer.validate`` check it against the day's problem before it is published, superseding the
plan before; an edit that breaks a rule is refused (``Conflict``, so 409) with the validator's reasons and
nothing changes. Pins (``jobs.pinned_technician_id`` and a pinned start) and locked days are stored, and
every later solve keeps them: ``plan_keeping`` leaves locked days exactly as published, solves the rest,
and validates the whole.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

import optimizer as opt
from dispatch.domain.dataset import Dataset
from dispatch.domain.errors import Conflict, DomainError
from dispatch.domain.jobs import TimeWindow
from dispatch.domain.plan_jobs import DayLock
from dispatch.domain.plans import Plan, PlannedRoute
from dispatch.persistence.dataset_store import load_dataset
from dispatch.persistence.repositories import JobRepository, PlanRepository, TechnicianRepository
from dispatch.persistence.repositories.plan_jobs import DayLockRepository, PinnedStartRepository
from dispatch.services.plan_problem import PlanningProblem, build_problem, plan_from_solution
from dispatch.services.planning import PlanOutcome, PlanRejected, publish_outcome
from optimizer.fixed_routes import best_position, timed_solution
from optimizer.solve import solve
from optimizer.validate import ValidationReport, validate

PINNED_START_WINDOW = timedelta(minutes=1)
"""A pinned start is the job's only window, this long, so the visit starts at the minute pinned."""
EDITED = "edited"
"""The solver status shown for a plan a dispatcher edited by hand."""


@dataclass(frozen=True, slots=True)
class KeptDay:
    """What dispatchers fixed for a day: locked technicians' published stop orders and pinned starts."""

    locked_orders: dict[str, list[str]]
    pinned_starts: dict[str, datetime]


def kept_day(session: Session, day: date, region: str | None) -> KeptDay:
    """The locks of ``day`` (with the published routes they keep) and every pinned start."""
    locked = DayLockRepository(session).locked(day)
    published = PlanRepository(session).published(day, region)
    routes = {r.technician_id: r for r in published.routes} if published else {}
    orders = {t: _stops(routes[t]) if t in routes else [] for t in locked}
    return KeptDay(locked_orders=orders, pinned_starts=PinnedStartRepository(session).all())


def plan_keeping(
    dataset: Dataset,
    day: date,
    *,
    region: str | None = None,
    params: opt.SolveParams | None = None,
    kept: KeptDay | None = None,
    on_progress: Callable[[opt.SolveProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    now: datetime | None = None,
) -> PlanOutcome:
    """Plan the day keeping locked days as published and pinned jobs with their technician and start."""
    params = params or opt.SolveParams()
    kept = kept or KeptDay({}, {})
    dataset = with_pinned_starts(dataset, kept.pinned_starts)
    planning = build_problem(dataset, day, region=region)
    problem = planning.problem
    working = {t.id for t in problem.technicians}
    locked = {t: order for t, order in kept.locked_orders.items() if t in working}
    if not locked:
        solution = solve(problem, params, on_progress=on_progress, should_stop=should_stop)
    else:
        solution = _solve_around(problem, params, locked, on_progress, should_stop)
    _check(problem, solution, params, f"the plan for {day}", edit=False)
    plan = plan_from_solution(
        planning, solution, plan_id=str(uuid.uuid4()), region=region, created_at=now or datetime.now(UTC)
    )
    return PlanOutcome(dataset=dataset, plan=plan, planning=planning, solution=solution)


def _solve_around(
    problem: opt.Problem,
    params: opt.SolveParams,
    locked: dict[str, list[str]],
    on_progress: Callable[[opt.SolveProgress], None] | None,
    should_stop: Callable[[], bool] | None,
) -> opt.Solution:
    """Solve without the locked technicians and their jobs, with the depot stock their routes take, then
    put the locked routes back."""
    job_ids = {j.id for j in problem.jobs}
    kept_jobs = {s for order in locked.values() for s in order if not s.startswith("depot:")}
    for technician_id, order in locked.items():
        for stop in order:
            if not stop.startswith("depot:") and stop not in job_ids:
                raise PlanRejected(
                    f"the locked day of {technician_id} keeps job {stop}, which is no longer to be planned; "
                    "unlock the day to re-plan it"
                )
    fixed = timed_solution(problem, params, locked)
    taken: dict[tuple[str, str], int] = {}
    for route in fixed.routes:
        for visit in route.visits:
            for sku, q in visit.parts_picked.items():
                taken[(str(visit.depot_id), sku)] = taken.get((str(visit.depot_id), sku), 0) + q
    depots = tuple(
        dataclasses.replace(d, stock={s: q - taken.get((d.id, s), 0) for s, q in d.stock.items()})
        for d in problem.depots
    )
    stranded = [j for j in problem.jobs if j.id not in kept_jobs and j.pinned_technician_id in locked]
    rest = dataclasses.replace(
        problem,
        technicians=tuple(t for t in problem.technicians if t.id not in locked),
        jobs=tuple(j for j in problem.jobs if j.id not in kept_jobs and j not in stranded),
        depots=depots,
    )
    partial = solve(rest, params, on_progress=on_progress, should_stop=should_stop)
    orders = {r.technician_id: [v.stop_id for v in r.visits] for r in partial.routes} | locked
    unassigned = partial.unassigned + tuple(
        opt.UnassignedJob(
            j.id,
            opt.UnassignedReason.PINNED_TECHNICIAN_UNABLE,
            f"pinned to {j.pinned_technician_id}, whose day is locked",
        )
        for j in stranded
    )
    return timed_solution(problem, params, orders, unassigned, status=partial.status, stats=partial.stats)


def with_pinned_starts(dataset: Dataset, starts: dict[str, datetime]) -> Dataset:
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


# --- edits of the published plan ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Editing:
    dataset: Dataset
    planning: PlanningProblem
    published: Plan
    orders: dict[str, list[str]]
    unassigned: list[opt.UnassignedJob]
    locked: set[str]


def assign_job(
    session: Session,
    day: date,
    *,
    job_id: str,
    technician_id: str,
    region: str | None = None,
    start: datetime | None = None,
    pin: bool = True,
    params: opt.SolveParams | None = None,
    now: datetime | None = None,
) -> Plan:
    """Put ``job_id`` on ``technician_id``'s day (at ``start`` if given), pinned there unless ``pin`` is
    False; publish the edited plan if it breaks no rule (caller commits)."""
    JobRepository(session).require(job_id)
    TechnicianRepository(session).require(technician_id)
    if start is not None and abs((start.date() - day).days) > 1:
        raise DomainError(f"a start of {start.isoformat()} is not on {day}")
    if pin:
        _pin(session, job_id, technician_id, start)
    starts = {job_id: start} if start is not None else {}
    editing = _editing(session, day, region, extra_starts=starts, include=job_id)
    if technician_id in editing.locked:
        raise Conflict(f"the day of {technician_id} on {day} is locked; unlock it to add jobs")
    _refuse_locked_source(editing, job_id)
    orders = {t: [s for s in order if s != job_id] for t, order in editing.orders.items()}
    if technician_id not in {t.id for t in editing.planning.problem.technicians}:
        raise Conflict(f"{technician_id} does not work on {day}" + (f" in region {region}" if region else ""))
    order = orders.get(technician_id, [])
    if start is not None:
        route = next((r for r in editing.published.routes if r.technician_id == technician_id), None)
        before = {
            v.job_id or f"depot:{v.depot_id}" for v in (route.visits if route else ()) if v.start < start
        }
        position = sum(1 for s in order if s in before)
        orders[technician_id] = [*order[:position], job_id, *order[position:]]
    else:
        orders[technician_id] = best_position(
            editing.planning.problem, params or opt.SolveParams(), order, technician_id, job_id
        )
    unassigned = [u for u in editing.unassigned if u.job_id != job_id]
    when = f" at {start:%H:%M} UTC" if start is not None else ""
    return _publish_edit(
        session, editing, orders, unassigned, params, now, f"assigning {job_id} to {technician_id}{when}"
    )


def unassign_job(
    session: Session,
    day: date,
    *,
    job_id: str,
    region: str | None = None,
    params: opt.SolveParams | None = None,
    now: datetime | None = None,
) -> Plan:
    """Take ``job_id`` out of the day's plan and clear its pin; publish the edited plan (caller commits)."""
    JobRepository(session).require(job_id)
    _pin(session, job_id, None, None)
    editing = _editing(session, day, region)
    if not any(job_id in order for order in editing.orders.values()):
        raise Conflict(f"job {job_id} is not in the plan for {day}")
    _refuse_locked_source(editing, job_id)
    orders = {t: [s for s in order if s != job_id] for t, order in editing.orders.items()}
    unassigned = [
        *editing.unassigned,
        opt.UnassignedJob(job_id, opt.UnassignedReason.MANUAL, "taken out of the plan by a dispatcher"),
    ]
    return _publish_edit(session, editing, orders, unassigned, params, now, f"taking {job_id} out")


def lock_day(
    session: Session, day: date, technician_id: str, *, by: str | None = None, now: datetime | None = None
) -> None:
    """Keep ``technician_id``'s day as published through later solves and edits (caller commits)."""
    TechnicianRepository(session).require(technician_id)
    DayLockRepository(session).lock(DayLock(technician_id, day, now or datetime.now(UTC), by))


def unlock_day(session: Session, day: date, technician_id: str) -> None:
    TechnicianRepository(session).require(technician_id)
    DayLockRepository(session).unlock(technician_id, day)


def _pin(session: Session, job_id: str, technician_id: str | None, start: datetime | None) -> None:
    table = JobRepository.table
    session.execute(update(table).where(table.c.id == job_id).values(pinned_technician_id=technician_id))
    PinnedStartRepository(session).set(job_id, start if technician_id is not None else None)


def _editing(
    session: Session,
    day: date,
    region: str | None,
    *,
    extra_starts: dict[str, datetime] | None = None,
    include: str | None = None,
) -> _Editing:
    published = PlanRepository(session).published(day, region)
    if published is None:
        where = f"region {region}" if region else "all regions"
        raise Conflict(f"there is no published plan for {day} ({where}) to edit; plan the day first")
    starts = {**PinnedStartRepository(session).all(), **(extra_starts or {})}
    dataset = with_pinned_starts(load_dataset(session), starts)
    in_plan = set(published.planned_job_ids) | {u.job_id for u in published.unplanned}
    planning = build_problem(dataset, day, region=region, job_ids=in_plan | ({include} if include else set()))
    problem_jobs = {j.id for j in planning.problem.jobs}
    if include is not None and include not in problem_jobs:
        skipped = next((s.detail for s in planning.skipped if s.job_id == include), None)
        raise Conflict(
            skipped or f"job {include} is not to be planned on {day} (its status, region or windows)"
        )
    working = {t.id for t in planning.problem.technicians}
    orders = {
        r.technician_id: [s for s in _stops(r) if s.startswith("depot:") or s in problem_jobs]
        for r in published.routes
        if r.technician_id in working
    }
    routed = {s for order in orders.values() for s in order}
    unassigned = [
        opt.UnassignedJob(u.job_id, opt.UnassignedReason(u.reason), u.detail)
        for u in published.unplanned
        if u.job_id in problem_jobs and u.job_id not in routed
    ]
    return _Editing(dataset, planning, published, orders, unassigned, DayLockRepository(session).locked(day))


def _refuse_locked_source(editing: _Editing, job_id: str) -> None:
    for technician_id, order in editing.orders.items():
        if job_id in order and technician_id in editing.locked:
            raise Conflict(f"job {job_id} is on the locked day of {technician_id}; unlock it first")


def _publish_edit(
    session: Session,
    editing: _Editing,
    orders: dict[str, list[str]],
    unassigned: list[opt.UnassignedJob],
    params: opt.SolveParams | None,
    now: datetime | None,
    what: str,
) -> Plan:
    params = params or opt.SolveParams()
    problem = editing.planning.problem
    solution = timed_solution(problem, params, orders, unassigned)
    _check(problem, solution, params, what, edit=True)
    plan = plan_from_solution(
        editing.planning,
        solution,
        plan_id=str(uuid.uuid4()),
        region=editing.published.region,
        created_at=now or datetime.now(UTC),
    )
    plan = dataclasses.replace(plan, solver_status=EDITED, solve_ms=0)
    publish_outcome(session, PlanOutcome(editing.dataset, plan, editing.planning, solution))
    return plan


class EditRefused(Conflict):
    """An edit whose plan the validator refuses; ``extensions`` lists every rule broken, for the API."""

    def __init__(self, message: str, report: ValidationReport) -> None:
        super().__init__(message)
        self.extensions = {"violations": [{"rule": v.rule, "detail": v.detail} for v in report.violations]}


def _check(
    problem: opt.Problem,
    solution: opt.Solution,
    params: opt.SolveParams,
    what: str,
    *,
    edit: bool,
) -> ValidationReport:
    """The validator's report; a refused edit is a 409 (``EditRefused``), a refused solve ``PlanRejected``."""
    report = validate(problem, solution, params)
    if not report.ok:
        listed = "; ".join(f"{v.rule}: {v.detail}" for v in report.violations[:5])
        message = f"{what} breaks {len(report.violations)} rule(s): {listed}"
        raise EditRefused(message, report) if edit else PlanRejected(message)
    return report


def _stops(route: PlannedRoute) -> list[str]:
    return [v.job_id or f"depot:{v.depot_id}" for v in sorted(route.visits, key=lambda v: v.sequence)]
