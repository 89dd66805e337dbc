"""The one entry point: ``solve(problem, params) -> Solution``.

1. Compile the problem to matrices and arrays; find who can take each job (skills, parts, reach) and why
   nobody can, for jobs refused up front.
2. Split technicians and jobs into independent groups (no job can go to technicians of two groups).
3. Build a complete plan fast: the priority-first greedy construction of every group (the time it takes is
   the time to the first solution).
4. Improve each group, its share of the remaining time by size: first ruin and recreate (``_ruin``: string
   removals reinserted by the construction's exact insertions, under annealing), then OR-Tools from that
   plan (guided local search). A group whose share is too short to build an OR-Tools model keeps its plan.
   Each group is a self-contained task (``_groups``: its own small problem and matrices), solved in this
   process one after the other, or with ``SolveParams.workers`` above 1 side by side in a local process
   pool, largest first. Depot stock is divided between the groups before (each keeps what its constructed
   plan picks; what nobody picked goes to the group nearest the depot), so no unit is promised twice, and
   re-balanced after: stock no group used is offered to jobs still out for want of a part.
5. Recompute every route's times with the exact scheduler, repair any route it refuses (dropping its
   lowest-priority jobs), keep the better of the improved and the constructed plan per group, try once
   more to insert every job still out (so "capacity" means no capable route has room for it), let
   left-out P1 and P2 jobs take the place of lower-priority work where that pays (``rescue``), and give
   every unassigned job its reason.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    BrokenExecutor,
    Executor,
    Future,
    InvalidStateError,
    ProcessPoolExecutor,
    wait,
)
from contextlib import contextmanager
from multiprocessing.synchronize import Event

from optimizer._construct import construct, fill_in
from optimizer._groups import (
    GroupOutcome,
    GroupTask,
    group_task,
    in_problem,
    init_worker,
    ready,
    release_memory,
    run_group,
    run_in_worker,
    worker_stop,
)
from optimizer._plans import Plan, Stock, divide_stock, minus, picks_of, plan_cost, repaired
from optimizer._progress import POLL_S, ProgressCallback, SearchControl, StopCheck, served_jobs
from optimizer._reach import Reach, compute_reach, groups
from optimizer._schedule import Compiled, Timing, depot_of, schedule
from optimizer._split import too_large
from optimizer._split_solve import PartRunner, PartTask, solve_in_parts
from optimizer.problem import CostWeights, Problem, SolveParams
from optimizer.solution import (
    BreakPlacement,
    ObjectiveBreakdown,
    Route,
    Solution,
    SolveStats,
    SolveStatus,
    UnassignedJob,
    UnassignedReason,
    Visit,
    VisitKind,
)
from optimizer.travel import TravelTimes

MIN_POOL_TIME_S = 5.0
"""Time limit below which groups are solved in this process whatever ``SolveParams.workers`` says: spawning
workers that import OR-Tools takes a second or two on an idle machine, a large share of a shorter solve."""


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    travel: TravelTimes | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    should_stop: StopCheck | None = None,
    part_executor: Executor | None = None,
) -> Solution:
    """Plan ``problem``: routes, unassigned jobs with reasons, objective, status and search statistics.

    ``on_progress`` receives ``SolveProgress`` reports while the search runs; ``should_stop`` is asked
    every 0.1 s and, once true, ends the search with the best plan so far (status ``CANCELLED``).

    ``part_executor``: where the parts of a day split in parts (``SolveParams.max_part_jobs``) are
    improved, instead of the local process pool: any ``concurrent.futures.Executor``, handed
    ``optimizer.parts.solve_part_data`` and each part as plain data (``optimizer.parts``), whose future
    gives the part's solution as plain data. Parts are out ``part_executor.max_workers`` at a time where the
    executor has such an integer attribute, else ``params.workers`` at a time. A part whose future fails
    (or is cancelled) keeps its constructed plan. Days solved whole ignore it.
    """
    params = params or SolveParams()
    runner = _PARTS if part_executor is None else _given(part_executor)
    with SearchControl(params.time_limit_s, on_progress, should_stop) as control:
        if params.decompose and too_large(problem, params):
            solution = solve_in_parts(problem, params, travel, control, runner)
        else:
            solution = _solve(problem, params, travel, control)
    if control.stop_requested and solution.status in (SolveStatus.FEASIBLE, SolveStatus.TIMED_OUT):
        solution = dataclasses.replace(solution, status=SolveStatus.CANCELLED)
    assigned = solution.assigned_job_ids
    p1_assigned = sum(1 for job_id in assigned if problem.job(job_id).priority == 1)
    control.final(solution.objective.total, len(assigned), len(solution.unassigned), p1_assigned)
    return solution


def _solve(
    problem: Problem,
    params: SolveParams,
    travel: TravelTimes | None,
    control: SearchControl,
    *,
    hint: Sequence[Route] = (),
    construct_only: bool = False,
) -> Solution:
    """Solve one day whole. ``hint`` (routes of an earlier plan) replaces the construction where given;
    ``construct_only`` returns the constructed plan without improving it."""
    began = time.perf_counter()
    try:
        c = Compiled.build(problem, params, travel)
    except ValueError as error:
        return Solution(SolveStatus.INVALID_PROBLEM, (), (), ObjectiveBreakdown(), message=str(error))
    reach = compute_reach(c)
    n_vehicles = len(problem.technicians)
    if params.decompose:
        parts = groups(reach.allowed, n_vehicles)
    else:
        routable = [j for j, vs in enumerate(reach.allowed) if vs]
        parts = [(list(range(n_vehicles)), routable)] if routable else []
    workers = min(params.workers, len(parts)) if params.time_limit_s >= MIN_POOL_TIME_S else 1
    if construct_only:
        workers = 1
    with _pool(workers) as pool:
        return _improve(c, reach, parts, pool, workers, began, control, hint, construct_only)


def _improve(
    c: Compiled,
    reach: Reach,
    parts: list[tuple[list[int], list[int]]],
    pool: ProcessPoolExecutor | None,
    workers: int,
    began: float,
    control: SearchControl,
    hint: Sequence[Route] = (),
    construct_only: bool = False,
) -> Solution:
    """Construct every group, improve the groups (side by side in ``pool`` when given), merge, re-balance."""
    problem, params = c.problem, c.params
    available = dict(reach.depot_stock)
    constructed: list[Plan] = []
    hinted = _hint_plan(c, hint) if hint else None
    for vehicles, jobs in parts:
        if hinted is not None:
            plan = _from_hint(c, hinted, vehicles, jobs, reach.allowed, available)
            available = minus(available, [picks_of(c, plan)])
            constructed.append(plan)
        elif params.use_construction:
            state = construct(c, vehicles, jobs, reach.allowed, available)
            available = state.remaining
            constructed.append({v: list(stops) for v, stops in state.routes.items()})
        else:
            constructed.append({v: [] for v in vehicles})
    first_solution_s = time.perf_counter() - began if params.use_construction else None
    history: list[tuple[float, int]] = []
    full_stock = dict(reach.depot_stock)
    constructed_picks = [picks_of(c, plan) for plan in constructed]
    # Each group gets its share of the depots' stock before any is improved, so that groups solved at once
    # never promise the same unit; what their final plans leave is re-balanced afterwards.
    shares = divide_stock(c, parts, full_stock, constructed_picks)
    costs = [
        plan_cost(c, p, jobs, shares[g])
        for g, (p, (_, jobs)) in enumerate(zip(constructed, parts, strict=True))
    ]
    refused_drops = sum(params.weights.leaving_out(problem.jobs[j]) for j in reach.refusals)
    p1s = {j for j, job in enumerate(problem.jobs) if job.priority == 1}
    if params.use_construction:
        history.append((first_solution_s or 0.0, refused_drops + sum(costs)))
        control.plan(
            history[-1][1],
            served_jobs(constructed),
            len(problem.jobs),
            p1_assigned=served_jobs(constructed, p1s),
            groups=(0, len(parts)),
        )
    if construct_only:
        found = any(any(p.values()) for p in constructed)
        return _solution(c, reach, parts, constructed, began, first_solution_s, history, 1, False, found)
    deadline = began + params.time_limit_s * 0.97
    deadline_epoch = time.time() + (deadline - time.perf_counter())
    plans: list[Plan] = [dict(p) for p in constructed]
    outcome_of: dict[int, GroupOutcome] = {}

    def task(g: int, time_s: float) -> GroupTask:
        vehicles, jobs = parts[g]
        initial = constructed[g] if params.use_construction or hint else None
        return group_task(c, g, vehicles, jobs, reach.allowed, shares[g], initial, time_s, deadline_epoch)

    def finished(outcome: GroupOutcome) -> None:
        g = outcome.index
        vehicles, jobs = parts[g]
        outcome_of[g] = outcome
        plans[g] = in_problem(outcome.plan, vehicles, jobs)
        costs[g] = outcome.cost
        history.append((time.perf_counter() - began, refused_drops + sum(costs)))
        control.plan(
            history[-1][1],
            served_jobs(plans),
            len(problem.jobs),
            p1_assigned=served_jobs(plans, p1s),
            groups=(len(outcome_of), len(parts)),
        )

    jobs_left = sum(len(jobs) for _, jobs in parts)
    # Out of time already (a slow construction): the pool's workers may still be starting, so the groups'
    # last steps run here rather than wait for them.
    if pool is None or deadline - time.perf_counter() < MIN_POOL_TIME_S / 2:
        for g, (_, jobs) in enumerate(parts):
            share = max(0.05, (deadline - time.perf_counter()) * len(jobs) / max(1, jobs_left))
            jobs_left -= len(jobs)
            control.group_offset(refused_drops + sum(costs) - costs[g])
            group_began = time.perf_counter() - began
            outcome = run_group(task(g, share), control)
            rest = refused_drops + sum(costs) - costs[g]
            for at_s, group_objective in outcome.history:
                if not history or rest + group_objective < history[-1][1]:
                    history.append((group_began + at_s, rest + group_objective))
            if outcome.first_solution_s is not None and first_solution_s is None:
                first_solution_s = group_began + outcome.first_solution_s
            finished(outcome)
    else:
        first_solution_s = _in_parallel(
            pool, workers, parts, task, finished, deadline, control, first_solution_s, began
        )
    plans = _rebalanced(c, reach, parts, plans, full_stock)
    outcomes = list(outcome_of.values())
    return _solution(
        c,
        reach,
        parts,
        plans,
        began,
        first_solution_s,
        history,
        len(history) + sum(o.solutions for o in outcomes),
        any(o.timed_out for o in outcomes),
        not parts or any(o.found for o in outcomes) or any(any(p.values()) for p in constructed),
    )


def run_part(task: PartTask, control: SearchControl) -> Solution:
    """One part of a split day solved whole in this process; its memory is handed back when it ends."""
    try:
        return _solve(
            task.problem,
            task.params,
            task.travel,
            control,
            hint=task.hint,
            construct_only=task.construct_only,
        )
    finally:
        release_memory()


def run_part_in_worker(task: PartTask) -> Solution:
    """``run_part`` in a pool worker, stopping early when the parent sets the stop event."""
    with SearchControl(task.params.time_limit_s, None, worker_stop()) as control:
        return run_part(task, control)


def _hint_plan(c: Compiled, hint: Sequence[Route]) -> Plan:
    """An earlier plan's routes as stops of this problem (jobs or depots it does not know are left out)."""
    problem = c.problem
    vehicle = {t.id: v for v, t in enumerate(problem.technicians)}
    job = {j.id: k for k, j in enumerate(problem.jobs)}
    depot = {d.id: k for k, d in enumerate(problem.depots)}
    plan: Plan = {}
    for route in hint:
        if route.technician_id not in vehicle:
            continue
        stops: list[int] = []
        for visit in route.visits:
            if visit.job_id is not None and visit.job_id in job:
                stops.append(job[visit.job_id])
            elif visit.job_id is None and visit.depot_id is not None and visit.depot_id in depot:
                stops.append(-(depot[visit.depot_id] + 1))
        plan[vehicle[route.technician_id]] = stops
    return plan


