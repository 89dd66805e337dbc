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

    def best_ejection(self, j: int, vehicles: Sequence[int]) -> tuple[int, Timing, list[int]] | None:
        """The cheapest route that takes ``j`` by setting aside its less urgent jobs, then taking back as
        many of them as still fit: (vehicle, timing, jobs left out)."""
        c = self.c
        jobs = c.problem.jobs
        weights = c.params.weights
        priority = jobs[j].priority
        best: tuple[int, int, Timing, list[int]] | None = None
        for v in vehicles:
            route = self.routes.get(v)
            if not route:
                continue
            first = self.locked_count[v]
            aside = [s for s in route[first:] if s >= 0 and jobs[s].priority > priority]
            if not aside:
                continue
            free = self.available_to(v)
            kept = [s for s in route if s not in aside]
            timing = _cheapest(c, v, kept, j, first, free)
            if timing is None:
                continue
            left_out = []
            for s in _job_order(c, aside):
                again = _cheapest(c, v, list(timing.stops), s, first, free)
                if again is None:
                    left_out.append(s)
                else:
                    timing = again
            delta = timing.cost - self.cost(v) + sum(weights.drop_penalty(jobs[s].priority) for s in left_out)
            if best is None or delta < best[0]:
                best = (delta, v, timing, left_out)
        return None if best is None else (best[1], best[2], best[3])


def _cheapest(
    c: Compiled, v: int, route: list[int], j: int, first: int, free: dict[tuple[int, str], int]
) -> Timing | None:
    best: Timing | None = None
    for pos in range(first, len(route) + 1):
        timing = schedule(c, v, [*route[:pos], j, *route[pos:]], free)
        if timing is not None and (best is None or timing.cost < best.cost):
            best = timing
    return best


EJECTING_PRIORITY = 2
"""P1 and P2 jobs that fit nowhere may take the place of one less urgent job, which is then re-inserted
elsewhere if it can be: a P1 is never left out for a P4 that a capable technician is doing."""


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
    ejected: list[int] = []
    for j in _job_order(c, [j for j in jobs if j not in c.locked]):
        found = state.best_insertion(j, allowed[j])
        if found is not None:
            state.commit(*found)
        elif c.problem.jobs[j].priority <= EJECTING_PRIORITY:
            swap = state.best_ejection(j, allowed[j])
            if swap is not None:
                state.commit(swap[0], swap[1])
                ejected.extend(swap[2])
    for j in _job_order(c, ejected):
        found = state.best_insertion(j, allowed[j])
        if found is not None:
            state.commit(*found)
    return state
