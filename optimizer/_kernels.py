"""The hot loops of the insertion search, compiled with numba: exact route timing, gap bounds, gap ranking.

Ruin and recreate runs thousands of insertions a second, and in plain Python each one spent most of its time
walking routes stop by stop. These kernels do the same walks over flat arrays (``KernelData``); the Python
side (``_schedule``, ``_construct``) keeps the model's rules readable and calls them. The per-stop arrays
hold the jobs and then the depots in reverse, so a stop indexes them as it is: job ``j`` at ``j`` and a
depot pickup ``-(d + 1)`` from the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numba
import numpy as np

from optimizer.problem import IntMatrix

F = TypeVar("F", bound=Callable[..., Any])
_jit = cast(Callable[[F], F], numba.njit(cache=True, nogil=True))

NO_TIME = -(2**62)
"""Stands for "no feasible time" (no window left to start in)."""
NO_DUE = 2**62
"""The due time of a stop without an SLA: never late."""

# Columns of KernelData.tech.
SHIFT_START, SHIFT_END, LATEST_END, START_ROW, END_ROW = 0, 1, 2, 3, 4
LUNCH_EARLIEST, LUNCH_LATEST, LUNCH_DURATION, HAS_LUNCH, MAX_WORK, MAX_TRAVEL = 5, 6, 7, 8, 9, 10
TECH_COLUMNS = 11
# Entries of KernelData.weights.
TRAVEL_W, DISTANCE_W, OVERTIME_W = 0, 1, 2


@dataclass(frozen=True, slots=True)
class KernelData:
    """The problem as flat arrays for the kernels."""

    times: IntMatrix
    dists: IntMatrix
    node_row: np.ndarray
    """Matrix row per stop."""
    win_begin: np.ndarray
    """Stop s's start windows are win_lo/win_hi[win_begin[s]:win_end[s]], sorted."""
    win_end: np.ndarray
    win_lo: np.ndarray
    win_hi: np.ndarray
    service: IntMatrix
    """Service (or pickup) time per technician and node."""
    due: np.ndarray
    """SLA due time per node (NO_DUE when none)."""
    late_weight: np.ndarray
    """Lateness cost per second per node."""
    breach_at: np.ndarray
    """Per node, the latest start that keeps its SLA (NO_DUE when none): a start after it costs
    ``breach_cost`` once."""
    breach_cost: np.ndarray
    tech: IntMatrix
    """Per technician: shift, rows, lunch and limits (columns SHIFT_START..MAX_TRAVEL; -1 means none)."""
    weights: np.ndarray
    """travel per s, distance per m, overtime per s."""
    part_begin: np.ndarray
    """Stop s needs part_qty[i] of part column part_sku[i] for i in part_begin[s]:part_end[s]."""
    part_end: np.ndarray
    part_sku: np.ndarray
    part_qty: np.ndarray
    van: IntMatrix
    """Van stock per technician and part column."""


@_jit
def _first_start(lo: np.ndarray, hi: np.ndarray, begin: int, end: int, ready: int) -> int:
    for k in range(begin, end):
        if ready <= hi[k]:
            return int(max(ready, lo[k]))
    return NO_TIME


@_jit
def route_bounds(
    nodes: np.ndarray,
    v: int,
    times: np.ndarray,
    node_row: np.ndarray,
    win_begin: np.ndarray,
    win_end: np.ndarray,
    win_lo: np.ndarray,
    win_hi: np.ndarray,
    service: np.ndarray,
    tech: np.ndarray,
) -> np.ndarray:
    """The route's gap table (6 x gaps): rows before and after each gap, the earliest departure into it and
    the latest start after it that keeps the rest of the route feasible (lunch ignored: bounds any feasible
    schedule respects), the gap's position and the vehicle."""
    n = len(nodes)
    rows = np.empty(n + 2, dtype=np.int64)
    rows[0] = tech[v, START_ROW]
    for k in range(n):
        rows[k + 1] = node_row[nodes[k]]
    rows[n + 1] = tech[v, END_ROW]
    table = np.empty((6, n + 1), dtype=np.int64)
    departure = tech[v, SHIFT_START]
    for k in range(n + 1):
        table[0, k] = rows[k]
        table[1, k] = rows[k + 1]
        table[2, k] = departure
        table[4, k] = k
        table[5, k] = v
        if k < n:
            node = nodes[k]
            ready = departure + times[rows[k], rows[k + 1]]
            start = _first_start(win_lo, win_hi, win_begin[node], win_end[node], ready)
            if start == NO_TIME:
                start = ready
            departure = start + service[v, node]
    latest = tech[v, LATEST_END]
    table[3, n] = latest
    for k in range(n - 1, -1, -1):
        node = nodes[k]
        bound = latest - times[rows[k + 1], rows[k + 2]] - service[v, node]
        latest = -(2**40)
        for w in range(win_end[node] - 1, win_begin[node] - 1, -1):
            if win_lo[w] <= bound:
                latest = min(win_hi[w], bound)
                break
        table[3, k] = latest
    return table


