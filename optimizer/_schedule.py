"""The problem compiled to arrays, and the exact timing of one technician's sequence of stops.

``schedule`` is the single place where the solver turns an order of stops into times: the greedy
construction uses it to test insertions, and the solution is extracted with it (so the reported plan never
depends on OR-Tools' cumul values). It computes (in ``_kernels.timed_route``) the earliest feasible
schedule with the lunch break placed exactly: a two-state pass (break not yet taken / taken) is exact
because earliest times only grow, then the departure from home is moved as late as the first stop allows,
so no one waits at the first job.

Stops are ints: a job index ``j >= 0``, or a depot pickup ``-(d + 1)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from optimizer import _kernels as kernels
from optimizer._kernels import KernelData
from optimizer.problem import IntMatrix, Job, Problem, SolveParams
from optimizer.travel import TravelTimes, problem_matrices

Window = tuple[int, int]


def depot_stop(depot: int) -> int:
    return -(depot + 1)


def depot_of(stop: int) -> int:
    return -stop - 1


@dataclass(slots=True)
class Compiled:
    """Index-based view of a Problem: rows into the matrices, effective windows, scaled service times."""

    problem: Problem
    params: SolveParams
    times: IntMatrix
    dists: IntMatrix
    start_row: list[int]
    end_row: list[int]
    depot_row: list[int]
    job_row: list[int]
    job_windows: list[tuple[Window, ...]]
    service: list[list[int]]
    depot_window: list[Window]
    kernel: KernelData
    skus: dict[str, int]
    """Column of each part in ``kernel``'s stock arrays."""
    locked: dict[int, int] = field(default_factory=dict)
    service_matrix: IntMatrix = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    """``service`` as an array (technicians x jobs), for vectorised tests."""
    reassigned: dict[int, frozenset[int]] = field(default_factory=dict)
    """Per vehicle, the jobs it would take from the technician they were given to (``Job.reassigned_to``)."""
    promised: dict[int, Job] = field(default_factory=dict)
    """Jobs with a window promised to their customer, when breaking one costs something."""

    def broken_promise_cost(self, stops: Sequence[int], starts: Sequence[int]) -> int:
        """What starting the route's visits outside their promised windows costs."""
        if not self.promised:
            return 0
        broken = sum(
            1
            for s, t in zip(stops, starts, strict=True)
            if s in self.promised and self.promised[s].breaks_promise(t)
        )
        return self.params.weights.broken_promise_cost * broken

    def reassignment_cost(self, vehicle: int, stops: Sequence[int]) -> int:
        """What the route's jobs taken from another technician cost (``CostWeights.reassignment_cost``)."""
        taken = self.reassigned.get(vehicle)
        if not taken:
            return 0
        return self.params.weights.reassignment_cost * sum(1 for s in stops if s in taken)

    @classmethod
    def build(cls, problem: Problem, params: SolveParams, travel: TravelTimes | None = None) -> Compiled:
        matrices = problem_matrices(problem, travel)
        rows = matrices.rows
        n_tech, n_depot = len(problem.technicians), len(problem.depots)
        job_index = {j.id: i for i, j in enumerate(problem.jobs)}
        locked = {
            job_index[job_id]: v for v, t in enumerate(problem.technicians) for job_id in t.locked_job_ids
        }
        horizon = problem.horizon
        windows: list[tuple[Window, ...]] = []
        for j, job in enumerate(problem.jobs):
            if j in locked:
                windows.append(tuple((w.start_s, w.end_s) for w in job.locked_start_windows(horizon)))
                continue
            effective = []
            for w in job.start_windows(horizon):
                end = w.end_s
                if params.hard_sla and job.sla_due_s is not None:
                    end = min(end, job.sla_due_s)
                if w.start_s <= end:
                    effective.append((w.start_s, end))
            windows.append(tuple(effective))
        service = [[problem.service_s(job, tech) for job in problem.jobs] for tech in problem.technicians]
        depot_window = []
        for depot in problem.depots:
            opening = depot.opening or horizon
            start = max(opening.start_s, horizon.start_s)
            depot_window.append((start, min(opening.end_s, horizon.end_s) - depot.pickup_s))
        start_row = list(rows[:n_tech])
        end_row = list(rows[n_tech : 2 * n_tech])
        depot_row = list(rows[2 * n_tech : 2 * n_tech + n_depot])
        job_row = list(rows[2 * n_tech + n_depot :])
        skus = sorted(
            {s for t in problem.technicians for s in t.van_stock}
            | {s for j in problem.jobs for s in j.required_parts}
            | {s for d in problem.depots for s in d.stock}
        )
        sku_index = {sku: k for k, sku in enumerate(skus)}
        kernel = _kernel_data(
            problem,
            params,
            matrices.travel_time_s,
            matrices.distance_m,
            [*job_row, *reversed(depot_row)],
            [*windows, *reversed([((lo, hi),) if lo <= hi else () for lo, hi in depot_window])],
            service,
            [start_row, end_row],
            sku_index,
        )
        return cls(
            problem=problem,
            params=params,
            times=matrices.travel_time_s,
            dists=matrices.distance_m,
            start_row=start_row,
            end_row=end_row,
            depot_row=depot_row,
            job_row=job_row,
            job_windows=windows,
            service=service,
            depot_window=depot_window,
            kernel=kernel,
            skus=sku_index,
            locked=locked,
            service_matrix=np.array(service, dtype=np.int64).reshape(n_tech, len(problem.jobs)),
            reassigned=_reassigned(problem, params),
            promised={}
            if params.weights.broken_promise_cost == 0
            else {j: job for j, job in enumerate(problem.jobs) if job.promised is not None},
        )

    def nodes(self, stops: Sequence[int]) -> np.ndarray:
        """``stops`` as the kernels take them."""
        return np.array(stops, dtype=np.int64)

    def row(self, stop: int) -> int:
        return self.job_row[stop] if stop >= 0 else self.depot_row[depot_of(stop)]

    def windows(self, stop: int) -> tuple[Window, ...]:
        if stop >= 0:
            return self.job_windows[stop]
        window = self.depot_window[depot_of(stop)]
        return (window,) if window[0] <= window[1] else ()

    def service_of(self, vehicle: int, stop: int) -> int:
        if stop >= 0:
            return self.service[vehicle][stop]
        return self.problem.depots[depot_of(stop)].pickup_s


