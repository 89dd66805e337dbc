"""A priority-first greedy construction, handed to OR-Tools as its starting routes.

The team's experiments found the first solution matters far more than the local search that follows: P1
jobs first (earliest SLA due time first), then P2..P4, each at its cheapest feasible insertion, tested with
the exact scheduler. When a van is short of a part, the job may be inserted together with a pickup at a
depot that holds it (right before the job, or at the start of the route); OR-Tools' own single-node moves
cannot discover such pairs, so this is where pickups come from.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

from optimizer import _kernels as kernels
from optimizer._schedule import Compiled, Timing, depot_of, depot_stop, plan_picks, schedule


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
    """Routes being built: stops per vehicle, their timings and the depot stock still free.

    Beside each route it keeps the matrix rows of its gaps and a lower bound on the departure from each stop
    (the schedule without the lunch break), so that an insertion can be ruled out or ranked without running
    the exact scheduler.
    """

    def __init__(self, c: Compiled, vehicles: Sequence[int], available: dict[tuple[int, str], int]) -> None:
        self.c = c
        self.routes: dict[int, list[int]] = {v: [] for v in vehicles}
        self.timings: dict[int, Timing | None] = dict.fromkeys(vehicles)
        self.remaining = dict(available)
        self.locked_count: dict[int, int] = dict.fromkeys(vehicles, 0)
        self._table: dict[int, np.ndarray] = {}
        # Spare van stock per technician and part column; shared with copies until one of them changes it.
        self._spare = c.kernel.van.copy()
        self._shared_spare = self._spare
        # Every vehicle's gap table side by side (vehicle order fixed), and where each one's columns start.
        self._order = list(self.routes)
        self._slot = {v: k for k, v in enumerate(self._order)}
        self._all = np.zeros((6, 0), dtype=np.int64)
        self._offsets = np.zeros(len(self._order) + 1, dtype=np.int64)
        n_tech = len(c.problem.technicians)
        self._locked = np.zeros(n_tech, dtype=np.int64)  # locked prefix length by vehicle
        self._member = np.zeros(n_tech, dtype=bool)
        # The vehicles of each list of allowed technicians seen, as a mask (keyed by the list's identity;
        # the list is kept so that its id stays its own).
        self._masks: dict[int, tuple[Sequence[int], np.ndarray]] = {}
        # Drop penalties per job of each job list costed, the same way (per job, and their sum).
        self._drops: dict[int, tuple[Sequence[int], np.ndarray, int]] = {}
        self._nodes: dict[int, np.ndarray] = {}
        for v in vehicles:
            self._index(v)

    def _index(self, v: int) -> None:
        """The route's gap table (``kernels.route_bounds``): for each gap, the matrix rows around it, the
        earliest departure into it and the latest start after it that keeps the rest of the route in its
        windows and shift, both with the lunch break ignored: bounds that any feasible schedule respects.
        Beside it, the van's spare stock once the route's jobs are served."""
        c = self.c
        k = c.kernel
        route = self.routes[v]
        nodes = c.nodes(route)
        self._nodes[v] = nodes
        table = kernels.route_bounds(
            nodes, v, k.times, k.node_row, k.win_begin, k.win_end, k.win_lo, k.win_hi, k.service, k.tech
        )
        if len(k.part_sku):
            spare = k.van[v] - kernels.route_demand(
                nodes, k.part_begin, k.part_end, k.part_sku, k.part_qty, len(c.skus)
            )
            timing = self.timings[v]
            if timing is not None and timing.pickups:
                for picked in timing.picks:
                    for sku, q in picked.items():
                        spare[c.skus[sku]] += q
            if self._spare is self._shared_spare:
                self._spare = self._spare.copy()
            self._spare[v] = spare
        self._table[v] = table
        self._locked[v] = self.locked_count[v]
        self._all = kernels.spliced(self._all, self._offsets, self._slot[v], table)

    @classmethod
    def of_plan(
        cls, c: Compiled, plan: dict[int, list[int]], available: dict[tuple[int, str], int]
    ) -> Construction:
        """The state of an existing plan (routes the scheduler refuses are left empty)."""
        state = cls(c, list(plan), available)
        for v, stops in plan.items():
            timing = schedule(c, v, stops, state.available_to(v)) if stops else None
            if timing is not None:
                locked = c.problem.technicians[v].locked_job_ids
                state.locked_count[v] = len(locked) if locked else 0
                state.commit(v, timing)
        return state

    def total_cost(self, jobs: Sequence[int]) -> int:
        """The routes' costs plus the drop penalties of ``jobs`` not on any route."""
        known = self._drops.get(id(jobs))
        if known is None or known[0] is not jobs:
            penalty = np.zeros(len(self.c.problem.jobs), dtype=np.int64)
            weights = self.c.params.weights
            for j in jobs:
                penalty[j] = weights.leaving_out(self.c.problem.jobs[j])
            known = self._drops[id(jobs)] = (jobs, penalty, int(penalty.sum()))
        _, penalty, all_dropped = known
        served = np.concatenate([np.zeros(0, dtype=np.int64), *(self._nodes[v] for v in self._order)])
        # A job served twice would count its penalty twice: plans never hold one twice.
        drops = all_dropped - int(penalty[served[served >= 0]].sum())
        return sum(self.cost(v) for v in self.routes) + drops

    def copy(self) -> Construction:
        """An independent copy (routes, timings and bounds are replaced on commit, never changed in place)."""
        other = Construction.__new__(Construction)
        other.c = self.c
        other.routes = dict(self.routes)
        other.timings = dict(self.timings)
        other.remaining = self.remaining  # never changed in place (commit makes a new one)
        other.locked_count = dict(self.locked_count)
        other._table = dict(self._table)
        other._spare = self._spare
        other._shared_spare = self._spare
        self._shared_spare = self._spare
        other._order = self._order
        other._slot = self._slot
        other._all = self._all
        other._offsets = self._offsets.copy()
        other._locked = self._locked.copy()
        other._member = self._member
        other._masks = self._masks
        other._drops = self._drops
        other._nodes = dict(self._nodes)
        return other

    def replace(self, v: int, stops: list[int]) -> bool:
        """Make ``stops`` technician ``v``'s route (empty clears it); False, changing nothing, when the
        scheduler refuses it."""
        if not stops:
            self.clear(v)
            return True
        timing = schedule(self.c, v, stops, self.available_to(v))
        if timing is None:
            return False
        self.commit(v, timing)
        return True

    def clear(self, v: int) -> None:
        """Empty a route, returning what it picked up to the depots."""
        self.remaining = self.available_to(v)
        self.routes[v] = []
        self.timings[v] = None
        self._index(v)

    def available_to(self, v: int) -> dict[tuple[int, str], int]:
        """The depot stock route ``v`` may pick up: what is left plus what it picks now (read only: it is
        ``remaining`` itself when the route picks nothing up)."""
        timing = self.timings[v]
        if timing is None or not timing.pickups:
            return self.remaining
        free = dict(self.remaining)
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
        if timing.pickups:
            self.remaining = dict(self.remaining)
            for stop, picked in zip(timing.stops, timing.picks, strict=True):
                if stop < 0:
                    for sku, q in picked.items():
                        key = (depot_of(stop), sku)
                        self.remaining[key] = self.remaining.get(key, 0) - q
        self.routes[v] = list(timing.stops)
        self.timings[v] = timing
        self._index(v)

    def _gaps(self, j: int, vehicles: Sequence[int]) -> list[tuple[int, int, int]]:
        """(lower bound on the added cost, vehicle, position) of every gap where ``j`` could start in time,
        cheapest first.

        The bound is the added travel (and distance) of the detour: lateness and overtime only grow when a
        stop is inserted, and a pickup makes the detour longer. Gaps where the job cannot start in a window,
        or would push the next stop past its latest start, are left out. All vehicles' gaps are tested at
        once, as one array.
        """
        c = self.c
        if not c.job_windows[j]:
            return []
        known = self._masks.get(id(vehicles))
        if known is None or known[0] is not vehicles:
            mask = np.zeros(len(self._member), dtype=bool)
            mask[[v for v in vehicles if v in self._slot]] = True
            known = self._masks[id(vehicles)] = (vehicles, mask)
        usable = self._member
        usable[:] = known[1]
        parts = c.problem.jobs[j].required_parts
        if parts:
            # A van short of a part no depot still holds cannot take the job, wherever it goes.
            depots = range(len(c.problem.depots))
            unheld = [
                (c.skus[sku], q)
                for sku, q in parts.items()
                if not any(self.remaining.get((d, sku), 0) > 0 for d in depots)
            ]
            for column, q in unheld:
                usable &= self._spare[:, column] >= q
        k = c.kernel
        ranked = kernels.ranked_gaps(
            self._all,
            usable,
            self._locked,
            j,
            k.times,
            k.dists,
            k.node_row,
            k.win_begin,
            k.win_end,
            k.win_lo,
            k.win_hi,
            k.service,
            k.weights,
        )
        extra, owner, position = ranked.tolist()
        return list(zip(extra, owner, position, strict=True))

    def _with_pickup(
        self, j: int, v: int, pos: int, bound: int, free: dict[tuple[int, str], int], limit: int | None
    ) -> list[list[int]]:
        """Insertions of ``j`` at ``pos`` with a pickup right before it or at the start of the route,
        nearest depot first; a depot too far to beat ``limit`` or to reach the job in time is left out."""
        c = self.c
        job = c.problem.jobs[j]
        route = self.routes[v]
        table = self._table[v]
        first = self.locked_count[v]
        times = c.times
        weight = c.params.weights.travel_cost_per_s
        row = c.job_row[j]
        last_start = c.job_windows[j][-1][1]
        before, after, earliest = int(table[0, pos]), int(table[1, pos]), int(table[2, pos])
        ranked: list[tuple[int, int, list[int]]] = []
        for d, depot in enumerate(c.problem.depots):
            stop = depot_stop(d)
            if stop in route or not any(free.get((d, s), 0) > 0 for s in job.required_parts):
                continue
            dr = c.depot_row[d]
            opens, closes = c.depot_window[d]
            at_depot = max(earliest + int(times[before, dr]), opens)
            detour = int(times[before, dr] + times[dr, row] + times[row, after] - times[before, after])
            extra = weight * detour
            in_time = at_depot <= closes and at_depot + depot.pickup_s + int(times[dr, row]) <= last_start
            if in_time and (limit is None or extra < limit):
                ranked.append((extra, len(ranked), [*route[:pos], stop, j, *route[pos:]]))
            if pos > first:
                a, b = int(table[0, first]), int(table[1, first])
                extra = bound + weight * int(times[a, dr] + times[dr, b] - times[a, b])
                if limit is None or extra < limit:
                    ranked.append(
                        (extra, len(ranked), [*route[:first], stop, *route[first:pos], j, *route[pos:]])
                    )
        ranked.sort()
        return [stops for _, _, stops in ranked]

    def _stock_plan(
        self, j: int, v: int, stops: list[int], free: dict[tuple[int, str], int]
    ) -> tuple[bool, list[dict[str, int]] | None]:
        """Whether van ``v`` covers ``stops`` (its route with ``j`` inserted) without a new pickup, and the
        route's picks when it already calls at a depot (so they are not planned twice)."""
        timing = self.timings[v]
        if timing is not None and timing.pickups:
            picks = plan_picks(self.c, v, stops, free)
            return picks is not None, picks
        spare, skus = self._spare[v], self.c.skus
        return all(spare[skus[sku]] >= q for sku, q in self.c.problem.jobs[j].required_parts.items()), None

    def best_insertion(
        self, j: int, vehicles: Sequence[int], blink: Callable[[], bool] | None = None
    ) -> tuple[int, Timing] | None:
        """The cheapest feasible insertion of ``j`` (with a depot pickup where the van is short).

        Gaps are tried from the smallest detour up, and the search stops once a gap's detour alone costs more
        than the best insertion found, so most routes are never scheduled. ``blink``, when given, is asked
        before each gap and skips it when true (ruin and recreate's randomness).
        """
        c = self.c
        job = c.problem.jobs[j]
        best: tuple[int, int, Timing] | None = None
        free_of: dict[int, dict[tuple[int, str], int]] = {}
        for bound, v, pos in self._gaps(j, vehicles):
            if best is not None and bound >= best[0]:
                break
            if blink is not None and blink():
                continue
            route = self.routes[v]
            if v not in free_of:
                free_of[v] = self.available_to(v)
            free = free_of[v]
            candidates = [[*route[:pos], j, *route[pos:]]]
            picks = None
            # A pickup only adds time: it is worth trying only when the van runs short without one.
            if job.required_parts:
                stocked, picks = self._stock_plan(j, v, candidates[0], free)
                if not stocked:
                    limit = None if best is None else best[0]
                    candidates = self._with_pickup(j, v, pos, bound, free, limit)
            for stops in candidates:
                timing = schedule(c, v, stops, free, picks=picks if stops is candidates[0] else None)
                if timing is None:
                    continue
                delta = timing.cost - self.cost(v)
                if best is None or delta < best[0]:
                    best = (delta, v, timing)
                break
        return None if best is None else (best[1], best[2])