def _from_hint(
    c: Compiled,
    hinted: Plan,
    vehicles: list[int],
    jobs: list[int],
    allowed: list[list[int]],
    available: Stock,
) -> Plan:
    """A group's start from an earlier plan: its routes kept where they still hold (only jobs of the group
    its technicians can take), then every job they leave out inserted where it fits."""
    members = set(jobs)
    plan: Plan = {}
    for v in vehicles:
        plan[v] = [s for s in hinted.get(v, []) if s < 0 or (s in members and v in allowed[s])]
    return fill_in(c, repaired(c, plan, available), jobs, allowed, available)


def _in_parallel(
    pool: ProcessPoolExecutor,
    workers: int,
    parts: list[tuple[list[int], list[int]]],
    task: Callable[[int, float], GroupTask],
    finished: Callable[[GroupOutcome], None],
    deadline: float,
    control: SearchControl,
    first_solution_s: float | None,
    began: float,
) -> float | None:
    """Improve the groups in the pool, largest first, ``workers`` at a time; each task gets its share of the
    workers' time left when it starts. A task that fails keeps its group's constructed plan; once the pool
    itself is broken (a worker killed), the groups not yet started are improved in this process."""
    order = sorted(range(len(parts)), key=lambda g: (-len(parts[g][1]), g))
    jobs_left = sum(len(jobs) for _, jobs in parts)
    running: dict[Future[GroupOutcome], int] = {}
    while order or running:
        while order and len(running) < workers:
            g = order.pop(0)
            size = len(parts[g][1])
            left = max(0.0, deadline - time.perf_counter())
            share = max(0.05, min(left, left * workers * size / max(1, jobs_left)))
            jobs_left -= size
            try:
                running[pool.submit(run_in_worker, task(g, share))] = g
            except BrokenExecutor:
                finished(run_group(task(g, share / workers), control))
        done, _ = wait(running, timeout=POLL_S, return_when=FIRST_COMPLETED)
        if control.cancelled:
            _STOP_EVENTS[id(pool)].set()
        for future in done:
            g = running.pop(future)
            try:
                outcome = future.result()
            except Exception:  # a failed sub-solve keeps its constructed plan
                continue
            if outcome.first_solution_s is not None and first_solution_s is None:
                first_solution_s = time.perf_counter() - began
            finished(outcome)
    return first_solution_s


