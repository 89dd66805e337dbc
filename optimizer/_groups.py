"""One group's improvement as a self-contained task, so that groups can be solved side by side in processes.

A task carries a Problem of its own: the group's technicians and jobs, every depot (same order, so depot
stops keep their numbers) holding only the share of its stock the group may pick up, and the travel
matrices of just those places, so a worker never builds or holds the whole day's matrices. The task does
to its group what the solve does to each group: ruin and recreate from the constructed plan, OR-Tools from
the result, the exact repair, fill-in and rescue; it returns the best plan in the task's own indices
(vehicle k is the group's k-th technician, job i its i-th job). Everything the search built (the OR-Tools
model, candidate plans, the search's history) is dropped when the task ends and the allocator is asked to
hand the freed memory back, so peak memory follows the largest group, not the time limit.

Everything in a task is a plain dataclass, numpy array or builtin, so it pickles for a process started
with ``spawn``; the worker entry points are module-level functions.
"""

from __future__ import annotations

import ctypes
import dataclasses
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from multiprocessing.synchronize import Event

import numpy as np

from optimizer._construct import fill_in, rescue
from optimizer._eject import eject
from optimizer._plans import Plan, Stock, plan_cost, repaired
from optimizer._progress import SearchControl
from optimizer._reach import depot_stock
from optimizer._routing import GroupResult, solve_group
from optimizer._ruin import ruin_and_recreate
from optimizer._schedule import Compiled
from optimizer.problem import Location, Problem, SolveParams

RUIN_ITERATIONS_DETERMINISTIC = 30
"""Ruin-and-recreate iterations per group in deterministic mode (seeded, so the plan repeats exactly)."""

RESCUE_SHARE = 0.05
"""Share of a group's time kept for the repairs at the end: left-out P1 and P2 jobs in place of lesser work,
then ejection chains for the P1 and P2 jobs that jobs as urgent block."""

MIN_SEARCH_S = 0.3
"""A group's share of the time below which no OR-Tools model is built: building one for a few hundred jobs
takes about that long, so the search would start after its time was up."""


@dataclass(frozen=True, slots=True)
class GroupTask:
    """One group to improve: its own problem, who may take each job, its constructed plan and its time."""

    index: int
    problem: Problem
    params: SolveParams
    allowed: list[list[int]]
    """Per job of ``problem``, the vehicles (indices into ``problem.technicians``) that can take it."""
    initial: Plan | None
    time_s: float
    """The group's share of the time, counted from when the task starts."""
    deadline_epoch_s: float
    """Wall-clock time (``time.time()``) by which the task ends whatever its share: clocks of other processes
    are not comparable with ``perf_counter``."""


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    """The best plan of a task (its own indices), its cost, and what the search did."""

    index: int
    plan: Plan
    cost: int
    history: list[tuple[float, int]]
    """(seconds since the task started, the group's objective) at each improvement."""
    solutions: int
    timed_out: bool
    found: bool
    first_solution_s: float | None


def group_task(
    c: Compiled,
    index: int,
    vehicles: list[int],
    jobs: list[int],
    allowed: list[list[int]],
    share: Stock,
    initial: Plan | None,
    time_s: float,
    deadline_epoch_s: float,
) -> GroupTask:
    """The task of one group of ``c``'s problem, with ``share`` of the depots' stock."""
    problem = c.problem
    rows = list(
        dict.fromkeys(
            [
                *(c.start_row[v] for v in vehicles),
                *(c.end_row[v] for v in vehicles),
                *c.depot_row,
                *(c.job_row[j] for j in jobs),
            ]
        )
    )
    new_row = {row: k for k, row in enumerate(rows)}
    picked = np.array(rows, dtype=np.int64)

    def at(location: Location, row: int) -> Location:
        return Location(location.lat, location.lon, new_row[row])

    technicians = tuple(
        dataclasses.replace(
            problem.technicians[v],
            start=at(problem.technicians[v].start, c.start_row[v]),
            end=at(problem.technicians[v].end_location, c.end_row[v]),
        )
        for v in vehicles
    )
    depots = tuple(
        dataclasses.replace(
            depot,
            location=at(depot.location, c.depot_row[d]),
            stock={sku: q for (dd, sku), q in sorted(share.items()) if dd == d and q > 0},
        )
        for d, depot in enumerate(problem.depots)
    )
    group_jobs = tuple(
        dataclasses.replace(problem.jobs[j], location=at(problem.jobs[j].location, c.job_row[j]))
        for j in jobs
    )
    sub = Problem(
        technicians=technicians,
        jobs=group_jobs,
        horizon=problem.horizon,
        depots=depots,
        travel_time_s=c.times[np.ix_(picked, picked)],
        distance_m=c.dists[np.ix_(picked, picked)],
        service_pct_by_level=problem.service_pct_by_level,
        name=f"{problem.name}#group{index}",
    )
    vehicle_of = {v: k for k, v in enumerate(vehicles)}
    job_of = {j: i for i, j in enumerate(jobs)}
    return GroupTask(
        index=index,
        problem=sub,
        params=c.params,
        allowed=[[vehicle_of[v] for v in allowed[j] if v in vehicle_of] for j in jobs],
        initial=None
        if initial is None
        else {vehicle_of[v]: [job_of[s] if s >= 0 else s for s in stops] for v, stops in initial.items()},
        time_s=time_s,
        deadline_epoch_s=deadline_epoch_s,
    )


def in_problem(plan: Plan, vehicles: list[int], jobs: list[int]) -> Plan:
    """A task's plan in the whole problem's indices."""
    return {vehicles[k]: [jobs[s] if s >= 0 else s for s in stops] for k, stops in plan.items()}