def by_priority(c: Compiled, jobs: Sequence[int]) -> list[int]:
    """``jobs`` with P1s first, keeping their order within a priority."""
    return sorted(jobs, key=lambda j: c.problem.jobs[j].priority)


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
                state.locked_count[v] = len(stops)
                state.commit(v, timing)
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
    state = Construction.of_plan(c, plan, available)
    served = {s for stops in state.routes.values() for s in stops}
    for j in _job_order(c, [j for j in jobs if j not in served and j not in c.locked]):
        found = state.best_insertion(j, allowed[j])
        if found is not None:
            state.commit(*found)
    return {v: list(stops) for v, stops in state.routes.items()}


RESCUED_PRIORITIES = (1, 2)
"""Priorities whose jobs left out may take the place of lower-priority work (their drop penalties dominate
the objective; trying it for every P3 and P4 of a full day would cost more time than it saves)."""


def rescue(
    c: Compiled,
    plan: dict[int, list[int]],
    jobs: Sequence[int],
    allowed: list[list[int]],
    available: dict[tuple[int, str], int],
    deadline: float,
) -> dict[int, list[int]]:
    """``plan`` with P1 and P2 jobs it leaves out put in place of lower-priority work where that pays.

    For each such job and each technician who could take it: take the route's lower-priority jobs out,
    insert the job, put the others back (on this or any route) as far as they fit, and keep the best
    outcome if the plan's cost, drop penalties included, goes down. Insertion moves alone never find this
    when the job only fits once several lesser jobs have left the route.
    """

    def candidates(state: Construction, j: int) -> Iterator[Construction]:
        for v in allowed[j]:
            trial = made_room(state, j, v, allowed) if v in state.routes else None
            if trial is not None:
                yield trial

    return serve_left_out(c, plan, jobs, available, deadline, RESCUED_PRIORITIES, candidates)


