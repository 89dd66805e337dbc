"""Progress reports and stopping a solve from outside: the hooks a background planning job relies on."""

from __future__ import annotations

import random
import threading
import time

from optimizer import SolveProgress
from optimizer.problem import Job, Location, Problem, SolveParams, Technician, TimeWindow
from optimizer.solution import SolveStatus
from optimizer.solve import solve
from optimizer.validate import validate

HOUR = 3_600


def _regional_day(jobs: int = 90, technicians: int = 6, seed: int = 3) -> Problem:
    """Jobs scattered over a one-degree square: enough that guided local search never runs out of work."""
    rng = random.Random(seed)
    shift = TimeWindow(8 * HOUR, 17 * HOUR)
    techs = tuple(
        Technician(f"T{k}", Location.at(40 + rng.random(), -75 + rng.random()), shift)
        for k in range(technicians)
    )
    tasks = tuple(
        Job(f"J{k}", Location.at(40 + rng.random(), -75 + rng.random()), 1_800, priority=rng.randint(1, 4))
        for k in range(jobs)
    )
    return Problem(techs, tasks, TimeWindow(0, 36 * HOUR))


def _accounted_for(problem: Problem, solution_jobs: set[str], unassigned: set[str]) -> bool:
    return solution_jobs | unassigned == {j.id for j in problem.jobs} and not solution_jobs & unassigned


def test_should_stop_ends_a_long_search_early_with_a_valid_plan() -> None:
    """A 30 s search told to stop after 1 s returns within about a second more, cancelled, and valid."""
    problem = _regional_day()
    params = SolveParams(time_limit_s=30)
    began = time.perf_counter()
    solution = solve(problem, params, should_stop=lambda: time.perf_counter() - began > 1.0)
    elapsed = time.perf_counter() - began
    assert elapsed < 3.0, f"took {elapsed:.1f} s after being told to stop at 1 s"
    assert solution.status is SolveStatus.CANCELLED
    assert solution.routes
    assert validate(problem, solution, params).ok
    assert _accounted_for(problem, set(solution.assigned_job_ids), {u.job_id for u in solution.unassigned})


def test_should_stop_set_from_another_thread_is_seen_between_solutions() -> None:
    """An event set by another thread (as a cancel request is) stops the search even if no solution comes."""
    problem = _regional_day(seed=5)
    stop = threading.Event()
    timer = threading.Timer(0.8, stop.set)
    timer.start()
    began = time.perf_counter()
    solution = solve(problem, SolveParams(time_limit_s=30), should_stop=stop.is_set)
    timer.cancel()
    assert time.perf_counter() - began < 3.0
    assert solution.status is SolveStatus.CANCELLED


def test_stopping_before_the_search_keeps_the_constructed_plan() -> None:
    """Asked to stop from the start, solve still returns the greedy plan, cancelled and valid."""
    problem = _regional_day(jobs=40)
    params = SolveParams(time_limit_s=30)
    began = time.perf_counter()
    solution = solve(problem, params, should_stop=lambda: True)
    assert time.perf_counter() - began < 3.0
    assert solution.status is SolveStatus.CANCELLED
    assert solution.assigned_job_ids
    assert validate(problem, solution, params).ok


def test_progress_reports_the_clock_and_the_best_objective() -> None:
    """Reports arrive while the search runs, time moves forward, and the last carries the exact objective."""
    problem = _regional_day(seed=7)
    reports: list[SolveProgress] = []
    solution = solve(problem, SolveParams(time_limit_s=1.5), on_progress=reports.append)
    assert len(reports) >= 3
    elapsed = [r.elapsed_s for r in reports]
    assert elapsed == sorted(elapsed)
    assert all(0.0 <= r.time_fraction <= 1.0 for r in reports)
    assert any(r.time_fraction < 0.7 for r in reports[:-1]), "no report before the end of the search"
    assert reports[-1].best_objective == solution.objective.total
    assert reports[-1].assigned_jobs == len(solution.assigned_job_ids)
    assert reports[-1].unassigned_jobs == len(solution.unassigned)
    assert all(r.assigned_jobs is not None for r in reports[1:]), "counts missing after the first plan"
    assert reports[-1].solutions_found >= 1
    assert solution.status is SolveStatus.TIMED_OUT


def test_a_solve_without_hooks_is_not_cancelled() -> None:
    """Without should_stop the status stays what the search made of it."""
    problem = _regional_day(jobs=20)
    solution = solve(problem, SolveParams(time_limit_s=0.5))
    assert solution.status in (SolveStatus.TIMED_OUT, SolveStatus.FEASIBLE)
