"""Plans whose visit order is decided outside the search: a dispatcher's edit, or routes kept as published.

``timed_solution`` turns orders of stops into a complete ``Solution``: each route timed by the solver's own
exact scheduler (so a kept route gets back the very times it was published with), or, where an order cannot
be kept, timed at the earliest instants ignoring whatever does not fit, so that ``validate`` names the rule
the order breaks instead of a vague refusal. The objective is the validator's, so the two always agree.
Stops are job ids, or ``depot:<id>`` for a pickup at a depot. A day too large for whole-day matrices
(``whole_day_matrices_fit``) is compiled route by route, each route a small day of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from optimizer._schedule import Compiled, Timing, Window, depot_stop, plan_picks, schedule
from optimizer._split import Part, sub_problem
from optimizer.problem import Depot, Job, Problem, SolveParams
from optimizer.solution import (
    BreakPlacement,
    ObjectiveBreakdown,
    Route,
    Solution,
    SolveStats,
    SolveStatus,
    UnassignedJob,
    Visit,
    VisitKind,
)
from optimizer.solve import _route
from optimizer.travel import TravelTimes, apart_m, whole_day_matrices_fit
from optimizer.validate import validate

DEPOT_PREFIX = "depot:"


def timed_solution(
    problem: Problem,
    params: SolveParams,
    orders: Mapping[str, Sequence[str]],
    unassigned: Sequence[UnassignedJob] = (),
    *,
    status: SolveStatus = SolveStatus.FEASIBLE,
    stats: SolveStats | None = None,
    travel: TravelTimes | None = None,
) -> Solution:
    """The solution visiting ``orders`` (technician id -> stops in order), with ``unassigned`` left out."""
    compiler = _RouteCompiler(problem, params, travel)
    free = _depot_stock(problem)
    routes = []
    for technician_id, order in sorted(orders.items()):
        if not order:
            continue
        c, v, index = compiler.route(technician_id, order)
        stops = index.of(order)
        timing = schedule(c, v, stops, free)
        if timing is None:
            routes.append(_earliest_route(c, v, stops, free))
            continue
        for stop, picked in zip(timing.stops, timing.picks, strict=True):
            for sku, q in picked.items():
                free[(-stop - 1, sku)] = free.get((-stop - 1, sku), 0) - q
        routes.append(_route(c, v, timing))
    draft = Solution(status, tuple(routes), tuple(unassigned), ObjectiveBreakdown(), stats or SolveStats())
    return dataclasses.replace(draft, objective=validate(problem, draft, params, travel).objective)


def best_position(
    problem: Problem,
    params: SolveParams,
    order: Sequence[str],
    technician_id: str,
    job_id: str,
    *,
    at: int | None = None,
) -> list[str]:
    """``order`` with ``job_id`` inserted where the route costs least (at position ``at`` if given), with
    a depot pickup before it where the van is short of its parts; at the end if it fits nowhere."""
    c, v, index = _RouteCompiler(problem, params).route(technician_id, [*order, job_id])
    best = _cheapest(c, v, index, _with_job(problem, list(order), job_id, at=at), _depot_stock(problem))
    if best is not None:
        return best
    k = len(order) if at is None else at
    return [*order[:k], job_id, *order[k:]]


def _cheapest(
    c: Compiled, v: int, index: _Stops, candidates: list[list[str]], free: dict[tuple[int, str], int]
) -> list[str] | None:
    best = _cheapest_timed(c, v, index, candidates, free)
    return None if best is None else best[1]


def _depot_stock(problem: Problem) -> dict[tuple[int, str], int]:
    """Each depot's stock by (depot index, part): what routes timed one after another draw from."""
    return {(d, sku): q for d, depot in enumerate(problem.depots) for sku, q in depot.stock.items()}