def _rebalanced(
    c: Compiled,
    reach: Reach,
    parts: list[tuple[list[int], list[int]]],
    plans: list[Plan],
    stock: Stock,
) -> list[Plan]:
    """The plans with depot stock no group used offered to jobs still out for want of a part."""
    picks = [picks_of(c, plan) for plan in plans]
    leftover = minus(stock, picks)
    spare = {sku for (_, sku), q in leftover.items() if q > 0}
    if not spare or len(parts) < 2:
        return plans
    result = list(plans)
    for g, (_, jobs) in enumerate(parts):
        served = {s for stops in result[g].values() for s in stops}
        wanting = [j for j in jobs if j not in served and spare & set(c.problem.jobs[j].required_parts)]
        if not wanting:
            continue
        available = minus(stock, [p for k, p in enumerate(picks) if k != g])
        filled = fill_in(c, result[g], wanting, reach.allowed, available)
        if plan_cost(c, filled, jobs, available) < plan_cost(c, result[g], jobs, available):
            result[g] = filled
            picks[g] = picks_of(c, filled)
    return result


_STOP_EVENTS: dict[int, Event] = {}
"""The stop event of each live pool, by the pool's id (set when the caller stops the solve)."""


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """A local process pool of ``workers`` spawned processes, or None for one worker; the workers start at
    once (a no-op task each) so that they import while the main process constructs the first plan."""
    if workers < 2:
        yield None
        return
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=(stop,))
    _STOP_EVENTS[id(pool)] = stop
    warming = [pool.submit(ready) for _ in range(workers)]
    try:
        yield pool
    finally:
        stop.set()
        # Workers still starting when the pool went unused are not waited for: they exit once started.
        pool.shutdown(wait=all(w.done() for w in warming), cancel_futures=True)
        del _STOP_EVENTS[id(pool)]


