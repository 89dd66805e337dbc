"""Ruin and recreate: slack-induced string removals (SISR) around the greedy construction's insertions.

OR-Tools' guided local search moves one node or one chain at a time; on tight time windows such moves are
mostly infeasible and the search stalls far from the best plans. Ruin and recreate (Christiaens & Vanden
Berghe, 2020) removes a few strings of nearby jobs from neighbouring routes and reinserts them one by one at
their cheapest feasible place, accepting slightly worse plans under a cooling temperature. The insertions are
the construction's own (exact scheduler, bounds that rule most gaps out, depot pickups), so every rule of
the model holds in every plan it visits, and locked prefixes are never touched.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence

import numpy as np

from optimizer._construct import Construction, by_priority
from optimizer._progress import SearchControl
from optimizer._schedule import Compiled

Plan = dict[int, list[int]]

AVERAGE_REMOVED = 10
"""Jobs removed per ruin on average (SISR's c-bar)."""
MAX_STRING = 10
"""Longest string removed from one route (SISR's L_max)."""
NEIGHBOURS = 100
"""Nearest jobs kept per job: a ruin spreads from its seed to the routes of these."""
BLINK_RATE = 0.01
"""Chance that a recreate insertion skips a gap (SISR's blinks), so equal moves do not always repeat."""
ROUTE_REMOVAL_RATE = 0.1
"""Chance that a ruin also empties a whole short route, the move that lets the plan use fewer routes."""
ROUTE_OPENING_RATE = 0.05
"""Chance that a recreate puts its first job alone on an unused technician's day, the move that lets the
plan use more routes where more routes travel less."""
OPENING_CANDIDATES = 3
"""Unused technicians, nearest home first, tried for the job that opens a route."""
START_TEMPERATURE = 2.0
END_TEMPERATURE = 0.02
"""Annealing temperatures in units of the plan's average travel cost per job. SISR's 100 and 1 on Solomon
(about 8 and 0.08 in these units) suit millions of iterations; at the few thousand a second that this
Python search runs, a cooler start did better."""


class _Search:
    """The current plan as a Construction, its cost, and what ruin and recreate need around it."""

    def __init__(
        self,
        c: Compiled,
        vehicles: Sequence[int],
        jobs: Sequence[int],
        allowed: list[list[int]],
        available: dict[tuple[int, str], int],
        plan: Plan,
    ) -> None:
        self.c = c
        self.jobs = list(jobs)
        self.allowed = allowed
        state = Construction.of_plan(c, {v: plan.get(v, []) for v in vehicles}, available)
        self.state = state
        # Ruins start from and spread to jobs outside locked prefixes only, nearest first.
        free = [j for j in self.jobs if j not in c.locked]
        rows = np.array([c.job_row[j] for j in free], dtype=np.int64)
        order = np.argsort(c.times[np.ix_(rows, rows)], axis=1, kind="stable")[:, : NEIGHBOURS + 1]
        # One list per technician, kept so the insertion's per-list caches stay small.
        self.alone = {v: [v] for v in vehicles}
        self.neighbours = {
            j: [free[k] for k in order[i].tolist() if free[k] != j] for i, j in enumerate(free)
        }

    def route_of(self, state: Construction) -> dict[int, int]:
        return {s: v for v, stops in state.routes.items() for s in stops if s >= 0}

    def cost(self, state: Construction) -> int:
        return state.total_cost(self.jobs)


def ruin_and_recreate(
    c: Compiled,
    vehicles: Sequence[int],
    jobs: Sequence[int],
    allowed: list[list[int]],
    available: dict[tuple[int, str], int],
    plan: Plan,
    deadline: float,
    seed: int = 0,
    max_iterations: int | None = None,
    control: SearchControl | None = None,
) -> tuple[Plan, int]:
    """The best plan found from ``plan`` by ruin and recreate until ``deadline`` (perf_counter seconds),
    ``max_iterations`` or a stop request, and the number of iterations run. Each new best is reported to
    ``control`` as a solution of the group."""
    search = _Search(c, vehicles, jobs, allowed, available, plan)
    rng = random.Random(seed)
    current = search.state
    current_cost = search.cost(current)
    best, best_cost = current.copy(), current_cost
    served = max(1, len(search.route_of(current)))
    travel = sum(current.cost(v) for v in current.routes) / served
    scale = max(1.0, travel)
    began = time.perf_counter()
    span = max(1e-3, deadline - began)
    iterations = 0
    while time.perf_counter() < deadline and (max_iterations is None or iterations < max_iterations):
        if control is not None and control.cancelled:
            break
        progress = (
            (time.perf_counter() - began) / span if max_iterations is None else iterations / max_iterations
        )
        temperature = scale * START_TEMPERATURE * (END_TEMPERATURE / START_TEMPERATURE) ** min(1.0, progress)
        candidate = current.copy()
        removed = _ruin(search, candidate, rng)
        _recreate(search, candidate, removed, rng)
        cost = search.cost(candidate)
        iterations += 1
        if cost < current_cost - temperature * math.log(rng.random() or 1e-12):
            current, current_cost = candidate, cost
            if cost < best_cost:
                best, best_cost = candidate.copy(), cost
                if control is not None:
                    control.solution(cost)
    return {v: list(stops) for v, stops in best.routes.items()}, iterations


def _ruin(search: _Search, state: Construction, rng: random.Random) -> list[int]:
    """Remove strings of jobs around a random seed job from up to a few neighbouring routes."""
    route_of = search.route_of(state)
    if not route_of:
        return []
    routes = [stops for stops in state.routes.values() if stops]
    mean_length = sum(len(stops) for stops in routes) / len(routes)
    longest = min(float(MAX_STRING), mean_length)
    max_strings = 4 * AVERAGE_REMOVED / (1 + longest) - 1
    strings = int(rng.uniform(1, max_strings + 1))
    seeds = [j for j in route_of if j in search.neighbours]
    if not seeds:
        return []
    seed_job = rng.choice(seeds)
    removed: list[int] = []
    ruined: set[int] = set()
    if rng.random() < ROUTE_REMOVAL_RATE:
        # The shorter of two random routes, emptied of everything not locked.
        v = min(
            rng.sample(sorted(set(route_of.values())), min(2, len(set(route_of.values())))),
            key=lambda v: len(state.routes[v]),
        )
        stops = state.routes[v]
        first = state.locked_count[v]
        if state.replace(v, stops[:first]):
            removed.extend(s for s in stops[first:] if s >= 0)
            ruined.add(v)
            seed_job = removed[0] if removed else seed_job
    for j in [seed_job, *search.neighbours[seed_job]]:
        if len(ruined) >= strings:
            break
        owner = route_of.get(j)
        if owner is None or owner in ruined:
            continue
        v = owner
        stops = state.routes[v]
        first = state.locked_count[v]
        free = [k for k in range(first, len(stops)) if stops[k] >= 0]
        if j not in (stops[k] for k in free):
            continue
        length = int(rng.uniform(1, min(len(free), longest) + 1))
        at = free.index(stops.index(j))
        begin = max(0, min(at - rng.randrange(length), len(free) - length))
        positions = set(free[begin : begin + length])
        if not state.replace(v, [s for k, s in enumerate(stops) if k not in positions]):
            continue
        removed.extend(stops[k] for k in sorted(positions))
        ruined.add(v)
    return removed


def _recreate(search: _Search, state: Construction, removed: list[int], rng: random.Random) -> None:
    """Reinsert the removed jobs, and the unserved ones near them, each at its cheapest feasible place."""
    served = search.route_of(state)
    nearby = {n for j in removed for n in search.neighbours[j][:AVERAGE_REMOVED] if n not in served}
    todo = list(dict.fromkeys([*removed, *sorted(nearby)]))
    rng.shuffle(todo)
    c = search.c
    how = rng.random()
    if todo and how >= 0.4:  # SISR's orders: random, largest demand, farthest or closest (to the seed) first
        seed_row = c.job_row[todo[0] if not removed else removed[0]]
        if how < 0.8:
            todo.sort(key=lambda j: -sum(c.problem.jobs[j].required_parts.values()))
        elif how < 0.9:
            todo.sort(key=lambda j: -int(c.times[seed_row, c.job_row[j]]))
        else:
            todo.sort(key=lambda j: int(c.times[seed_row, c.job_row[j]]))

    def blink() -> bool:
        return rng.random() < BLINK_RATE

    order = by_priority(search.c, todo)
    if order and rng.random() < ROUTE_OPENING_RATE:
        opened = _open_route(search, state, order[0])
        if opened:
            order = order[1:]
    for j in order:
        found = state.best_insertion(j, search.allowed[j], blink)
        if found is not None:
            state.commit(*found)


def _open_route(search: _Search, state: Construction, j: int) -> bool:
    """Put ``j`` alone on an unused technician's day where it costs least, trying the few technicians whose
    homes are nearest to it; False when none can take it."""
    c = search.c
    row = c.job_row[j]
    unused = [v for v in search.allowed[j] if not state.routes.get(v) and v in search.alone]
    unused.sort(key=lambda v: int(c.times[c.start_row[v], row]) + int(c.times[row, c.end_row[v]]))
    best = None
    for v in unused[:OPENING_CANDIDATES]:
        found = state.best_insertion(j, search.alone[v])
        if found is not None and (best is None or found[1].cost < best[1].cost):
            best = found
    if best is None:
        return False
    state.commit(*best)
    return True