@_jit
def ranked_gaps(
    table: np.ndarray,
    usable: np.ndarray,
    locked: np.ndarray,
    node: int,
    times: np.ndarray,
    dists: np.ndarray,
    node_row: np.ndarray,
    win_begin: np.ndarray,
    win_end: np.ndarray,
    win_lo: np.ndarray,
    win_hi: np.ndarray,
    service: np.ndarray,
    weights: np.ndarray,
) -> np.ndarray:
    """(detour cost, vehicle, position) of every gap of ``table`` where ``node`` could start in time, on a
    ``usable`` vehicle and past its locked prefix, cheapest first (3 x gaps)."""
    count = table.shape[1]
    row = node_row[node]
    begin, end = win_begin[node], win_end[node]
    extra = np.empty(count, dtype=np.int64)
    keep = np.empty(count, dtype=np.int64)
    found = 0
    for c in range(count):
        owner = table[5, c]
        if not usable[owner] or table[4, c] < locked[owner]:
            continue
        before, after = table[0, c], table[1, c]
        to_job = times[before, row]
        from_job = times[row, after]
        ready = table[2, c] + to_job
        start = _first_start(win_lo, win_hi, begin, end, ready)
        if start == NO_TIME or start + service[owner, node] + from_job > table[3, c]:
            continue
        cost = weights[TRAVEL_W] * (to_job + from_job - times[before, after])
        if weights[DISTANCE_W]:
            cost += weights[DISTANCE_W] * (dists[before, row] + dists[row, after] - dists[before, after])
        extra[found] = cost
        keep[found] = c
        found += 1
    order = np.argsort(extra[:found], kind="mergesort")
    result = np.empty((3, found), dtype=np.int64)
    for i in range(found):
        c = keep[order[i]]
        result[0, i] = extra[order[i]]
        result[1, i] = table[5, c]
        result[2, i] = table[4, c]
    return result