def _submit_to_pool(pool: Executor, task: PartTask) -> Future[Solution]:
    """A part to the local process pool (pickled between this process and its own children)."""
    return pool.submit(run_part_in_worker, task)


_PARTS = PartRunner(run_part, _submit_to_pool, _pool)
"""How the parts of a split day are solved: here, or in this module's process pool."""


def _given(executor: Executor) -> PartRunner:
    """How the parts of a split day are solved with a caller's executor: as plain data, both ways."""

    @contextmanager
    def pool(_: int) -> Iterator[Executor]:
        yield executor  # the caller's: it outlives the solve

    workers = getattr(executor, "max_workers", None)
    if not isinstance(workers, int) or workers < 1:
        workers = None
    return PartRunner(run_part, _submit_as_data, pool, always_pool=True, workers=workers)


def _submit_as_data(executor: Executor, task: PartTask) -> Future[Solution]:
    """``task`` submitted as plain data; a future of its solution read back from plain data (a future
    cancelled by the solve cancels the executor's)."""
    from optimizer.parts import part_to_data, solution_from_data, solve_part_data

    inner = executor.submit(solve_part_data, part_to_data(task))
    outer: Future[Solution] = Future()

    def settle(done: Future[dict[str, object]]) -> None:
        try:
            if done.cancelled():
                outer.cancel()
            elif (error := done.exception()) is not None:
                outer.set_exception(error)
            else:
                try:
                    solution = solution_from_data(done.result())
                except Exception as bad:  # a malformed answer fails the part, nothing else
                    outer.set_exception(bad)
                else:
                    outer.set_result(solution)
        except InvalidStateError:  # the solve cancelled the part meanwhile
            pass

    def cancel_inner(done: Future[Solution]) -> None:
        if done.cancelled():
            inner.cancel()

    outer.add_done_callback(cancel_inner)
    inner.add_done_callback(settle)
    return outer


