"""Solving a large day in geographic parts (``_split``), and repairing the cut between them.

1. Split the day, give each depot's stock to one part.
2. First plan: each part constructed as a day of its own, one after the other in this process (each part's
   matrices are dropped before the next is built, so memory follows the largest part, never the whole day).
3. Improve each part from its constructed plan, its share of the time by size, in this process or side by
   side in the process pool; a part whose sub-solve fails keeps its constructed plan.
4. Repair the cut: for each pair of parts where one leaves out jobs that technicians of the other might take,
   the pair is solved as one day from the two plans (so a left-out job can move across, and work can move
   to make room for it), within a bounded time, and kept only if the pair's objective is lower. The pair is
   then split again by technician: a job belongs to the part of whoever serves it.
5. Merge: routes and left-out jobs of every part, one objective, and the split recorded in the statistics.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, CancelledError, Executor, Future, wait
from dataclasses import dataclass, field

from optimizer._progress import POLL_S, SearchControl
from optimizer._split import Part, coarse_reach, depot_shares, split_day, sub_problem
from optimizer.problem import Problem, SolveParams
from optimizer.solution import (
    ObjectiveBreakdown,
    Route,
    Solution,
    SolvePart,
    SolveStats,
    SolveStatus,
    UnassignedJob,
    VisitKind,
)
from optimizer.travel import TravelTimes

REPAIR_SHARE = 0.12
"""Share of the time limit kept for re-solving pairs of neighbouring parts across their cut."""
MIN_PAIR_S = 3.0
"""Least time a pair is re-solved for: compiling a pair of parts takes a second or two."""
MIN_PART_S = 0.5
MIN_REST_S = 5.0
"""Least time worth improving a part again with (it is compiled again first)."""

Share = dict[int, dict[str, int]]
"""Stock per depot index and SKU that a part may pick up."""


@dataclass(frozen=True, slots=True)
class PartTask:
    """One part (or pair of parts) to solve as a day of its own, from ``hint``'s routes when given."""

    problem: Problem
    params: SolveParams
    travel: TravelTimes | None
    hint: tuple[Route, ...] = ()
    construct_only: bool = False


@dataclass(frozen=True, slots=True)
class PartRunner:
    """How parts are solved: in this process; handed to an executor (``submit``, its future's solution);
    and the executor itself for a number of workers (from ``solve``: its local process pool, or the
    caller's executor). ``always_pool``: use the executor whatever the time limit (a caller's executor
    has its workers running already; the local pool is not worth spawning for a short solve)."""

    run: Callable[[PartTask, SearchControl], Solution]
    submit: Callable[[Executor, PartTask], Future[Solution]]
    pool: Callable[[int], contextlib.AbstractContextManager[Executor | None]]
    always_pool: bool = False
    workers: int | None = None
    """Parts out at once in the executor (None: ``SolveParams.workers``)."""


@dataclass(slots=True)
class PartState:
    """A part as the solve goes: its technicians and jobs (whole-day indices), stock share and plan."""

    part: Part
    share: Share
    solution: Solution
    groups: int = 0


@dataclass(slots=True)
class _Run:
    """What the whole solve keeps while parts are solved."""

    problem: Problem
    params: SolveParams
    travel: TravelTimes | None
    control: SearchControl
    runner: PartRunner
    began: float
    candidates: list[list[int]] = field(default_factory=list)
    states: list[PartState] = field(default_factory=list)
    history: list[tuple[float, int]] = field(default_factory=list)
    solutions: int = 0
    done: set[int] = field(default_factory=set)
    """Parts whose improvement has finished (the progress's groups done)."""

    def task(self, k: int, time_s: float, construct_only: bool = False) -> PartTask:
        state = self.states[k]
        params = _params(self.params, time_s)
        name = f"{self.problem.name}#part{k}"
        sub = sub_problem(self.problem, state.part, state.share, name)
        hint = () if construct_only else state.solution.routes
        return PartTask(sub, params, self.travel, hint, construct_only)

    def report(self) -> None:
        """The merged plan's figures to the caller's progress."""
        total = sum(s.solution.objective.total for s in self.states)
        self.history.append((time.perf_counter() - self.began, total))
        served = {j for s in self.states for r in s.solution.routes for j in r.job_ids}
        p1 = sum(1 for j in served if self.problem.job(j).priority == 1)
        self.control.plan(
            total,
            len(served),
            len(self.problem.jobs),
            p1_assigned=p1,
            groups=(len(self.done), len(self.states)),
        )