@_jit
def timed_route(
    nodes: np.ndarray,
    v: int,
    shift_end_slack: int,
    times: np.ndarray,
    dists: np.ndarray,
    node_row: np.ndarray,
    win_begin: np.ndarray,
    win_end: np.ndarray,
    win_lo: np.ndarray,
    win_hi: np.ndarray,
    service: np.ndarray,
    due: np.ndarray,
    late_weight: np.ndarray,
    breach_at: np.ndarray,
    breach_cost: np.ndarray,
    tech: np.ndarray,
    weights: np.ndarray,
) -> tuple[bool, np.ndarray, np.ndarray]:
    """The earliest feasible schedule of ``nodes`` for technician ``v``, lunch placed exactly.

    Returns (feasible, per-stop array 7 x n: arrivals, starts, ends, legs_s, legs_m, lateness, breached;
    summary: leg home s, leg home m, route start, route end, lunch start or NO_TIME, cost). A two-state pass
    (lunch not yet taken / taken) finds the earliest times, then they are replayed with the chosen break.
    """
    n = len(nodes)
    per_stop = np.zeros((7, n), dtype=np.int64)
    summary = np.zeros(6, dtype=np.int64)
    shift_start = tech[v, SHIFT_START]
    latest_end = tech[v, LATEST_END] - shift_end_slack
    has_lunch = tech[v, HAS_LUNCH] == 1
    l_earliest, l_latest, l_duration = tech[v, LUNCH_EARLIEST], tech[v, LUNCH_LATEST], tech[v, LUNCH_DURATION]
    # t0: departure with the break not taken (NO_TIME: impossible); t1 with it: departure, gap, break start.
    t0 = shift_start
    t1, t1_gap, t1_start = NO_TIME, -1, 0
    cur = tech[v, START_ROW]
    for k in range(n):
        node = nodes[k]
        row = node_row[node]
        begin, end = win_begin[node], win_end[node]
        tau = times[cur, row]
        serve = service[v, node]
        next0 = NO_TIME
        next1, next1_gap, next1_start = NO_TIME, -1, 0
        if t0 != NO_TIME:
            s0 = _first_start(win_lo, win_hi, begin, end, t0 + tau)
            if s0 != NO_TIME:
                next0 = s0 + serve
            if has_lunch:
                bs = max(t0, l_earliest)
                if bs <= l_latest:
                    sb = _first_start(win_lo, win_hi, begin, end, max(t0 + tau, bs) + l_duration)
                    if sb != NO_TIME:
                        next1, next1_gap, next1_start = sb + serve, k, bs
        if t1 != NO_TIME:
            s1 = _first_start(win_lo, win_hi, begin, end, t1 + tau)
            if s1 != NO_TIME and (next1 == NO_TIME or s1 + serve < next1):
                next1, next1_gap, next1_start = s1 + serve, t1_gap, t1_start
        if next0 == NO_TIME and next1 == NO_TIME:
            return False, per_stop, summary
        t0 = next0
        t1, t1_gap, t1_start = next1, next1_gap, next1_start
        cur = row
    home = tech[v, END_ROW]
    tau_home = times[cur, home]
    # The break's gap: -1 none, n + 1 after the route ends, else before stop gap (n: before going home).
    gap, bs = -2, 0
    if t0 != NO_TIME and t0 + tau_home <= latest_end:
        if not has_lunch:
            gap, bs = -1, 0
        elif max(t0 + tau_home, l_earliest) <= l_latest:
            gap, bs = n + 1, max(t0 + tau_home, l_earliest)
        elif max(t0, l_earliest) <= l_latest:
            b = max(t0, l_earliest)
            if max(t0 + tau_home, b) + l_duration <= latest_end:
                gap, bs = n, b
    if gap == -2 and t1 != NO_TIME and t1 + tau_home <= latest_end:
        gap, bs = t1_gap, t1_start
    if gap == -2:
        return False, per_stop, summary
    duration = l_duration if has_lunch else 0
    cur = tech[v, START_ROW]
    departure = shift_start
    travel_s = 0
    travel_m = 0
    late_cost = 0
    for k in range(n):
        node = nodes[k]
        row = node_row[node]
        tau = times[cur, row]
        arrival = departure + tau
        ready = arrival
        if gap == k:
            if bs < arrival:
                arrival += duration
                ready = arrival
            else:
                ready = bs + duration
        start = _first_start(win_lo, win_hi, win_begin[node], win_end[node], ready)
        if start == NO_TIME:
            return False, per_stop, summary
        per_stop[0, k] = arrival
        per_stop[1, k] = start
        per_stop[2, k] = start + service[v, node]
        per_stop[3, k] = tau
        per_stop[4, k] = dists[cur, row]
        late = max(0, start - due[node])
        per_stop[5, k] = late
        late_cost += late_weight[node] * late
        if start > breach_at[node]:
            per_stop[6, k] = 1
            late_cost += breach_cost[node]
        travel_s += tau
        travel_m += per_stop[4, k]
        departure = start + service[v, node]
        cur = row
    route_end = departure + tau_home
    if gap == n and bs < route_end:
        route_end += duration
    route_start = shift_start
    if n > 0 and gap != 0:
        route_start = max(route_start, per_stop[1, 0] - per_stop[3, 0])
        per_stop[0, 0] = route_start + per_stop[3, 0]
    if n == 0:
        route_end = route_start
    travel_s += tau_home
    travel_m += dists[cur, home]
    if tech[v, MAX_WORK] >= 0 and route_end - route_start > tech[v, MAX_WORK]:
        return False, per_stop, summary
    if tech[v, MAX_TRAVEL] >= 0 and travel_s > tech[v, MAX_TRAVEL]:
        return False, per_stop, summary
    if route_end > tech[v, LATEST_END]:
        return False, per_stop, summary
    cost = weights[TRAVEL_W] * travel_s + weights[DISTANCE_W] * travel_m
    cost += weights[OVERTIME_W] * max(0, route_end - tech[v, SHIFT_END]) + late_cost
    summary[0] = tau_home
    summary[1] = dists[cur, home]
    summary[2] = route_start
    summary[3] = route_end
    summary[4] = bs if (has_lunch and gap >= 0 and n > 0) else NO_TIME
    summary[5] = cost
    return True, per_stop, summary


@_jit
def route_demand(
    nodes: np.ndarray,
    part_begin: np.ndarray,
    part_end: np.ndarray,
    part_sku: np.ndarray,
    part_qty: np.ndarray,
    n_skus: int,
) -> np.ndarray:
    """Units of each part the jobs of ``nodes`` need in total."""
    demand = np.zeros(n_skus, dtype=np.int64)
    for k in range(len(nodes)):
        node = nodes[k]
        for i in range(part_begin[node], part_end[node]):
            demand[part_sku[i]] += part_qty[i]
    return demand


@_jit
def spliced(table: np.ndarray, offsets: np.ndarray, slot: int, part: np.ndarray) -> np.ndarray:
    """``table`` with the columns of ``slot`` replaced by ``part``; ``offsets`` (where each slot's columns
    start) is updated in place."""
    lo, hi = offsets[slot], offsets[slot + 1]
    width = part.shape[1]
    result = np.empty((table.shape[0], table.shape[1] - (hi - lo) + width), dtype=np.int64)
    result[:, :lo] = table[:, :lo]
    result[:, lo : lo + width] = part
    result[:, lo + width :] = table[:, hi:]
    for k in range(slot + 1, len(offsets)):
        offsets[k] += width - (hi - lo)
    return result