class _RouteCompiler:
    """The compiled day a route is timed on: the whole day, compiled once, where its matrices fit;
    otherwise a small day per route (its technician, its jobs, every depot in the same order, so depot
    stock keys are shared), so a national day is never held as whole-day matrices."""

    def __init__(self, problem: Problem, params: SolveParams, travel: TravelTimes | None = None) -> None:
        self.problem, self.params, self.travel = problem, params, travel
        self.whole = Compiled.build(problem, params, travel) if whole_day_matrices_fit(problem) else None
        self.index = _Stops(problem)
        self.vehicle = {t.id: v for v, t in enumerate(problem.technicians)}
        self.stock = {d: dict(depot.stock) for d, depot in enumerate(problem.depots)}

    def route(self, technician_id: str, stops: Sequence[str]) -> tuple[Compiled, int, _Stops]:
        """The compiled day, the technician's vehicle in it and its stop index, for a route over ``stops``
        (any of them, in any order)."""
        v = self.vehicle[technician_id]
        if self.whole is not None:
            return self.whole, v, self.index
        jobs = {stop for stop in stops if not stop.startswith(DEPOT_PREFIX)}
        jobs |= {job_id for job_id in self.problem.technicians[v].locked_job_ids if job_id in self.index.jobs}
        part = Part([v], sorted(self.index.jobs[job_id] for job_id in jobs))
        day = sub_problem(self.problem, part, self.stock, f"{self.problem.name}:{technician_id}")
        return Compiled.build(day, self.params, self.travel), 0, _Stops(day)


class _Stops:
    """The scheduler's indexes of stops named by id: a job's position, or a depot's (negative)."""

    def __init__(self, problem: Problem) -> None:
        self.jobs = {job.id: j for j, job in enumerate(problem.jobs)}
        self.depots = {depot.id: d for d, depot in enumerate(problem.depots)}

    def of(self, order: Sequence[str]) -> list[int]:
        return [
            depot_stop(self.depots[stop.removeprefix(DEPOT_PREFIX)])
            if stop.startswith(DEPOT_PREFIX)
            else self.jobs[stop]
            for stop in order
        ]


def _first_start(windows: tuple[Window, ...], ready: int) -> int:
    """The first allowed start from ``ready``; ``ready`` itself when no window is left (a broken rule)."""
    for lo, hi in windows:
        if ready <= hi:
            return max(ready, lo)
    return ready


def _earliest_route(c: Compiled, v: int, stops: list[int], free: dict[tuple[int, str], int]) -> Route:
    """Earliest times for an order the scheduler refuses: windows that cannot be met are overrun, the break
    is taken in the first gap that reaches its window, and no stock check is made."""
    problem = c.problem
    tech = problem.technicians[v]
    lunch = tech.lunch
    picks = plan_picks(c, v, stops, free) or [{} for _ in stops]
    departure = route_start = tech.shift.start_s
    row = c.start_row[v]
    visits = []
    lunch_at: int | None = None
    for stop, picked in zip(stops, picks, strict=True):
        target = c.row(stop)
        tau = int(c.times[row, target])
        arrival = departure + tau
        if lunch is not None and lunch_at is None and max(departure, lunch.earliest_start_s) < arrival:
            lunch_at = max(departure, lunch.earliest_start_s)
            arrival += lunch.duration_s
        start = _first_start(c.windows(stop), arrival)
        end = start + c.service_of(v, stop)
        due = problem.jobs[stop].sla_due_s if stop >= 0 else None
        visits.append(
            Visit(
                kind=VisitKind.JOB if stop >= 0 else VisitKind.DEPOT_PICKUP,
                arrival_s=arrival,
                start_s=start,
                end_s=end,
                travel_s=tau,
                distance_m=int(c.dists[row, target]),
                job_id=problem.jobs[stop].id if stop >= 0 else None,
                depot_id=None if stop >= 0 else problem.depots[-stop - 1].id,
                parts_picked=picked,
                lateness_s=0 if due is None else max(0, start - due),
            )
        )
        departure, row = end, target
    home = c.end_row[v]
    tau_home = int(c.times[row, home])
    route_end = departure + tau_home
    if lunch is not None and lunch_at is None:
        lunch_at = max(departure, lunch.earliest_start_s)
        if lunch_at < route_end:
            route_end += lunch.duration_s
    travel = sum(visit.travel_s for visit in visits) + tau_home
    distance = sum(visit.distance_m for visit in visits) + int(c.dists[row, home])
    return Route(
        technician_id=tech.id,
        visits=tuple(visits),
        start_s=route_start,
        end_s=route_end,
        end_travel_s=tau_home,
        end_distance_m=int(c.dists[row, home]),
        travel_s=travel,
        distance_m=distance,
        work_s=route_end - route_start,
        overtime_s=max(0, route_end - tech.shift.end_s),
        lunch=None
        if lunch is None or lunch_at is None
        else BreakPlacement(lunch_at, lunch_at + lunch.duration_s),
    )