def _params(params: SolveParams, time_s: float) -> SolveParams:
    """A part's own settings: its share of the time, one worker, never split again."""
    from dataclasses import replace

    return replace(
        params, time_limit_s=max(MIN_PART_S, time_s), workers=1, max_part_jobs=None, max_part_technicians=None
    )


def solve_in_parts(
    problem: Problem,
    params: SolveParams,
    travel: TravelTimes | None,
    control: SearchControl,
    runner: PartRunner,
) -> Solution:
    """Plan a large day in geographic parts (see the module's docstring)."""
    run = _Run(problem, params, travel, control, runner, time.perf_counter())
    coarse = coarse_reach(problem, params, travel)
    run.candidates = coarse.candidates
    parts = split_day(problem, params, coarse)
    empty = Solution(SolveStatus.FEASIBLE, (), (), ObjectiveBreakdown())
    run.states = [PartState(p, s, empty) for p, s in zip(parts, depot_shares(problem, parts), strict=True)]
    for k in range(len(run.states)):
        first = runner.run(run.task(k, params.time_limit_s, construct_only=True), _inner(control, params))
        if first.status is SolveStatus.INVALID_PROBLEM:
            return first
        run.states[k].solution, run.states[k].groups = first, first.stats.groups
    first_plan_s = time.perf_counter() - run.began
    run.report()
    deadline = run.began + params.time_limit_s * 0.97
    repair_s = params.time_limit_s * REPAIR_SHARE if _crossing(run) else 0.0
    wanted = params.workers if runner.workers is None else runner.workers
    workers = min(wanted, len(parts)) if params.time_limit_s >= 5.0 or runner.always_pool else 1
    with runner.pool(workers) as pool:
        _improve_parts(run, pool, workers, deadline - repair_s, range(len(parts)))
        tried, kept = _repair_cut(run, deadline)
        _spend_the_rest(run, pool, workers, deadline)
    return _merged(run, first_plan_s, tried, kept)


def _crossing(run: _Run) -> bool:
    """Whether some job might be taken by technicians of two parts (else the cut needs no repair)."""
    part_of = {v: k for k, s in enumerate(run.states) for v in s.part.technicians}
    return any(len({part_of[v] for v in capable}) > 1 for capable in run.candidates)


def _inner(control: SearchControl, params: SolveParams) -> SearchControl:
    """A part's own control: no progress of its own, stopped when the whole solve is."""
    return SearchControl(params.time_limit_s, None, lambda: control.cancelled)


