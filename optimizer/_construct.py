"""A priority-first greedy construction, handed to OR-Tools as its starting routes.

The team's experiments found the first solution matters far more than the local search that follows: P1
jobs first (earliest SLA due time first), then P2..P4, each at its cheapest feasible insertion, tested with
the exact scheduler. When a van is short of a part, the job may be inserted together with a pickup at a
depot that holds it (right before the job, or at the start of the route); OR-Tools' own single-node moves
cannot discover such pairs, so this is where pickups come from.
"""

from __future__ import annotations

from collections.abc import Sequence

from optimizer._schedule import Compiled, Timing, depot_of, depot_stop, schedule


def _job_order(c: Compiled, jobs: Sequence[int]) -> list[int]:
    problem = c.problem
    horizon_end = problem.horizon.end_s

    def key(j: int) -> tuple[int, int, int, str]:
        job = problem.jobs[j]
        due = job.sla_due_s if job.sla_due_s is not None else horizon_end
        last = c.job_windows[j][-1][1] if c.job_windows[j] else horizon_end
        return (job.priority, due, last, job.id)

    return sorted(jobs, key=key)


class Construction:
    """Routes being built: stops per vehicle, their timings and the depot stock still free."""

    def __init__(self, c: Compiled, vehicles: Sequence[int], available: dict[tuple[int, str], int]) -> None:
        self.c = c
        self.routes: dict[int, list[int]] = {v: [] for v in vehicles}
        self.timings: dict[int, Timing | None] = dict.fromkeys(vehicles)
        self.remaining = dict(available)
        self.locked_count: dict[int, int] = dict.fromkeys(vehicles, 0)

    def available_to(self, v: int) -> dict[tuple[int, str], int]:
        free = dict(self.remaining)
        timing = self.timings[v]
        if timing is not None:
            for stop, picked in zip(timing.stops, timing.picks, strict=True):
                if stop < 0:
                    for sku, q in picked.items():
                        key = (depot_of(stop), sku)
                        free[key] = free.get(key, 0) + q
        return free

    def cost(self, v: int) -> int:
        timing = self.timings[v]
        return timing.cost if timing is not None else 0

    def commit(self, v: int, timing: Timing) -> None:
        self.remaining = self.available_to(v)
        for stop, picked in zip(timing.stops, timing.picks, strict=True):
            if stop < 0:
                for sku, q in picked.items():
                    key = (depot_of(stop), sku)
                    self.remaining[key] = self.remaining.get(key, 0) - q
        self.routes[v] = list(timing.stops)
        self.timings[v] = timing

    def best_insertion(self, j: int, vehicles: Sequence[int]) -> tuple[int, Timing] | None:
        c = self.c
        job = c.problem.jobs[j]
        best: tuple[int, int, Timing] | None = None
        for v in vehicles:
            if v not in self.routes:
                continue
            route = self.routes[v]
            free = self.available_to(v)
            base = self.cost(v)
            tech = c.problem.technicians[v]
            short = any(q > tech.van_stock.get(s, 0) for s, q in job.required_parts.items())
            first = self.locked_count[v]
            for pos in range(first, len(route) + 1):
                candidates = [[*route[:pos], j, *route[pos:]]]
                if short or job.required_parts:
                    for d in range(len(c.problem.depots)):
                        stop = depot_stop(d)
                        if stop in route or not any(free.get((d, s), 0) > 0 for s in job.required_parts):
                            continue
                        candidates.append([*route[:pos], stop, j, *route[pos:]])
                        if pos > first:
                            candidates.append([*route[:first], stop, *route[first:pos], j, *route[pos:]])
                for stops in candidates:
                    timing = schedule(c, v, stops, free)
                    if timing is None:
                        continue
                    delta = timing.cost - base
                    if best is None or delta < best[0]:
                        best = (delta, v, timing)
                    break
        return None if best is None else (best[1], best[2])


def construct(
    c: Compiled,
    vehicles: Sequence[int],
    jobs: Sequence[int],
    allowed: list[list[int]],
    available: dict[tuple[int, str], int],
) -> Construction:
    """Greedy routes for ``vehicles`` over ``jobs``: locked prefixes first, then by priority and due time."""
    state = Construction(c, vehicles, available)
    for v in vehicles:
        tech = c.problem.technicians[v]
        if tech.locked_job_ids:
            index = {job.id: i for i, job in enumerate(c.problem.jobs)}
            stops = [index[job_id] for job_id in tech.locked_job_ids]
            timing = schedule(c, v, stops, state.available_to(v))
            if timing is not None:
                state.commit(v, timing)
                state.locked_count[v] = len(stops)
    # A locked job is only ever placed in its technician's prefix; if that cannot be kept it stays out.
    for j in _job_order(c, [j for j in jobs if j not in c.locked]):
        found = state.best_insertion(j, allowed[j])
        if found is not None:
            state.commit(*found)
    return state


def fill_in(
    c: Compiled,
    plan: dict[int, list[int]],
    jobs: Sequence[int],
    allowed: list[list[int]],
    available: dict[tuple[int, str], int],
) -> dict[int, list[int]]:
    """``plan`` with every job it leaves out inserted where it still fits (by priority, cheapest first)."""
    state = Construction(c, list(plan), available)
    for v, stops in plan.items():
        timing = schedule(c, v, stops, state.available_to(v)) if stops else None
        if timing is not None:
            state.commit(v, timing)
            locked = c.problem.technicians[v].locked_job_ids
            state.locked_count[v] = len(locked) if locked else 0
    served = {s for stops in state.routes.values() for s in stops}
    for j in _job_order(c, [j for j in jobs if j not in served and j not in c.locked]):
        found = state.best_insertion(j, allowed[j])
        if found is not None:
            state.commit(*found)
    return {v: list(stops) for v, stops in state.routes.items()}
