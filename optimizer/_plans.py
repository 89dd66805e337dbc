"""Plans of a group as the search passes them around: their cost, their exact repair, the depot stock they
pick up, and how the depots' stock is divided between groups solved side by side.

A plan maps a technician (vehicle index) to its stops in order; a depot stop is negative (``depot_stop``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from optimizer._schedule import Compiled, depot_of, schedule

Plan = dict[int, list[int]]
Stock = dict[tuple[int, str], int]
"""Units per (depot index, SKU)."""


def minus(
    stock: Mapping[tuple[int, str], int], claims: list[dict[tuple[int, str], int]]
) -> dict[tuple[int, str], int]:
    """``stock`` less every claim (keys absent from ``stock`` go negative)."""
    left = dict(stock)
    for claim in claims:
        for key, q in claim.items():
            left[key] = left.get(key, 0) - q
    return left


def picks_of(c: Compiled, plan: Plan) -> dict[tuple[int, str], int]:
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


def repaired(c: Compiled, plan: Plan, available: dict[tuple[int, str], int]) -> Plan:
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


def plan_cost(c: Compiled, plan: Plan, jobs: list[int], available: dict[tuple[int, str], int]) -> int:
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
    cost += sum(weights.leaving_out(c.problem.jobs[j]) for j in jobs if j not in served)
    return cost


def divide_stock(
    c: Compiled, parts: Sequence[tuple[Sequence[int], Sequence[int]]], stock: Stock, picks: list[Stock]
) -> list[Stock]:
    """Each group's share of the depots' stock, so groups solved at once never promise a unit twice.

    A group keeps what its constructed plan picks (``picks``, which add up to no more than ``stock``: the
    construction takes from what earlier groups left); what nobody picked goes to the group whose nearest
    technician is closest to the depot, the one most likely to drive there. The shares add up to ``stock``.
    """
    shares = [dict(p) for p in picks]
    leftover = minus(stock, picks)
    if not parts:
        return shares
    depots = sorted({d for d, _ in leftover})
    nearest: dict[int, int] = {}
    for d in depots:
        row = c.depot_row[d]
        reach = [
            min(int(c.times[c.start_row[v], row]) for v in vehicles) if len(vehicles) else 2**62
            for vehicles, _ in parts
        ]
        nearest[d] = int(np.argmin(reach))
    for (d, sku), q in sorted(leftover.items()):
        if q > 0:
            share = shares[nearest[d]]
            share[(d, sku)] = share.get((d, sku), 0) + q
    return shares
