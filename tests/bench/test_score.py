"""The scorer every solver is judged by: exact distances, feasibility in doubles."""

from __future__ import annotations

from dataclasses import replace

from bench._score import Score, score
from bench._vrplib import Instance, read_instance, read_solution_routes
from tests.bench.conftest import SOLOMON


def test_hand_checked_plan_is_feasible(tiny: Instance) -> None:
    """Routes [1, 2] and [3] cover everyone in time: 12 + 8 = 20 distance, two vehicles."""
    result = score(tiny, [[1, 2], [3]])
    assert result.feasible, result.problems
    assert (result.distance, result.vehicles) == (20.0, 2)


def test_waiting_for_a_window_is_allowed(tiny: Instance) -> None:
    """Customer 2 opens at 6; arriving at 5 means waiting, not a violation."""
    assert score(tiny, [[2], [1, 3]]).problems == []


def test_capacity_is_checked(tiny: Instance) -> None:
    """One route with all three customers carries 12 units in a van of 10."""
    result = score(tiny, [[1, 2, 3]])
    assert not result.feasible
    assert any("capacity" in problem for problem in result.problems)


def test_late_start_is_checked(tiny: Instance) -> None:
    """Customer 1 reached at 13 via 3 and 2 misses its due time 10."""
    result = score(tiny, [[3, 2, 1]])
    assert any("customer 1 starts at 13" in problem for problem in result.problems)


def test_late_return_to_depot_is_checked(tiny: Instance) -> None:
    """With the depot closing at 12, route [1, 2] (back at 14) is late."""
    early_close = replace(tiny, due=tiny.due.copy())
    early_close.due[0] = 12.0
    result = score(early_close, [[1, 2], [3]])
    assert result.problems == ["route 0: returns to the depot at 14.000000, after it closes at 12"]


def test_missing_and_duplicate_customers_are_infeasible(tiny: Instance) -> None:
    """Every customer exactly once: a missing one and a repeated one both fail the plan."""
    assert not score(tiny, [[1, 2]]).feasible
    assert not score(tiny, [[1, 2], [3, 1]]).feasible
    assert not score(tiny, [[1, 2], [3, 0]]).feasible


def test_fleet_size_is_checked(tiny: Instance) -> None:
    """Three routes with a fleet of two is infeasible; empty routes do not count."""
    assert not score(tiny, [[1], [2], [3]]).feasible
    assert score(tiny, [[1, 2], [], [3]]).vehicles == 2


def test_tolerance_flags_truncated_best_known_solutions() -> None:
    """R102's DIMACS solution is late by about 0.07 with exact times, as the data README says."""
    r102 = read_instance(SOLOMON / "R102.vrp")
    result = score(r102, read_solution_routes(SOLOMON / "R102.sol"))
    assert not result.feasible
    assert result.problems == ["route 17: customer 14 starts at 42.070719, after its due 42"]


def test_gap_is_relative_to_best_known() -> None:
    """A distance 1% above the best known is a 1% gap; no best known, no gap."""
    gap = Score(101.0, 1, True).gap_pct(100.0)
    assert gap is not None and abs(gap - 1.0) < 1e-12
    assert Score(101.0, 1, True).gap_pct(None) is None
