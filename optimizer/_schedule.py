"""The problem compiled to arrays, and the exact timing of one technician's sequence of stops.

``schedule`` is the single place where the solver turns an order of stops into times: the greedy
construction uses it to test insertions, and the solution is extracted with it (so the reported plan never
depends on OR-Tools' cumul values). It computes the earliest feasible schedule with the lunch break placed
exactly: a two-state pass (break not yet taken / taken) is exact because earliest times only grow, then the
departure from home is moved as late as the first stop allows, so no one waits at the first job.

Stops are ints: a job index ``j >= 0``, or a depot pickup ``-(d + 1)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from optimizer.problem import IntMatrix, Problem, SolveParams
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
    locked: dict[int, int] = field(default_factory=dict)
    service_matrix: IntMatrix = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    """``service`` as an array (technicians x jobs), for vectorised tests."""

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
                windows.append(((horizon.start_s, horizon.end_s),))
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
        return cls(
            problem=problem,
            params=params,
            times=matrices.travel_time_s,
            dists=matrices.distance_m,
            start_row=list(rows[:n_tech]),
            end_row=list(rows[n_tech : 2 * n_tech]),
            depot_row=list(rows[2 * n_tech : 2 * n_tech + n_depot]),
            job_row=list(rows[2 * n_tech + n_depot :]),
            job_windows=windows,
            service=service,
            depot_window=depot_window,
            locked=locked,
            service_matrix=np.array(service, dtype=np.int64).reshape(n_tech, len(problem.jobs)),
        )

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


@dataclass(frozen=True, slots=True)
class Timing:
    """The exact schedule of one route; ``cost`` is its share of the objective (without drops)."""

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
    jobs = c.problem.jobs
    stock = dict(c.problem.technicians[vehicle].van_stock)
    if all(stop >= 0 for stop in stops):  # no pickups: the van's stock must cover the whole route
        total: dict[str, int] = {}
        for stop in stops:
            for sku, q in jobs[stop].required_parts.items():
                total[sku] = total.get(sku, 0) + q
        if any(q > stock.get(sku, 0) for sku, q in total.items()):
            return None
        return [{} for _ in stops]
    suffix: list[dict[str, int]] = [{} for _ in range(len(stops) + 1)]
    for k in range(len(stops) - 1, -1, -1):
        demand = dict(suffix[k + 1])
        if stops[k] >= 0:
            for sku, q in jobs[stops[k]].required_parts.items():
                demand[sku] = demand.get(sku, 0) + q
        suffix[k] = demand
    left = dict(available)
    picks: list[dict[str, int]] = []
    for k, stop in enumerate(stops):
        picked: dict[str, int] = {}
        if stop < 0:
            d = depot_of(stop)
            for sku, need in suffix[k + 1].items():
                short = need - stock.get(sku, 0)
                take = min(short, left.get((d, sku), 0))
                if take > 0:
                    picked[sku] = take
                    left[(d, sku)] = left.get((d, sku), 0) - take
                    stock[sku] = stock.get(sku, 0) + take
        else:
            for sku, q in jobs[stop].required_parts.items():
                stock[sku] = stock.get(sku, 0) - q
                if stock[sku] < 0:
                    return None
        picks.append(picked)
    return picks


def schedule(
    c: Compiled,
    vehicle: int,
    stops: Sequence[int],
    available: Mapping[tuple[int, str], int] | None = None,
    shift_end_slack_s: int = 0,
) -> Timing | None:
    """The earliest feasible schedule of ``stops`` for ``vehicle``, or None when none exists.

    ``available`` is the depot stock this route may still pick up ((depot, sku) -> units).
    ``shift_end_slack_s`` shortens the shift (the solver's slack model of breaks uses it; 0 here is exact).
    """
    picks = plan_picks(c, vehicle, stops, available or {})
    if picks is None:
        return None
    tech = c.problem.technicians[vehicle]
    lunch = tech.lunch
    times = c.times
    shift_start = tech.shift.start_s
    latest_end = tech.shift.end_s + tech.max_overtime_s - shift_end_slack_s
    rows = [c.row(s) for s in stops]
    services = [c.service_of(vehicle, s) for s in stops]
    windows = [c.windows(s) for s in stops]
    # Two states: t0 = departure without the break taken; t1 = with it (gap index and break start).
    t0: int | None = shift_start
    t1: tuple[int, int, int] | None = None
    cur = c.start_row[vehicle]
    for k, stop in enumerate(stops):
        del stop
        tau = int(times[cur, rows[k]])
        next0: int | None = None
        next1: tuple[int, int, int] | None = None
        if t0 is not None:
            s0 = first_start(windows[k], t0 + tau)
            if s0 is not None:
                next0 = s0 + services[k]
            if lunch is not None:
                bs = max(t0, lunch.earliest_start_s)
                if bs <= lunch.latest_start_s:
                    sb = first_start(windows[k], max(t0 + tau, bs) + lunch.duration_s)
                    if sb is not None:
                        next1 = (sb + services[k], k, bs)
        if t1 is not None:
            s1 = first_start(windows[k], t1[0] + tau)
            if s1 is not None and (next1 is None or s1 + services[k] < next1[0]):
                next1 = (s1 + services[k], t1[1], t1[2])
        if next0 is None and next1 is None:
            return None
        t0, t1 = next0, next1
        cur = rows[k]
    tau_home = int(times[cur, c.end_row[vehicle]])
    gap_home = len(stops)
    choice: tuple[int, int] | None = None  # (gap, break start); gap == -1: no break; gap_home + 1: after end
    if t0 is not None and t0 + tau_home <= latest_end:
        if lunch is None:
            choice = (-1, 0)
        elif max(t0 + tau_home, lunch.earliest_start_s) <= lunch.latest_start_s:
            choice = (gap_home + 1, max(t0 + tau_home, lunch.earliest_start_s))
        elif max(t0, lunch.earliest_start_s) <= lunch.latest_start_s:
            bs = max(t0, lunch.earliest_start_s)
            if max(t0 + tau_home, bs) + lunch.duration_s <= latest_end:
                choice = (gap_home, bs)
    if choice is None and t1 is not None and t1[0] + tau_home <= latest_end:
        choice = (t1[1], t1[2])
    if choice is None:
        return None
    return _replay(c, vehicle, stops, rows, services, windows, choice, picks)


def _replay(
    c: Compiled,
    vehicle: int,
    stops: Sequence[int],
    rows: list[int],
    services: list[int],
    windows: list[tuple[Window, ...]],
    choice: tuple[int, int],
    picks: list[dict[str, int]],
) -> Timing | None:
    tech = c.problem.technicians[vehicle]
    weights = c.params.weights
    lunch_gap, bs = choice
    duration = tech.lunch.duration_s if tech.lunch is not None else 0
    arrivals, starts, ends, legs_s, legs_m, lateness = [], [], [], [], [], []
    cur = c.start_row[vehicle]
    departure = tech.shift.start_s
    for k, stop in enumerate(stops):
        tau = int(c.times[cur, rows[k]])
        arrival = departure + tau
        ready = arrival
        if lunch_gap == k:
            if bs < arrival:
                arrival += duration
                ready = arrival
            else:
                ready = bs + duration
        start = first_start(windows[k], ready)
        if start is None:
            return None
        arrivals.append(arrival)
        starts.append(start)
        ends.append(start + services[k])
        legs_s.append(tau)
        legs_m.append(int(c.dists[cur, rows[k]]))
        due = c.problem.jobs[stop].sla_due_s if stop >= 0 else None
        lateness.append(0 if due is None else max(0, start - due))
        departure = start + services[k]
        cur = rows[k]
    home = c.end_row[vehicle]
    tau_home = int(c.times[cur, home])
    route_end = departure + tau_home
    if lunch_gap == len(stops) and bs < route_end:
        route_end += duration
    legs_s.append(tau_home)
    legs_m.append(int(c.dists[cur, home]))
    route_start = tech.shift.start_s
    if stops and lunch_gap != 0:
        route_start = max(route_start, starts[0] - legs_s[0])
        arrivals[0] = route_start + legs_s[0]
    if not stops:
        route_end = route_start
    if tech.max_work_s is not None and route_end - route_start > tech.max_work_s:
        return None
    if tech.max_travel_s is not None and sum(legs_s) > tech.max_travel_s:
        return None
    if route_end > tech.shift.end_s + tech.max_overtime_s:
        return None
    cost = weights.travel_cost_per_s * sum(legs_s) + weights.distance_cost_per_m * sum(legs_m)
    cost += weights.overtime_cost_per_s * max(0, route_end - tech.shift.end_s)
    for stop, late in zip(stops, lateness, strict=True):
        if late:
            cost += weights.lateness_cost_per_s(c.problem.jobs[stop].priority) * late
    lunch = None
    if tech.lunch is not None and lunch_gap >= 0 and stops:
        lunch = (bs, bs + duration)
    return Timing(
        stops=tuple(stops),
        arrivals=tuple(arrivals),
        starts=tuple(starts),
        ends=tuple(ends),
        legs_s=tuple(legs_s),
        legs_m=tuple(legs_m),
        route_start=route_start,
        route_end=route_end,
        lunch=lunch,
        picks=tuple(picks),
        lateness=tuple(lateness),
        cost=cost,
    )
