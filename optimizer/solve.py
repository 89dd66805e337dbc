"""The one entry point: ``solve(problem, params) -> Solution``.

1. Compile the problem to matrices and arrays; find who can take each job (skills, parts, reach) and why
   nobody can, for jobs refused up front.
2. Split technicians and jobs into independent groups (no job can go to technicians of two groups).
3. Build a complete plan fast: the priority-first greedy construction of every group (the time it takes is
   the time to the first solution).
4. Improve each group, its share of the remaining time by size: first ruin and recreate (``_ruin``: string
   removals reinserted by the construction's exact insertions, under annealing), then OR-Tools from that
   plan (guided local search); depot stock is shared, so groups are solved one after the other, each
   taking what is left. A group whose share is too short to build an OR-Tools model keeps its plan.
5. Recompute every route's times with the exact scheduler, repair any route it refuses (dropping its
   lowest-priority jobs), keep the better of the improved and the constructed plan per group, try once
   more to insert every job still out (so "capacity" means no capable route has room for it), let
   left-out P1 and P2 jobs take the place of lower-priority work where that pays (``rescue``), and give
   every unassigned job its reason.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping

from optimizer._construct import construct, fill_in, rescue
from optimizer._progress import ProgressCallback, SearchControl, StopCheck, served_jobs
from optimizer._reach import Reach, compute_reach, groups
from optimizer._routing import GroupResult, solve_group
from optimizer._ruin import ruin_and_recreate
from optimizer._schedule import Compiled, Timing, depot_of, schedule
from optimizer.problem import Problem, SolveParams
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

Plan = dict[int, list[int]]

RUIN_ITERATIONS_DETERMINISTIC = 30
"""Ruin-and-recreate iterations per group in deterministic mode (seeded, so the plan repeats exactly)."""

_RESCUE_SHARE = 0.05
"""Share of a group's time kept for putting left-out P1 and P2 jobs in place of lesser work at the end."""

_MIN_SEARCH_S = 0.3
"""A group's share of the time below which no OR-Tools model is built: building one for a few hundred jobs
takes about that long, so the search would start after its time was up."""


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    travel: TravelTimes | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    should_stop: StopCheck | None = None,
) -> Solution:
    """Plan ``problem``: routes, unassigned jobs with reasons, objective, status and search statistics.

    ``on_progress`` receives ``SolveProgress`` reports while the search runs; ``should_stop`` is asked
    every 0.1 s and, once true, ends the search with the best plan so far (status ``CANCELLED``).
    """
    params = params or SolveParams()
    with SearchControl(params.time_limit_s, on_progress, should_stop) as control:
        solution = _solve(problem, params, travel, control)
    if control.stop_requested and solution.status in (SolveStatus.FEASIBLE, SolveStatus.TIMED_OUT):
        solution = dataclasses.replace(solution, status=SolveStatus.CANCELLED)
    control.final(solution.objective.total, len(solution.assigned_job_ids), len(solution.unassigned))
    return solution