def serve_left_out(
    c: Compiled,
    plan: dict[int, list[int]],
    jobs: Sequence[int],
    available: dict[tuple[int, str], int],
    deadline: float,
    priorities: Sequence[int],
    candidates: Callable[[Construction, int], Iterable[Construction]],
) -> dict[int, list[int]]:
    """``plan`` with each left-out job of ``priorities`` (most urgent first) served by the cheapest of its
    ``candidates`` plans, where that lowers the whole cost, drop penalties included; until ``deadline``."""
    state = Construction.of_plan(c, plan, available)
    priority = [job.priority for job in c.problem.jobs]
    served = {s for stops in state.routes.values() for s in stops}
    for j in _job_order(c, [j for j in jobs if j not in served and priority[j] in priorities]):
        if time.perf_counter() >= deadline:
            break
        best, best_cost = None, state.total_cost(jobs)
        for trial in candidates(state, j):
            cost = trial.total_cost(jobs)
            if cost < best_cost:
                best, best_cost = trial, cost
        if best is not None:
            state = best
    return {v: list(stops) for v, stops in state.routes.items()}


def made_room(state: Construction, j: int, v: int, allowed: list[list[int]]) -> Construction | None:
    """A copy of ``state`` with ``j`` on route ``v`` in place of the route's lower-priority work, which goes
    back where it still fits (on this or any route); ``None`` when ``j`` does not fit even so."""
    c = state.c
    priority = c.problem.jobs[j].priority
    route = state.routes[v]
    lesser = [s for s in route[state.locked_count[v] :] if s >= 0 and c.problem.jobs[s].priority > priority]
    if not lesser:
        return None
    trial = state.copy()
    if not trial.replace(v, [s for s in route if s not in lesser]):
        return None
    found = trial.best_insertion(j, [v])
    if found is None:
        return None
    trial.commit(*found)
    for s in by_priority(c, lesser):
        back = trial.best_insertion(s, allowed[s])
        if back is not None:
            trial.commit(*back)
    return trial
