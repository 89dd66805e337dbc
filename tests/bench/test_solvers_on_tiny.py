"""Each solver, through the harness's mapping, finds the hand-computed optimum of the tiny instance."""

from __future__ import annotations

import pytest

from bench._score import score
from bench._vrplib import Instance
from bench.solomon import solver_function

#: Routes [3, 2] and [1]: 4 + 3 + 5 and 3 + 3; every cheaper combination breaks a window or the capacity.
OPTIMUM = 18.0


@pytest.mark.parametrize("solver", ["ours", "pyvrp", "vroom"])
def test_solver_finds_the_optimum(tiny: Instance, solver: str) -> None:
    """A feasible plan of distance 18 with two vehicles, scored from the returned routes."""
    routes = solver_function(solver)(tiny, 0.5, 1)
    result = score(tiny, routes)
    assert result.feasible, result.problems
    assert result.distance == pytest.approx(OPTIMUM)
    assert result.vehicles == 2