def _route(c: Compiled, v: int, timing: Timing) -> Route:
    problem = c.problem
    tech = problem.technicians[v]
    visits = []
    for k, stop in enumerate(timing.stops):
        is_job = stop >= 0
        visits.append(
            Visit(
                kind=VisitKind.JOB if is_job else VisitKind.DEPOT_PICKUP,
                arrival_s=timing.arrivals[k],
                start_s=timing.starts[k],
                end_s=timing.ends[k],
                travel_s=timing.legs_s[k],
                distance_m=timing.legs_m[k],
                job_id=problem.jobs[stop].id if is_job else None,
                depot_id=None if is_job else problem.depots[depot_of(stop)].id,
                parts_picked=timing.picks[k],
                lateness_s=timing.lateness[k],
            )
        )
    return Route(
        technician_id=tech.id,
        visits=tuple(visits),
        start_s=timing.route_start,
        end_s=timing.route_end,
        end_travel_s=timing.legs_s[-1],
        end_distance_m=timing.legs_m[-1],
        travel_s=sum(timing.legs_s),
        distance_m=sum(timing.legs_m),
        work_s=timing.route_end - timing.route_start,
        overtime_s=max(0, timing.route_end - tech.shift.end_s),
        lunch=BreakPlacement(*timing.lunch) if timing.lunch is not None else None,
    )