def _spend_the_rest(run: _Run, pool: Executor | None, workers: int, deadline: float) -> None:
    """Time the cut's repair left unused goes to the parts leaving out the most drop penalty, again from
    their plans, as many as can have ``MIN_REST_S`` each."""
    left = deadline - time.perf_counter()
    room = int(left // MIN_REST_S) * workers
    if room < 1 or run.control.cancelled:
        return
    by_stake = sorted(range(len(run.states)), key=lambda k: -run.states[k].solution.objective.drops)
    _improve_parts(run, pool, min(workers, room), deadline, by_stake[:room])


def _improve_parts(
    run: _Run, pool: Executor | None, workers: int, until: float, parts: Iterable[int]
) -> None:
    """Each of ``parts`` improved from its plan so far, largest first, its share of the time left by size."""
    order = sorted(parts, key=lambda k: -len(run.states[k].part.jobs))
    jobs_left = sum(len(run.states[k].part.jobs) for k in order)
    running: dict[Future[Solution], int] = {}
    while order or running:
        while order and (pool is None or len(running) < workers) and not run.control.cancelled:
            k = order.pop(0)
            size = len(run.states[k].part.jobs)
            left = max(0.0, until - time.perf_counter())
            share = min(left, left * workers * size / max(1, jobs_left))
            jobs_left -= size
            if pool is not None:
                try:
                    running[run.runner.submit(pool, run.task(k, share))] = k
                    continue
                except BrokenExecutor:  # a worker was killed: the rest are solved here
                    pool, share = None, share / workers
            with _inner(run.control, run.params) as inner:
                _finished(run, k, run.runner.run(run.task(k, share), inner))
        if run.control.cancelled:
            order.clear()
            for future in list(running):  # a part not yet taken is not solved at all (``wait`` would
                if future.cancel():  # not count it done: only its executor marks it so, if ever)
                    run.done.add(running.pop(future))
        if not running:
            continue
        done, _ = wait(running, timeout=POLL_S, return_when=FIRST_COMPLETED)
        for future in done:
            k = running.pop(future)
            try:
                _finished(run, k, future.result())
            except (Exception, CancelledError):  # a failed sub-solve keeps its constructed plan
                run.done.add(k)


def _finished(run: _Run, k: int, solution: Solution) -> None:
    state = run.states[k]
    run.solutions += solution.stats.solutions_found
    run.done.add(k)
    if solution.status is not SolveStatus.INVALID_PROBLEM and (
        solution.objective.total <= state.solution.objective.total
    ):
        state.solution = solution
    run.report()


def _pairs(run: _Run) -> list[tuple[int, int]]:
    """Pairs of parts where one leaves out jobs that technicians of the other might take, the pairs with
    the most drop penalty at stake first."""
    part_of = {v: k for k, s in enumerate(run.states) for v in s.part.technicians}
    job_index = {job.id: j for j, job in enumerate(run.problem.jobs)}
    stake: dict[tuple[int, int], int] = {}
    for k, state in enumerate(run.states):
        for left in state.solution.unassigned:
            j = job_index[left.job_id]
            penalty = run.params.weights.leaving_out(run.problem.jobs[j])
            for other in {part_of[v] for v in run.candidates[j]} - {k}:
                pair = (min(k, other), max(k, other))
                stake[pair] = stake.get(pair, 0) + penalty
    return sorted(stake, key=lambda p: (-stake[p], p))


def _repair_cut(run: _Run, deadline: float) -> tuple[int, int]:
    """Re-solve pairs of neighbouring parts together while time remains; (pairs tried, pairs kept)."""
    tried = kept = 0
    pairs = _pairs(run)
    for n, (a, b) in enumerate(pairs):
        left = deadline - time.perf_counter()
        if left < MIN_PAIR_S or run.control.cancelled:
            break
        share = max(MIN_PAIR_S, left / min(len(pairs) - n, 4))
        tried += 1
        if _repair_pair(run, a, b, min(left, share)):
            kept += 1
            run.report()
    return tried, kept


def _repair_pair(run: _Run, a: int, b: int, time_s: float) -> bool:
    """Solve parts ``a`` and ``b`` as one day from their plans; keep it if better, split by technician."""
    sa, sb = run.states[a], run.states[b]
    joined = Part(sa.part.technicians + sb.part.technicians, sorted(sa.part.jobs + sb.part.jobs))
    share = _sum_shares(sa.share, sb.share)
    sub = sub_problem(run.problem, joined, share, f"{run.problem.name}#pair{a}-{b}")
    task = PartTask(sub, _params(run.params, time_s), run.travel, sa.solution.routes + sb.solution.routes)
    with _inner(run.control, run.params) as inner:
        solution = run.runner.run(task, inner)
    run.solutions += solution.stats.solutions_found
    before = sa.solution.objective.total + sb.solution.objective.total
    if solution.status is SolveStatus.INVALID_PROBLEM or solution.objective.total >= before:
        return False
    _split_back(run, a, b, solution, share)
    return True


def _sum_shares(*shares: Share) -> Share:
    total: Share = {}
    for share in shares:
        for d, stock in share.items():
            into = total.setdefault(d, {})
            for sku, q in stock.items():
                into[sku] = into.get(sku, 0) + q
    return total


def _picked(problem: Problem, routes: Sequence[Route]) -> Share:
    """Stock the routes pick up at depots."""
    depot = {d.id: k for k, d in enumerate(problem.depots)}
    picked: Share = {}
    for route in routes:
        for visit in route.visits:
            if visit.kind is VisitKind.DEPOT_PICKUP and visit.depot_id is not None:
                into = picked.setdefault(depot[visit.depot_id], {})
                for sku, q in visit.parts_picked.items():
                    into[sku] = into.get(sku, 0) + q
    return picked


def _split_back(run: _Run, a: int, b: int, solution: Solution, share: Share) -> None:
    """The pair's plan given back to its two parts: routes by technician, left-out jobs where they were."""
    problem = run.problem
    sa, sb = run.states[a], run.states[b]
    index = {job.id: j for j, job in enumerate(problem.jobs)}
    was_a = set(sa.part.jobs)
    techs_a = {problem.technicians[v].id for v in sa.part.technicians}
    routes_a = tuple(r for r in solution.routes if r.technician_id in techs_a)
    routes_b = tuple(r for r in solution.routes if r.technician_id not in techs_a)
    out_a = tuple(u for u in solution.unassigned if index[u.job_id] in was_a)
    out_b = tuple(u for u in solution.unassigned if index[u.job_id] not in was_a)
    picked_a, picked_b = _picked(problem, routes_a), _picked(problem, routes_b)
    spare = _sum_shares(share, _negated(picked_a), _negated(picked_b))
    for state, routes, out, kept in (
        (sa, routes_a, out_a, _sum_shares(picked_a, spare)),
        (sb, routes_b, out_b, picked_b),
    ):
        jobs = sorted([index[j] for r in routes for j in r.job_ids] + [index[u.job_id] for u in out])
        state.part = Part(state.part.technicians, jobs)
        state.share = kept
        state.solution = _part_solution(run, routes, out, solution.status)


def _negated(share: Share) -> Share:
    return {d: {sku: -q for sku, q in stock.items()} for d, stock in share.items()}


def _part_solution(
    run: _Run, routes: Sequence[Route], out: Sequence[UnassignedJob], status: SolveStatus
) -> Solution:
    from optimizer.solve import objective_of

    objective = objective_of(run.problem, run.params.weights, routes, out)
    return Solution(status, tuple(routes), tuple(out), objective)


def _merged(run: _Run, first_plan_s: float, tried: int, kept: int) -> Solution:
    """One plan of the whole day from the parts' plans, with the split recorded."""
    from optimizer.solve import objective_of

    problem = run.problem
    order = {job.id: j for j, job in enumerate(problem.jobs)}
    routes = sorted((r for s in run.states for r in s.solution.routes), key=lambda r: r.technician_id)
    unassigned = sorted((u for s in run.states for u in s.solution.unassigned), key=lambda u: order[u.job_id])
    statuses = {s.solution.status for s in run.states}
    status = SolveStatus.TIMED_OUT if SolveStatus.TIMED_OUT in statuses else SolveStatus.FEASIBLE
    if not routes and SolveStatus.NO_SOLUTION in statuses:
        status = SolveStatus.NO_SOLUTION
    parts = tuple(
        SolvePart(tuple(problem.technicians[v].id for v in s.part.technicians), len(s.part.jobs), s.groups)
        for s in run.states
    )
    stats = SolveStats(
        wall_time_s=time.perf_counter() - run.began,
        time_to_first_solution_s=first_plan_s,
        objective_over_time=tuple(run.history),
        solutions_found=run.solutions + len(run.states),
        groups=sum(s.groups for s in run.states),
        parts=parts,
        cut_repairs=(tried, kept),
    )
    objective = objective_of(problem, run.params.weights, routes, unassigned)
    return Solution(status, tuple(routes), tuple(unassigned), objective, stats)


@contextlib.contextmanager
def no_pool(_: int) -> Iterator[None]:
    """For callers without a pool: parts are solved in this process."""
    yield None