def _solve(
    problem: Problem, params: SolveParams, travel: TravelTimes | None, control: SearchControl
) -> Solution:
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
    available = dict(reach.depot_stock)
    constructed: list[Plan] = []
    for vehicles, jobs in parts:
        if params.use_construction:
            state = construct(c, vehicles, jobs, reach.allowed, available)
            available = state.remaining
            constructed.append({v: list(stops) for v, stops in state.routes.items()})
        else:
            constructed.append({v: [] for v in vehicles})
    first_solution_s = time.perf_counter() - began if params.use_construction else None
    history: list[tuple[float, int]] = []
    plans: list[Plan] = []
    costs = [
        _plan_cost(c, p, jobs, dict(reach.depot_stock))
        for p, (_, jobs) in zip(constructed, parts, strict=True)
    ]
    refused_drops = sum(params.weights.drop_penalty(problem.jobs[j].priority) for j in reach.refusals)
    if params.use_construction:
        history.append((first_solution_s or 0.0, refused_drops + sum(costs)))
        control.plan(history[-1][1], served_jobs(constructed), len(problem.jobs))
    full_stock = dict(reach.depot_stock)
    constructed_picks = [_picks_of(c, plan) for plan in constructed]
    final_picks: list[dict[tuple[int, str], int]] = []
    deadline = began + params.time_limit_s * 0.97
    timed_out = False
    found_any = not parts
    solutions = len(history)
    jobs_left = sum(len(jobs) for _, jobs in parts)
    for g, (vehicles, jobs) in enumerate(parts):
        group_available = _minus(full_stock, [*final_picks, *constructed_picks[g + 1 :]])
        share = max(0.05, (deadline - time.perf_counter()) * len(jobs) / max(1, jobs_left))
        group_deadline = time.perf_counter() + share
        share *= 1 - _RESCUE_SHARE
        jobs_left -= len(jobs)
        initial = constructed[g] if params.use_construction else None
        group_began = time.perf_counter() - began
        control.group_offset((history[-1][1] if history else refused_drops + sum(costs)) - costs[g])
        if initial is not None and params.ruin_share > 0 and jobs:
            ruin_began = time.perf_counter()
            initial, iterations = ruin_and_recreate(
                c,
                vehicles,
                jobs,
                reach.allowed,
                group_available,
                initial,
                deadline=ruin_began + share * params.ruin_share,
                seed=params.seed + g,
                max_iterations=RUIN_ITERATIONS_DETERMINISTIC if params.deterministic else None,
                control=control,
            )
            solutions += iterations
            share = max(0.0, share - (time.perf_counter() - ruin_began))
            rest = (history[-1][1] if history else refused_drops + sum(costs)) - costs[g]
            costs[g] = _plan_cost(c, initial, jobs, group_available)
            history.append((time.perf_counter() - began, rest + costs[g]))
        if share >= _MIN_SEARCH_S or not params.use_construction:
            result = solve_group(c, vehicles, jobs, reach.allowed, group_available, initial, share, control)
        else:  # no time left to build and search a model: the constructed plan stands
            result = GroupResult({}, False, None, [], 0, True)
        timed_out = timed_out or result.timed_out
        solutions += result.solutions
        if result.first_solution_s is not None and first_solution_s is None:
            first_solution_s = group_began + result.first_solution_s
        found_any = found_any or result.found or any(constructed[g].values())
        best = _repaired(c, initial if initial is not None else constructed[g], group_available)
        best_cost = _plan_cost(c, best, jobs, group_available)
        if result.found:
            improved = _repaired(c, result.routes, group_available)
            improved_cost = _plan_cost(c, improved, jobs, group_available)
            if improved_cost <= best_cost:
                best, best_cost = improved, improved_cost
        if best != constructed[g]:  # the construction already tried every job on its own routes
            filled = fill_in(c, best, jobs, reach.allowed, group_available)
            filled_cost = _plan_cost(c, filled, jobs, group_available)
            if filled_cost < best_cost:
                best, best_cost = filled, filled_cost
        rescued = rescue(
            c, best, jobs, reach.allowed, group_available, max(group_deadline, time.perf_counter() + 0.1)
        )
        rescued_cost = _plan_cost(c, rescued, jobs, group_available)
        if rescued_cost < best_cost:
            best, best_cost = rescued, rescued_cost
        previous = history[-1][1] if history else refused_drops + sum(costs)
        rest = previous - costs[g]
        for at_s, group_objective in result.objective_over_time:
            total = rest + group_objective
            if not history or total < history[-1][1]:
                history.append((group_began + at_s, total))
        history.append((time.perf_counter() - began, rest + best_cost))
        costs[g] = best_cost
        plans.append(best)
        control.plan(history[-1][1], served_jobs([*plans, *constructed[g + 1 :]]), len(problem.jobs))
        final_picks.append(_picks_of(c, best))
    return _solution(
        c, reach, parts, plans, began, first_solution_s, history, solutions, timed_out, found_any
    )


