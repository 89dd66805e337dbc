"""The first solutions OR-Tools builds beside our greedy construction, each then improved by GLS."""

from __future__ import annotations

from ortools.constraint_solver import routing_enums_pb2

from optimizer._routing import _EXTRA_STARTS
from optimizer.solve import solve
from optimizer.validate import validate
from tests.optimizer.builders import MINUTE, LunchBreak, job, params, problem, tech, window


def test_every_extra_start_is_an_or_tools_strategy() -> None:
    """Each extra start names a first-solution strategy this OR-Tools release knows."""
    known = routing_enums_pb2.FirstSolutionStrategy.Value.keys()
    assert _EXTRA_STARTS and all(name in known for name in _EXTRA_STARTS)


def test_savings_is_among_the_starts() -> None:
    """The distance-first savings start is tried: tight-window days with many short routes need it."""
    assert "SAVINGS" in _EXTRA_STARTS


def test_savings_start_plans_a_day_with_lunch_parts_and_windows() -> None:
    """Savings alone (no greedy routes) gives a valid plan serving every job despite breaks and parts."""
    lunch = LunchBreak(30 * MINUTE, 12 * 3_600, 13 * 3_600)
    p = problem(
        [tech("T1", 0, lunch=lunch, stock={"fan": 1}), tech("T2", 7, lunch=lunch, stock={"fan": 1})],
        [
            job("J1", 1, windows=(window(8, 11),), required_parts={"fan": 1}),
            job("J2", 2, windows=(window(9, 14),)),
            job("J3", 5, windows=(window(8, 12),), required_parts={"fan": 1}),
            job("J4", 6, windows=(window(13, 16),)),
        ],
    )
    solve_params = params(first_solution_strategy="SAVINGS", use_construction=False)
    solution = solve(p, solve_params)
    report = validate(p, solution, solve_params)
    assert report.ok, report.violations
    assert not solution.unassigned
