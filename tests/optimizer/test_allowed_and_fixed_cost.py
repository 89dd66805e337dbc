"""Jobs only some technicians may take, and technicians whose day costs a fixed fee once used."""

from __future__ import annotations

import dataclasses

import pytest

from optimizer.problem import Problem
from optimizer.solution import Solution, UnassignedReason
from optimizer.solve import solve
from optimizer.validate import validate
from tests.optimizer.builders import job, params, problem, tech


def solved(p: Problem) -> Solution:
    solve_params = params()
    solution = solve(p, solve_params)
    report = validate(p, solution, solve_params)
    assert report.ok, report.violations
    return solution


def test_a_job_goes_only_to_an_allowed_technician() -> None:
    """The nearer technician is not allowed, so the job travels to the farther one."""
    p = problem([tech("NEAR", 1), tech("FAR", 6)], [job("J1", 2, allowed_technician_ids=frozenset({"FAR"}))])
    assert solved(p).route_of("FAR").job_ids == ("J1",)  # type: ignore[union-attr]


def test_nobody_allowed_is_no_technician_on_shift() -> None:
    """A job no technician of the problem may take, or a problem without technicians, says nobody is on
    shift rather than that nobody has the skills."""
    refused = problem([tech("T1", 0)], [job("J1", 1, allowed_technician_ids=frozenset())])
    assert solved(refused).unassigned_reason("J1") is UnassignedReason.NO_TECHNICIAN_ON_SHIFT
    empty = problem([], [job("J1", 1, required_skills={"network": 1})])
    assert solved(empty).unassigned_reason("J1") is UnassignedReason.NO_TECHNICIAN_ON_SHIFT


def test_pinned_to_a_technician_not_allowed() -> None:
    """A pin to a technician outside the allowed ones cannot be honoured, and says so."""
    p = problem(
        [tech("T1", 0)], [job("J1", 1, pinned_technician_id="T1", allowed_technician_ids=frozenset())]
    )
    solution = solved(p)
    assert solution.unassigned_reason("J1") is UnassignedReason.PINNED_TECHNICIAN_UNABLE


def test_validator_refuses_a_visit_by_a_technician_not_allowed() -> None:
    """A plan that gives the job to a technician outside its allowed ones breaks the rule ``allowed``."""
    free = problem([tech("T1", 0)], [job("J1", 1)])
    plan = solved(free)
    restricted = dataclasses.replace(
        free, jobs=(dataclasses.replace(free.jobs[0], allowed_technician_ids=frozenset({"T2"})),)
    )
    assert validate(restricted, plan, params()).rules() == {"allowed"}


def test_fixed_cost_is_paid_once_and_steers_the_work() -> None:
    """With a call-out fee above the extra driving, both jobs go to the farther technician who costs
    nothing to call; the fee counts once per used route, in the solver's and the validator's objective."""
    jobs = [job("J1", 2), job("J2", 3)]
    p = problem([tech("ONCALL", 2, fixed_cost=10_000), tech("DAY", 6)], jobs)
    solution = solved(p)
    assert solution.route_of("ONCALL") is None
    assert set(solution.route_of("DAY").job_ids) == {"J1", "J2"}  # type: ignore[union-attr]
    assert solution.objective.fixed == 0
    alone = problem([tech("ONCALL", 2, fixed_cost=10_000)], jobs)
    paid = solved(alone)
    assert paid.objective.fixed == 10_000
    assert paid.objective.total == paid.objective.travel + paid.objective.distance + 10_000
    assert validate(alone, paid, params()).objective == paid.objective


def test_fixed_cost_cannot_be_negative() -> None:
    with pytest.raises(ValueError, match="fixed_cost"):
        tech("T1", 0, fixed_cost=-1)