@dataclass(frozen=True, slots=True)
class Insertion:
    """Where one more job goes into fixed routes: the technician, their new order and what it adds
    (the drop penalties of any lower-priority jobs it bumps off the route included)."""

    technician_id: str
    order: list[str]
    added_cost: int
    bumped: tuple[str, ...] = ()
    """Lower-priority jobs taken off the route to make room."""


MAX_BUMPED = 3
"""At most this many lower-priority jobs make way for one urgent job on a full route."""


def cheapest_insertion(
    problem: Problem,
    params: SolveParams,
    orders: Mapping[str, Sequence[str]],
    job_id: str,
    *,
    kept_heads: Mapping[str, int] | None = None,
) -> Insertion | None:
    """The cheapest feasible place for ``job_id`` on any technician's route, leaving every other stop in
    its order (with a depot pickup before it where the van is short); ``None`` if it fits nowhere.
    ``kept_heads``: per technician, how many stops at the head of their order nothing may go before or
    among (what they are about to do).

    One compiled problem (one per route on a national day) and one exact schedule per candidate: fast
    enough to place an emergency on a day of a thousand visits in well under a second, before any search
    improves the plan.
    """
    compiler = _RouteCompiler(problem, params)
    job = problem.job(job_id)
    free = _depot_stock(problem)
    base: dict[int, int] = {}
    own: dict[int, dict[tuple[int, str], int]] = {}
    # Each route compiled once, with the job among its stops: timed as it is, then with the job tried in.
    views = {t.id: compiler.route(t.id, [*orders.get(t.id, []), job_id]) for t in problem.technicians}
    for technician_id, order in orders.items():
        v = compiler.vehicle[technician_id]
        c, local, index = views[technician_id]
        timing = schedule(c, local, index.of(order), free) if order else None
        if order and timing is None:
            continue  # late already (what happened pushed it past a window): only bumping can make room
        base[v] = 0 if timing is None else timing.cost
        own[v] = _picks(timing)
        for key, q in own[v].items():
            free[key] = free.get(key, 0) - q
    best: Insertion | None = None
    for v, tech in enumerate(problem.technicians):
        if not tech.may_take(job):
            continue
        order = list(orders.get(tech.id, []))
        available = {k: free.get(k, 0) + own.get(v, {}).get(k, 0) for k in set(free) | set(own.get(v, {}))}
        candidates = _with_job(problem, order, job_id, first=(kept_heads or {}).get(tech.id, 0))
        c, local, index = views[tech.id]
        found = _cheapest_timed(c, local, index, candidates, available) if v in base else None
        if found is not None:
            added = found[0] - base[v]
            if best is None or added < best.added_cost:
                best = Insertion(tech.id, found[1], added)
            if not _bumping_may_pay(problem, params, order, job, added):
                continue
        bumped = _cheapest_bumping(c, local, index, candidates, available, job_id, params)
        if bumped is not None and (best is None or bumped[0] - base.get(v, 0) < best.added_cost):
            best = Insertion(tech.id, bumped[1], bumped[0] - base.get(v, 0), bumped[2])
    return best