def _solution(
    c: Compiled,
    reach: Reach,
    parts: list[tuple[list[int], list[int]]],
    plans: list[Plan],
    began: float,
    first_solution_s: float | None,
    history: list[tuple[float, int]],
    solutions: int,
    timed_out: bool,
    found_any: bool,
) -> Solution:
    problem = c.problem
    weights = c.params.weights
    free = dict(reach.depot_stock)
    routes: list[Route] = []
    served: set[int] = set()
    for plan in plans:
        for v in sorted(plan):
            if not plan[v]:
                continue
            timing = schedule(c, v, plan[v], free)
            if timing is None:
                continue
            routes.append(_route(c, v, timing))
            served.update(s for s in plan[v] if s >= 0)
            for stop, picked in zip(timing.stops, timing.picks, strict=True):
                for sku, q in picked.items():
                    key = (depot_of(stop), sku)
                    free[key] = free.get(key, 0) - q
    routes.sort(key=lambda r: r.technician_id)
    unassigned = []
    for j, job in enumerate(problem.jobs):
        if j in served:
            continue
        refusal = reach.refusals.get(j)
        if refusal is not None:
            unassigned.append(UnassignedJob(job.id, refusal.reason, refusal.detail))
            continue
        capable = reach.allowed[j]
        if j in c.locked:
            detail = f"locked to {problem.technicians[c.locked[j]].id}, whose route cannot be kept"
            unassigned.append(UnassignedJob(job.id, UnassignedReason.LOCKED_ELSEWHERE, detail))
        elif job.pinned_technician_id is not None:
            detail = f"pinned technician {job.pinned_technician_id} can take it, but their day is full"
            unassigned.append(UnassignedJob(job.id, UnassignedReason.CAPACITY, detail))
        else:
            detail = f"{len(capable)} capable technicians could reach it, but their days are full"
            if job.can_wait:
                detail += " of work due sooner; it can wait for another day within its SLA"
            unassigned.append(UnassignedJob(job.id, UnassignedReason.CAPACITY, detail))
    objective = objective_of(problem, weights, routes, unassigned)
    if not parts:
        status = SolveStatus.OPTIMAL
    elif not found_any:
        status = SolveStatus.NO_SOLUTION
    elif timed_out:
        status = SolveStatus.TIMED_OUT
    else:
        status = SolveStatus.FEASIBLE
    stats = SolveStats(
        wall_time_s=time.perf_counter() - began,
        time_to_first_solution_s=first_solution_s,
        objective_over_time=tuple(history),
        solutions_found=solutions,
        groups=len(parts),
    )
    return Solution(status, tuple(routes), tuple(unassigned), objective, stats)


def objective_of(
    problem: Problem, weights: CostWeights, routes: Sequence[Route], unassigned: Sequence[UnassignedJob]
) -> ObjectiveBreakdown:
    """The objective of a plan of ``problem`` from its routes and left-out jobs (no matrix needed)."""
    fixed_cost = {t.id: t.fixed_cost for t in problem.technicians}
    return ObjectiveBreakdown(
        travel=weights.travel_cost_per_s * sum(r.travel_s for r in routes),
        distance=weights.distance_cost_per_m * sum(r.distance_m for r in routes),
        lateness=sum(
            weights.lateness_cost_per_s(problem.job(str(v.job_id)).priority) * v.lateness_s
            for r in routes
            for v in r.visits
            if v.kind is VisitKind.JOB
        ),
        breaches=sum(
            weights.breach_penalty(job.priority)
            for r in routes
            for v in r.visits
            if v.job_id is not None and (job := problem.job(v.job_id)).breaches_sla(v.start_s)
        ),
        drops=sum(weights.leaving_out(problem.job(u.job_id)) for u in unassigned),
        overtime=weights.overtime_cost_per_s * sum(r.overtime_s for r in routes),
        fixed=sum(fixed_cost[r.technician_id] for r in routes),
        reassignment=weights.reassignment_cost
        * sum(
            1
            for r in routes
            for v in r.visits
            if v.job_id is not None and problem.job(v.job_id).reassigned_to(r.technician_id)
        ),
        broken_promises=weights.broken_promise_cost
        * sum(
            1
            for r in routes
            for v in r.visits
            if v.job_id is not None and problem.job(v.job_id).breaks_promise(v.start_s)
        ),
    )
