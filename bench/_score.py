"""Scoring a solver's routes the same way for every solver: exact distances, feasibility checked in doubles.

Solvers optimise integer data of their own; what they report about their own solution is never used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench._vrplib import Instance, route_distance

#: Slack allowed on time windows and the depot's closing time, in instance time units.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Score:
    """What the benchmark reports about one solution."""

    distance: float
    vehicles: int
    feasible: bool
    problems: list[str] = field(default_factory=list)

    def gap_pct(self, best_known: float | None) -> float | None:
        """100 * (distance - best known) / best known, or None without a best-known value."""
        if best_known is None or best_known <= 0:
            return None
        return 100.0 * (self.distance - best_known) / best_known


def route_problems(instance: Instance, route: list[int], tolerance: float = TOLERANCE) -> list[str]:
    """Every capacity and time-window violation of one route (waiting before a window opens is allowed)."""
    problems: list[str] = []
    load = int(instance.demands[route].sum()) if route else 0
    if load > instance.capacity:
        problems.append(f"load {load} exceeds capacity {instance.capacity}")
    time = float(instance.ready[0])
    previous = 0
    for customer in route:
        time += float(instance.distances[previous, customer])
        if time > instance.due[customer] + tolerance:
            problems.append(
                f"customer {customer} starts at {time:.6f}, after its due {instance.due[customer]:g}"
            )
        time = max(time, float(instance.ready[customer])) + float(instance.service[customer])
        previous = customer
    time += float(instance.distances[previous, 0])
    if time > instance.due[0] + tolerance:
        problems.append(f"returns to the depot at {time:.6f}, after it closes at {instance.due[0]:g}")
    return problems


def score(instance: Instance, routes: list[list[int]], tolerance: float = TOLERANCE) -> Score:
    """Distance, vehicles and feasibility of routes given as customer ids 1..n (depot 0 not listed)."""
    problems: list[str] = []
    used = [route for route in routes if route]
    seen: dict[int, int] = {}
    for route in used:
        for customer in route:
            if not 1 <= customer <= instance.num_customers:
                problems.append(f"unknown customer id {customer}")
            else:
                seen[customer] = seen.get(customer, 0) + 1
    twice = sorted(c for c, count in seen.items() if count > 1)
    missing = sorted(set(range(1, instance.num_customers + 1)) - seen.keys())
    if twice:
        problems.append(f"{len(twice)} customers visited more than once, e.g. {twice[:5]}")
    if missing:
        problems.append(f"{len(missing)} customers not visited, e.g. {missing[:5]}")
    if len(used) > instance.max_vehicles:
        problems.append(f"{len(used)} vehicles used, fleet has {instance.max_vehicles}")
    if not problems:  # route checks need valid ids
        for index, route in enumerate(used):
            problems.extend(f"route {index}: {p}" for p in route_problems(instance, route, tolerance))
    valid = [[c for c in route if 1 <= c <= instance.num_customers] for route in used]
    return Score(
        distance=route_distance(instance, valid),
        vehicles=len(used),
        feasible=not problems,
        problems=problems,
    )