def _minus(
    stock: Mapping[tuple[int, str], int], claims: list[dict[tuple[int, str], int]]
) -> dict[tuple[int, str], int]:
    left = dict(stock)
    for claim in claims:
        for key, q in claim.items():
            left[key] = left.get(key, 0) - q
    return left


def _picks_of(c: Compiled, plan: Plan) -> dict[tuple[int, str], int]:
    """Depot stock a plan picks up (the amounts its routes need, whatever else is free)."""
    claimed: dict[tuple[int, str], int] = {}
    free = {key: 10**12 for key in _all_depot_keys(c)}
    for v, stops in plan.items():
        timing = schedule(c, v, stops, free) if stops else None
        if timing is None:
            continue
        for stop, picked in zip(timing.stops, timing.picks, strict=True):
            for sku, q in picked.items():
                key = (depot_of(stop), sku)
                claimed[key] = claimed.get(key, 0) + q
    return claimed


def _all_depot_keys(c: Compiled) -> list[tuple[int, str]]:
    return [(d, sku) for d, depot in enumerate(c.problem.depots) for sku in depot.stock]


def _repaired(c: Compiled, plan: Plan, available: dict[tuple[int, str], int]) -> Plan:
    """The plan with each route made feasible for the exact scheduler (lowest priorities dropped first)."""
    free = dict(available)
    result: Plan = {}
    for v in sorted(plan):
        stops = list(plan[v])
        locked = len(c.problem.technicians[v].locked_job_ids)
        timing = schedule(c, v, stops, free) if stops else None
        while stops and timing is None:
            candidates = [k for k in range(locked, len(stops)) if stops[k] >= 0] or [len(stops) - 1]
            worst = max(
                candidates, key=lambda k: (c.problem.jobs[stops[k]].priority if stops[k] >= 0 else 9, k)
            )
            stops.pop(worst)
            timing = schedule(c, v, stops, free) if stops else None
        if timing is not None:
            useless = [
                k for k, (s, p) in enumerate(zip(timing.stops, timing.picks, strict=True)) if s < 0 and not p
            ]
            if useless:
                trimmed = [s for k, s in enumerate(stops) if k not in useless]
                shorter = schedule(c, v, trimmed, free)
                if shorter is not None:
                    stops, timing = trimmed, shorter
            for stop, picked in zip(timing.stops, timing.picks, strict=True):
                for sku, q in picked.items():
                    key = (depot_of(stop), sku)
                    free[key] = free.get(key, 0) - q
        result[v] = stops if timing is not None else []
    return result


def _plan_cost(c: Compiled, plan: Plan, jobs: list[int], available: dict[tuple[int, str], int]) -> int:
    """Cost of a group's plan: its routes plus the drop penalties of its jobs left out."""
    free = dict(available)
    cost = 0
    served: set[int] = set()
    for v in sorted(plan):
        stops = plan[v]
        if not stops:
            continue
        timing = schedule(c, v, stops, free)
        if timing is None:
            return 2**62
        cost += timing.cost
        served.update(s for s in stops if s >= 0)
        for stop, picked in zip(timing.stops, timing.picks, strict=True):
            for sku, q in picked.items():
                key = (depot_of(stop), sku)
                free[key] = free.get(key, 0) - q
    weights = c.params.weights
    cost += sum(weights.drop_penalty(c.problem.jobs[j].priority) for j in jobs if j not in served)
    return cost


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
            unassigned.append(UnassignedJob(job.id, UnassignedReason.CAPACITY, detail))
    fixed_cost = {t.id: t.fixed_cost for t in problem.technicians}
    objective = ObjectiveBreakdown(
        travel=weights.travel_cost_per_s * sum(r.travel_s for r in routes),
        distance=weights.distance_cost_per_m * sum(r.distance_m for r in routes),
        lateness=sum(
            weights.lateness_cost_per_s(problem.job(str(v.job_id)).priority) * v.lateness_s
            for r in routes
            for v in r.visits
            if v.kind is VisitKind.JOB
        ),
        drops=sum(weights.drop_penalty(problem.job(u.job_id).priority) for u in unassigned),
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
