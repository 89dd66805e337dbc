"""Statuses and pluggable travel times."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from optimizer.problem import IntMatrix, Job, Location, Problem, SolveParams, Technician
from optimizer.solution import SolveStatus
from optimizer.solve import solve
from optimizer.validate import validate
from tests.optimizer.builders import DAY, MINUTE, job, problem, tech, window


class FlatTravelTimes:
    """Every trip takes five minutes and one kilometre, whatever the distance."""

    def matrices(self, locations: Sequence[Location]) -> tuple[IntMatrix, IntMatrix]:
        n = len(locations)
        off_diagonal = np.ones((n, n), dtype=np.int64) - np.eye(n, dtype=np.int64)
        return off_diagonal * 300, off_diagonal * 1_000


class BrokenTravelTimes:
    """A provider that cannot route (e.g. a road service that refuses a point)."""

    def matrices(self, locations: Sequence[Location]) -> tuple[IntMatrix, IntMatrix]:
        raise ValueError("no road reaches one of the points")


def _geo_problem() -> Problem:
    techs = (Technician("T1", Location.at(40.0, -75.0), window(8, 17)),)
    jobs = (Job("J1", Location.at(42.0, -80.0), 30 * MINUTE),)
    return Problem(techs, jobs, DAY)


def test_a_custom_provider_sets_the_travel_times() -> None:
    """The solver and the validator both use the provider given, not the geodesic default."""
    p = _geo_problem()
    params = SolveParams(time_limit_s=0.5, deterministic=True, solution_limit=10)
    solution = solve(p, params, travel=FlatTravelTimes())
    assert solution.routes[0].travel_s == 600
    assert validate(p, solution, params, travel=FlatTravelTimes()).ok


def test_a_provider_failure_is_an_invalid_problem_status() -> None:
    """A travel-time provider that fails gives INVALID_PROBLEM with its message, not an exception."""
    solution = solve(_geo_problem(), SolveParams(time_limit_s=0.5), travel=BrokenTravelTimes())
    assert solution.status is SolveStatus.INVALID_PROBLEM
    assert "no road" in solution.message


def test_the_time_limit_gives_timed_out_with_the_best_plan() -> None:
    """A short time limit on a non-trivial day ends the search with TIMED_OUT and a valid, full plan."""
    jobs = [job(f"J{k}", 1 + k % 7, service_s=10 * MINUTE) for k in range(30)]
    p = problem([tech("T1", 0), tech("T2", 7)], jobs)
    params = SolveParams(time_limit_s=0.4)
    solution = solve(p, params)
    assert solution.status is SolveStatus.TIMED_OUT
    assert validate(p, solution, params).ok
    assert len(solution.assigned_job_ids) == 30
