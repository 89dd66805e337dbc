"""Progress reports and cancellation of a running solve, for callers that plan in the background.

A watcher thread polls the caller's ``should_stop`` every ``POLL_S`` seconds and, when it answers yes,
cancels the OR-Tools search in progress (``RoutingModel.CancelSearch``, which the routing search checks
as a limit) and every later one; the solve then returns the best plan found so far. The watcher also
reports progress at the same pace, so a caller sees the clock move while no better plan turns up. Polling
from a thread costs nothing inside the search, unlike a Python search limit that OR-Tools would call
hundreds of thousands of times a second.

``on_progress`` is called from one thread at a time (the watcher while it runs, then the solving thread
for the last report); it should be quick, e.g. store the report for another thread to write out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

POLL_S = 0.1
"""How often ``should_stop`` is asked and progress may be reported."""
REPORT_EVERY_S = 0.5
"""Progress is reported at least this often while nothing changes."""


@dataclass(frozen=True, slots=True)
class SolveProgress:
    """Where a solve stands: time spent, the best objective so far, and how much of the time limit is used.

    ``best_objective`` is in the objective's cost units; during the search it is the search's own estimate
    of the plan's cost (the last report of a solve carries the exact figure). ``assigned_jobs`` and
    ``unassigned_jobs`` count the jobs of the best complete plan known so far (after the first plan, then
    after each independent group is improved; exact in the last report). ``p1_assigned`` counts the P1 jobs
    of that plan; ``groups_done`` of ``groups_total`` independent groups have finished their search.
    """

    elapsed_s: float
    best_objective: int | None
    solutions_found: int
    time_fraction: float
    assigned_jobs: int | None = None
    unassigned_jobs: int | None = None
    p1_assigned: int | None = None
    groups_done: int | None = None
    groups_total: int | None = None


ProgressCallback = Callable[[SolveProgress], None]
StopCheck = Callable[[], bool]


class Cancellable(Protocol):
    """What the watcher needs of a search: OR-Tools' ``RoutingModel`` has it."""

    def CancelSearch(self) -> None: ...


class SearchControl:
    """Carries ``on_progress`` and ``should_stop`` through one solve; use it as a context manager."""

    def __init__(
        self,
        time_limit_s: float,
        on_progress: ProgressCallback | None = None,
        should_stop: StopCheck | None = None,
    ) -> None:
        self._time_limit_s = time_limit_s
        self._on_progress = on_progress
        self._should_stop = should_stop
        self._began = time.perf_counter()
        self._lock = threading.Lock()
        self._search: Cancellable | None = None
        self._cancelled = threading.Event()
        self._closing = threading.Event()
        self._best: int | None = None
        self._offset = 0
        self._solutions = 0
        self._counts: tuple[int, int] | None = None
        self._p1: int | None = None
        self._groups: tuple[int, int] | None = None
        self._watcher: threading.Thread | None = None

    def __enter__(self) -> SearchControl:
        if self._on_progress is not None or self._should_stop is not None:
            self._watcher = threading.Thread(target=self._watch, name="solve-watcher", daemon=True)
            self._watcher.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._closing.set()
        if self._watcher is not None:
            self._watcher.join()

    @property
    def cancelled(self) -> bool:
        """True once the caller asked to stop (checked now, not only by the watcher)."""
        if not self._cancelled.is_set() and self._should_stop is not None and self._should_stop():
            self._cancelled.set()
        return self._cancelled.is_set()

    @property
    def stop_requested(self) -> bool:
        """True if the caller asked to stop while the solve ran (asks nothing now)."""
        return self._cancelled.is_set()

    def attach(self, search: Cancellable) -> None:
        """The OR-Tools search about to run; cancelled at once if the caller already asked to stop."""
        with self._lock:
            self._search = search
            if self._cancelled.is_set():
                search.CancelSearch()

    def detach(self) -> None:
        with self._lock:
            self._search = None

    def group_offset(self, objective_of_the_rest: int) -> None:
        """The cost of everything outside the group now searched, so its solutions count as whole plans."""
        with self._lock:
            self._offset = objective_of_the_rest

    def solution(self, group_objective: int) -> None:
        """A solution of the group now searched (from OR-Tools' solution callback)."""
        with self._lock:
            self._found(self._offset + group_objective)

    def plan(
        self,
        objective: int,
        assigned: int,
        jobs: int,
        *,
        p1_assigned: int | None = None,
        groups: tuple[int, int] | None = None,
    ) -> None:
        """A complete plan of the given objective, serving ``assigned`` of the problem's ``jobs`` (of them
        ``p1_assigned`` P1s), once ``groups`` (done, all) of the independent groups have been searched."""
        with self._lock:
            self._found(objective)
            self._counts = (assigned, jobs - assigned)
            if p1_assigned is not None:
                self._p1 = p1_assigned
            if groups is not None:
                self._groups = groups

    def _found(self, objective: int) -> None:
        self._solutions += 1
        if self._best is None or objective < self._best:
            self._best = objective

    def final(self, objective: int, assigned: int, unassigned: int, p1_assigned: int | None = None) -> None:
        """The exact figures of the plan returned: the last report."""
        with self._lock:
            self._best = objective
            self._counts = (assigned, unassigned)
            if p1_assigned is not None:
                self._p1 = p1_assigned
            if self._groups is not None:
                self._groups = (self._groups[1], self._groups[1])
        if self._on_progress is not None:
            self._on_progress(self._progress())

    def _progress(self) -> SolveProgress:
        elapsed = time.perf_counter() - self._began
        with self._lock:
            return SolveProgress(
                elapsed_s=elapsed,
                best_objective=self._best,
                solutions_found=self._solutions,
                time_fraction=min(1.0, elapsed / self._time_limit_s),
                assigned_jobs=None if self._counts is None else self._counts[0],
                unassigned_jobs=None if self._counts is None else self._counts[1],
                p1_assigned=self._p1,
                groups_done=None if self._groups is None else self._groups[0],
                groups_total=None if self._groups is None else self._groups[1],
            )

    def _watch(self) -> None:
        reported: tuple[int | None, int] | None = None
        last_report = 0.0
        while not self._closing.wait(POLL_S):
            if not self._cancelled.is_set() and self.cancelled:
                with self._lock:
                    if self._search is not None:
                        self._search.CancelSearch()
            if self._on_progress is None:
                continue
            now = time.perf_counter()
            state = (self._best, self._solutions)
            if state != reported or now - last_report >= REPORT_EVERY_S:
                self._on_progress(self._progress())
                reported, last_report = state, now


def served_jobs(plans: Sequence[Mapping[int, Sequence[int]]], among: Container[int] | None = None) -> int:
    """Jobs routed by group plans (technician -> stops; depot stops are negative), only those ``among``
    when given."""
    return sum(
        1
        for plan in plans
        for stops in plan.values()
        for stop in stops
        if stop >= 0 and (among is None or stop in among)
    )