def _reassigned(problem: Problem, params: SolveParams) -> dict[int, frozenset[int]]:
    """Per vehicle, the jobs that would be taken from their preferred technician (none when free)."""
    if params.weights.reassignment_cost == 0:
        return {}
    preferring = [(j, job) for j, job in enumerate(problem.jobs) if job.preferred_technician_id is not None]
    return {
        v: frozenset(j for j, job in preferring if job.reassigned_to(tech.id))
        for v, tech in enumerate(problem.technicians)
    }


def _kernel_data(
    problem: Problem,
    params: SolveParams,
    times: IntMatrix,
    dists: IntMatrix,
    node_row: list[int],
    node_windows: list[tuple[Window, ...]],
    service: list[list[int]],
    home_rows: list[list[int]],
    sku_index: dict[str, int],
) -> KernelData:
    """The flat arrays the kernels read, per stop: the jobs, then the depots in reverse (see ``_kernels``)."""
    weights = params.weights
    n_nodes = len(node_row)
    win_end = np.cumsum([len(w) for w in node_windows], dtype=np.int64)
    flat = [w for windows in node_windows for w in windows]
    pickups = [d.pickup_s for d in reversed(problem.depots)]
    node_service = np.array([[*row, *pickups] for row in service], dtype=np.int64).reshape(
        len(problem.technicians), n_nodes
    )
    no_depots = [0] * len(problem.depots)
    due = [kernels.NO_DUE if j.sla_due_s is None else j.sla_due_s for j in problem.jobs]
    late = [weights.lateness_cost_per_s(j.priority) for j in problem.jobs]
    breach_at = [kernels.NO_DUE if j.sla_breach_s is None else j.sla_breach_s for j in problem.jobs]
    breach_cost = [weights.breach_penalty(j.priority) for j in problem.jobs]
    tech = np.full((len(problem.technicians), kernels.TECH_COLUMNS), -1, dtype=np.int64)
    for v, t in enumerate(problem.technicians):
        tech[v, kernels.SHIFT_START] = t.shift.start_s
        tech[v, kernels.SHIFT_END] = t.shift.end_s
        tech[v, kernels.LATEST_END] = t.shift.end_s + t.max_overtime_s
        tech[v, kernels.START_ROW] = home_rows[0][v]
        tech[v, kernels.END_ROW] = home_rows[1][v]
        tech[v, kernels.HAS_LUNCH] = int(t.lunch is not None)
        if t.lunch is not None:
            tech[v, kernels.LUNCH_EARLIEST] = t.lunch.earliest_start_s
            tech[v, kernels.LUNCH_LATEST] = t.lunch.latest_start_s
            tech[v, kernels.LUNCH_DURATION] = t.lunch.duration_s
        if t.max_work_s is not None:
            tech[v, kernels.MAX_WORK] = t.max_work_s
        if t.max_travel_s is not None:
            tech[v, kernels.MAX_TRAVEL] = t.max_travel_s
    part_end = np.cumsum([*(len(j.required_parts) for j in problem.jobs), *no_depots], dtype=np.int64)
    needs = [(sku_index[sku], q) for j in problem.jobs for sku, q in j.required_parts.items()]
    van = np.zeros((len(problem.technicians), len(sku_index)), dtype=np.int64)
    for v, t in enumerate(problem.technicians):
        for sku, q in t.van_stock.items():
            van[v, sku_index[sku]] = q
    return KernelData(
        times=np.ascontiguousarray(times, dtype=np.int64),
        dists=np.ascontiguousarray(dists, dtype=np.int64),
        node_row=np.array(node_row, dtype=np.int64),
        win_begin=win_end - [len(w) for w in node_windows],
        win_end=win_end,
        win_lo=np.array([lo for lo, _ in flat], dtype=np.int64),
        win_hi=np.array([hi for _, hi in flat], dtype=np.int64),
        service=node_service,
        due=np.array([*due, *[kernels.NO_DUE] * len(no_depots)], dtype=np.int64),
        late_weight=np.array([*late, *no_depots], dtype=np.int64),
        breach_at=np.array([*breach_at, *[kernels.NO_DUE] * len(no_depots)], dtype=np.int64),
        breach_cost=np.array([*breach_cost, *no_depots], dtype=np.int64),
        tech=tech,
        weights=np.array(
            [weights.travel_cost_per_s, weights.distance_cost_per_m, weights.overtime_cost_per_s],
            dtype=np.int64,
        ),
        part_begin=part_end - [*(len(j.required_parts) for j in problem.jobs), *no_depots],
        part_end=part_end,
        part_sku=np.array([k for k, _ in needs], dtype=np.int64),
        part_qty=np.array([q for _, q in needs], dtype=np.int64),
        van=van,
    )