def run_group(task: GroupTask, control: SearchControl | None = None) -> GroupOutcome:
    """Improve the task's group within its time; ``control`` gets its progress and may stop it."""
    try:
        return _run(task, control or SearchControl(task.time_s))
    finally:
        release_memory()


def _run(task: GroupTask, control: SearchControl) -> GroupOutcome:
    began = time.perf_counter()
    params = task.params
    c = Compiled.build(task.problem, params)
    deadline = began + max(0.0, min(task.time_s, task.deadline_epoch_s - time.time()))
    vehicles = list(range(len(task.problem.technicians)))
    jobs = list(range(len(task.problem.jobs)))
    available = depot_stock(c)
    allowed = task.allowed
    history: list[tuple[float, int]] = []
    solutions = 0
    share = max(0.0, deadline - time.perf_counter()) * (1 - RESCUE_SHARE)
    initial = task.initial
    if initial is not None and params.ruin_share > 0 and jobs:
        ruin_began = time.perf_counter()
        initial, iterations = ruin_and_recreate(
            c,
            vehicles,
            jobs,
            allowed,
            available,
            initial,
            deadline=ruin_began + share * params.ruin_share,
            seed=params.seed + task.index,
            max_iterations=RUIN_ITERATIONS_DETERMINISTIC if params.deterministic else None,
            control=control,
        )
        solutions += iterations
        # The search then starts from a plan that already serves the P1s repairs can bring in: it never
        # drops them again (their penalties dominate), and the time left is spent around them.
        initial = _repaired(c, initial, jobs, allowed, available, time.perf_counter() + share * RESCUE_SHARE)
        share = max(0.0, share - (time.perf_counter() - ruin_began))
        history.append((time.perf_counter() - began, plan_cost(c, initial, jobs, available)))
    search_began = time.perf_counter() - began
    if share >= MIN_SEARCH_S or initial is None:
        result = solve_group(c, vehicles, jobs, allowed, available, initial, share, control)
    else:  # no time left to build and search a model: the plan so far stands
        result = GroupResult({}, False, None, [], 0, True)
    solutions += result.solutions
    start = initial if initial is not None else {v: [] for v in vehicles}
    best = repaired(c, start, available)
    best_cost = plan_cost(c, best, jobs, available)
    if result.found:
        improved = repaired(c, result.routes, available)
        improved_cost = plan_cost(c, improved, jobs, available)
        if improved_cost <= best_cost:
            best, best_cost = improved, improved_cost
    if best != task.initial:  # the construction already tried every job on its own routes
        filled = fill_in(c, best, jobs, allowed, available)
        filled_cost = plan_cost(c, filled, jobs, available)
        if filled_cost < best_cost:
            best, best_cost = filled, filled_cost
    best = _repaired(c, best, jobs, allowed, available, max(deadline, time.perf_counter() + 0.1))
    best_cost = plan_cost(c, best, jobs, available)
    history.extend((search_began + at_s, cost) for at_s, cost in result.objective_over_time)
    history.append((time.perf_counter() - began, best_cost))
    return GroupOutcome(
        index=task.index,
        plan=best,
        cost=best_cost,
        history=history,
        solutions=solutions,
        timed_out=result.timed_out,
        found=result.found or any(start.values()),
        first_solution_s=None if result.first_solution_s is None else search_began + result.first_solution_s,
    )


def _repaired(
    c: Compiled,
    plan: Plan,
    jobs: list[int],
    allowed: list[list[int]],
    available: dict[tuple[int, str], int],
    deadline: float,
) -> Plan:
    """``plan`` after the repairs that bring left-out P1 and P2 jobs in (each kept only if it costs less):
    in place of lesser work, then by ejection chains for those that jobs as urgent block."""
    cost = plan_cost(c, plan, jobs, available)
    for repair in (rescue, eject):
        candidate = repair(c, plan, jobs, allowed, available, max(deadline, time.perf_counter() + 0.1))
        candidate_cost = plan_cost(c, candidate, jobs, available)
        if candidate_cost < cost:
            plan, cost = candidate, candidate_cost
    return plan


# What a worker process of the pool keeps: the event that says the solve was stopped.
_stop: Event | None = None


def init_worker(stop: Event) -> None:
    """Pool initializer: remember the solve's stop event (shared with the parent process)."""
    global _stop
    _stop = stop


def worker_stop() -> Callable[[], bool] | None:
    """In a pool worker, the check of the solve's stop event (None outside a pool)."""
    return _stop.is_set if _stop is not None else None


def ready() -> bool:
    """A task that does nothing: submitted first, it makes the workers start (and import) early."""
    return True


def run_in_worker(task: GroupTask) -> GroupOutcome:
    """``run_group`` in a pool worker, stopping early when the parent sets the stop event."""
    stop = _stop
    with SearchControl(task.time_s, None, stop.is_set if stop is not None else None) as control:
        return run_group(task, control)


@cache
def _libc() -> ctypes.CDLL | None:
    """The C library the process runs on (its symbols are the process's own: no search, no subprocess)."""
    try:
        return ctypes.CDLL(None)
    except OSError:  # pragma: no cover - a platform without dlopen
        return None


def release_memory() -> None:
    """Collect the young garbage a group's search made and hand freed heap memory back to the system
    (glibc keeps it otherwise, so the process would stay as large as its largest group plus whatever the
    allocator fragmented). Only the young generations: a full collection walks every object of the
    process, which in a service holding months of history takes seconds a group."""
    gc.collect(1)
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is not None:
        trim(0)