def _cheapest_bumping(
    c: Compiled,
    v: int,
    index: _Stops,
    candidates: list[list[str]],
    free: dict[tuple[int, str], int],
    job_id: str,
    params: SolveParams,
) -> tuple[int, list[str], tuple[str, ...]] | None:
    """The cheapest candidate made feasible, or cheaper (less overtime, less lateness), by taking off up
    to ``MAX_BUMPED`` jobs of lower priority after the urgent one (those cheapest to leave out, then the
    latest, first); its cost counts what leaving them out costs."""
    problem = c.problem
    urgent = problem.job(job_id)
    weights = params.weights
    best: tuple[int, list[str], tuple[str, ...]] | None = None
    for candidate in candidates:
        lesser = _less_urgent(problem, candidate[candidate.index(job_id) + 1 :], urgent)
        lesser.sort(key=lambda s: (weights.leaving_out(problem.job(s)), -candidate.index(s)))
        for count in range(1, min(MAX_BUMPED, len(lesser)) + 1):
            gone = tuple(lesser[:count])
            kept = [s for s in candidate if s not in gone]
            timing = schedule(c, v, index.of(kept), free)
            if timing is None:
                continue
            cost = timing.cost + sum(weights.leaving_out(problem.job(s)) for s in gone)
            if best is None or cost < best[0]:
                best = (cost, kept, gone)
    return best


def _bumping_may_pay(problem: Problem, params: SolveParams, order: list[str], job: Job, added: int) -> bool:
    """Whether taking a job of lower priority off the route could cost less than the ``added`` cost of
    fitting ``job`` in with everything kept (overtime, lateness): only when leaving one out costs less."""
    costs = [params.weights.leaving_out(problem.job(s)) for s in _less_urgent(problem, order, job)]
    return bool(costs) and min(costs) < added


def _less_urgent(problem: Problem, stops: Sequence[str], job: Job) -> list[str]:
    """The jobs among ``stops`` of lower priority than ``job``: those that may make way for it."""
    return [s for s in stops if not s.startswith(DEPOT_PREFIX) and problem.job(s).priority > job.priority]


def _with_job(
    problem: Problem, order: list[str], job_id: str, *, at: int | None = None, first: int = 0
) -> list[list[str]]:
    """Every way to put ``job_id`` into ``order`` (at position ``at`` only, if given; otherwise at
    ``first`` or later), also with a pickup before it at each depot holding a part it needs."""
    positions = range(first, len(order) + 1) if at is None else [at]
    plain = [[*order[:k], job_id, *order[k:]] for k in positions]
    needs = problem.job(job_id).required_parts
    if not needs:
        return plain
    pickups = [
        [*order[:d], f"{DEPOT_PREFIX}{depot.id}", *order[d:k], job_id, *order[k:]]
        for k in positions
        for d in range(min(first, k), k + 1)
        for depot in _pickup_depots(problem, problem.job(job_id))
    ]
    return plain + pickups


PICKUP_DEPOTS = 5
"""Depots considered for a pickup before a job short of parts: the nearest to it that hold one. A day holds
every depot of the country, and a van never crosses it for a part."""


def _pickup_depots(problem: Problem, job: Job) -> list[Depot]:
    holding = [d for d in problem.depots if any(d.stock.get(sku, 0) > 0 for sku in job.required_parts)]
    if len(holding) <= PICKUP_DEPOTS or apart_m(job.location, holding[0].location) is None:
        return holding
    return sorted(holding, key=lambda d: apart_m(job.location, d.location) or 0.0)[:PICKUP_DEPOTS]


def _cheapest_timed(
    c: Compiled, v: int, index: _Stops, candidates: list[list[str]], free: dict[tuple[int, str], int]
) -> tuple[int, list[str]] | None:
    best: tuple[int, list[str]] | None = None
    for candidate in candidates:
        timing = schedule(c, v, index.of(candidate), free)
        if timing is not None and (best is None or timing.cost < best[0]):
            best = (timing.cost, candidate)
    return best


def _picks(timing: Timing | None) -> dict[tuple[int, str], int]:
    picked: dict[tuple[int, str], int] = {}
    if timing is None:
        return picked
    for stop, parts in zip(timing.stops, timing.picks, strict=True):
        for sku, q in parts.items():
            picked[(-stop - 1, sku)] = picked.get((-stop - 1, sku), 0) + q
    return picked