@dataclass(frozen=True, slots=True)
class Timing:
    """The exact schedule of one route; ``cost`` is its share of the objective (without drops, with the
    technician's fixed cost when the route has stops)."""

    stops: tuple[int, ...]
    arrivals: tuple[int, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    legs_s: tuple[int, ...]
    legs_m: tuple[int, ...]
    route_start: int
    route_end: int
    lunch: Window | None
    picks: tuple[dict[str, int], ...]
    lateness: tuple[int, ...]
    cost: int
    pickups: bool = False
    """Whether the route calls at a depot (otherwise every entry of ``picks`` is empty)."""

    @property
    def travel_s(self) -> int:
        return sum(self.legs_s)


def first_start(windows: tuple[Window, ...], ready: int) -> int | None:
    """The earliest start at or after ``ready`` in one of ``windows`` (sorted); None once all have closed."""
    for lo, hi in windows:
        if ready <= hi:
            return max(ready, lo)
    return None


def plan_picks(
    c: Compiled, vehicle: int, stops: Sequence[int], available: Mapping[tuple[int, str], int]
) -> list[dict[str, int]] | None:
    """Parts picked at each stop (as early as needed, within ``available``), or None if the van runs short."""
    return _picks(c, vehicle, stops, c.nodes(stops), available)


def _picks(
    c: Compiled,
    vehicle: int,
    stops: Sequence[int],
    nodes: np.ndarray,
    available: Mapping[tuple[int, str], int],
) -> list[dict[str, int]] | None:
    data = c.kernel
    if not len(nodes) or nodes.min() >= 0:  # no pickups: the van's stock must cover the route
        if len(data.part_sku):
            total = kernels.route_demand(
                nodes, data.part_begin, data.part_end, data.part_sku, data.part_qty, len(c.skus)
            )
            if (total > data.van[vehicle]).any():
                return None
        return [{} for _ in stops]
    # What the jobs after each depot call need in all, then one pass that picks up the shortfall.
    jobs = c.problem.jobs
    needed_after: dict[int, dict[str, int]] = {}
    running: dict[str, int] = {}
    for k in range(len(stops) - 1, -1, -1):
        stop = stops[k]
        if stop >= 0:
            for sku, q in jobs[stop].required_parts.items():
                running[sku] = running.get(sku, 0) + q
        else:
            needed_after[k] = dict(running)
    stock = dict(c.problem.technicians[vehicle].van_stock)
    taken: dict[tuple[int, str], int] = {}
    picks: list[dict[str, int]] = []
    for k, stop in enumerate(stops):
        picked: dict[str, int] = {}
        if stop < 0:
            d = depot_of(stop)
            for sku, need in needed_after[k].items():
                short = need - stock.get(sku, 0)
                if short <= 0:
                    continue
                take = min(short, available.get((d, sku), 0) - taken.get((d, sku), 0))
                if take > 0:
                    picked[sku] = take
                    taken[(d, sku)] = taken.get((d, sku), 0) + take
                    stock[sku] = stock.get(sku, 0) + take
        else:
            for sku, q in jobs[stop].required_parts.items():
                left = stock.get(sku, 0) - q
                if left < 0:
                    return None
                stock[sku] = left
        picks.append(picked)
    return picks


def schedule(
    c: Compiled,
    vehicle: int,
    stops: Sequence[int],
    available: Mapping[tuple[int, str], int] | None = None,
    shift_end_slack_s: int = 0,
    picks: list[dict[str, int]] | None = None,
) -> Timing | None:
    """The earliest feasible schedule of ``stops`` for ``vehicle``, or None when none exists.

    ``available`` is the depot stock this route may still pick up ((depot, sku) -> units).
    ``shift_end_slack_s`` shortens the shift (the solver's slack model of breaks uses it; 0 here is exact).
    ``picks``, when the caller has planned them already (``plan_picks``), are taken as they are.
    """
    nodes = c.nodes(stops)
    if picks is None:
        picks = _picks(c, vehicle, stops, nodes, available or {})
    if picks is None:
        return None
    k = c.kernel
    ok, per_stop, summary = kernels.timed_route(
        nodes,
        vehicle,
        shift_end_slack_s,
        k.times,
        k.dists,
        k.node_row,
        k.win_begin,
        k.win_end,
        k.win_lo,
        k.win_hi,
        k.service,
        k.due,
        k.late_weight,
        k.breach_at,
        k.breach_cost,
        k.tech,
        k.weights,
    )
    if not ok:
        return None
    arrivals, starts, ends, legs_s, legs_m, lateness, _ = per_stop.tolist()
    home_s, home_m, route_start, route_end, lunch_start, cost = summary.tolist()
    lunch = c.problem.technicians[vehicle].lunch
    taken = lunch is not None and lunch_start != kernels.NO_TIME
    return Timing(
        stops=tuple(stops),
        arrivals=tuple(arrivals),
        starts=tuple(starts),
        ends=tuple(ends),
        legs_s=(*legs_s, home_s),
        legs_m=(*legs_m, home_m),
        route_start=route_start,
        route_end=route_end,
        lunch=(lunch_start, lunch_start + lunch.duration_s) if lunch is not None and taken else None,
        picks=tuple(picks),
        lateness=tuple(lateness),
        cost=cost
        + (c.problem.technicians[vehicle].fixed_cost if len(stops) else 0)
        + c.reassignment_cost(vehicle, stops)
        + c.broken_promise_cost(stops, starts),
        pickups=bool(len(nodes)) and nodes.min() < 0,
    )
