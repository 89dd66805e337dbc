"""Ejection chains for the P1 and P2 jobs a plan leaves out because jobs as urgent block them.

On tight days a left-out P1 often has two or three vans that could take it, each held by another P1 whose
window clashes with the trip or which took the one spare part. Removing lower-priority work cannot help
(``rescue`` tries that); the blocking job must move. Two moves: the left-out job takes a blocker's place on
its van (displacing lesser work there if it must) and the blocker goes to another van that could take it
(the same way); or a van that could take the job and one that could take a blocker are rebuilt together
around it. Lesser work displaced goes back wherever it still fits. A move is kept when the plan's whole
cost, drop penalties included, goes down: one more P1 (or P2) served for less than it is worth.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from itertools import islice, product

from optimizer._construct import Construction, _job_order, by_priority, made_room, serve_left_out
from optimizer._schedule import Compiled

MAX_SHARINGS = 64
"""Ways of sharing two vans' top-priority jobs tried per pair (six jobs allowed on both: all of them)."""
EJECTED_PRIORITIES = (1, 2)
"""Priorities whose left-out jobs may move jobs as urgent as they are (their drop penalties dominate)."""


def eject(
    c: Compiled,
    plan: dict[int, list[int]],
    jobs: Sequence[int],
    allowed: list[list[int]],
    available: dict[tuple[int, str], int],
    deadline: float,
) -> dict[int, list[int]]:
    """``plan`` with the best move that serves each left-out P1, then P2, applied where it pays."""

    def candidates(state: Construction, j: int) -> Iterator[Construction]:
        return _candidates(state, j, allowed, jobs, deadline)

    return serve_left_out(c, plan, jobs, available, deadline, EJECTED_PRIORITIES, candidates)


def _candidates(
    state: Construction, j: int, allowed: list[list[int]], jobs: Sequence[int], deadline: float
) -> Iterator[Construction]:
    """Plans serving ``j``: each blocker on a van that could take ``j`` moved to another van, then each such
    pair of vans rebuilt together around ``j``."""
    priority = [job.priority for job in state.c.problem.jobs]
    vans = [v for v in allowed[j] if v in state.routes]
    for v in vans:
        for blocker in state.routes[v][state.locked_count[v] :]:
            if blocker >= 0 and priority[blocker] <= priority[j] and time.perf_counter() < deadline:
                trial = _chain(state, j, v, blocker, allowed, jobs)
                if trial is not None:
                    yield trial
    for v in vans:
        for w in _partners(state, j, v, allowed):
            if time.perf_counter() >= deadline:
                return
            trial = _pair(state, j, (v, w), allowed, deadline)
            if trial is not None:
                yield trial


def _partners(state: Construction, j: int, v: int, allowed: list[list[int]]) -> list[int]:
    """The other vans that could take one of the jobs of ``j``'s priority or higher on van ``v``."""
    priority = state.c.problem.jobs[j].priority
    found: dict[int, None] = {}
    for s in state.routes[v][state.locked_count[v] :]:
        if s >= 0 and state.c.problem.jobs[s].priority <= priority:
            found.update((w, None) for w in allowed[s] if w != v and w in state.routes)
    return list(found)


def _pair(
    state: Construction, j: int, pair: tuple[int, int], allowed: list[list[int]], deadline: float
) -> Construction | None:
    """Vans ``pair`` rebuilt around ``j``, which goes first on the first of them: every way of sharing their
    jobs of ``j``'s priority or higher between the two (up to ``MAX_SHARINGS``) is tried, each inserted by
    due time on its van (or, where it does not fit there, on any van that could take it), then their
    lesser work put back wherever it still fits; the cheapest that keeps them all. OR-Tools moves one job
    at a time and rarely finds this when top-priority jobs must change vans together."""
    c = state.c
    priority = c.problem.jobs[j].priority
    cleared = state.copy()
    held: list[int] = []
    for u in pair:
        first = cleared.locked_count[u]
        held += [s for s in cleared.routes[u][first:] if s >= 0]
        if not cleared.replace(u, cleared.routes[u][:first]):
            return None
    # ``j`` placed first, then the rest by due time: placed after them, it would find the van's day
    # already cut up around their earliest windows.
    urgent = [j, *_job_order(c, [s for s in held if c.problem.jobs[s].priority <= priority])]
    lesser = by_priority(c, [s for s in held if c.problem.jobs[s].priority > priority])
    choices = [[pair[0]], *([u for u in pair if u in allowed[s]] for s in urgent[1:])]
    jobs = list(range(len(c.problem.jobs)))
    best, best_cost = None, None
    for sharing in islice(product(*choices), MAX_SHARINGS):
        if time.perf_counter() >= deadline:
            break
        trial = _shared(cleared, urgent, sharing, lesser, allowed)
        if trial is not None and (best_cost is None or trial.total_cost(jobs) < best_cost):
            best, best_cost = trial, trial.total_cost(jobs)
    return best


def _shared(
    cleared: Construction,
    urgent: list[int],
    sharing: tuple[int, ...],
    lesser: list[int],
    allowed: list[list[int]],
) -> Construction | None:
    trial = cleared.copy()
    for s, u in zip(urgent, sharing, strict=True):
        found = trial.best_insertion(s, [u]) or trial.best_insertion(s, allowed[s])
        if found is None:
            return None
        trial.commit(*found)
    for s in lesser:
        back = trial.best_insertion(s, allowed[s])
        if back is not None:
            trial.commit(*back)
    return trial


def _chain(
    state: Construction, j: int, v: int, blocker: int, allowed: list[list[int]], jobs: Sequence[int]
) -> Construction | None:
    """``j`` on van ``v`` in place of ``blocker``, and ``blocker`` on another van that could take it."""
    trial = state.copy()
    if not trial.replace(v, [s for s in state.routes[v] if s != blocker]):
        return None
    found = trial.best_insertion(j, [v])
    if found is not None:
        trial.commit(*found)
    else:
        roomier = made_room(trial, j, v, allowed)
        if roomier is None:
            return None
        trial = roomier
    others = [w for w in allowed[blocker] if w != v and w in trial.routes]
    back = trial.best_insertion(blocker, others)
    if back is not None:
        trial.commit(*back)
        return trial
    placed = [t for t in (made_room(trial, blocker, w, allowed) for w in others) if t is not None]
    return min(placed, key=lambda t: t.total_cost(jobs), default=None)
