"""The VRPTW instance as an optimizer Problem: same integers the peers get."""

from __future__ import annotations

from bench._ours import LOAD, distance_only_weights, instance_to_problem
from bench._vrplib import Instance


def test_problem_carries_scaled_matrices_and_windows(tiny: Instance) -> None:
    """Travel time and distance are the same scaled matrix; windows and service are scaled by 1000."""
    problem = instance_to_problem(tiny)
    assert problem.travel_time_s is not None and problem.distance_m is not None
    assert int(problem.travel_time_s[0, 2]) == 5000
    assert (problem.travel_time_s == problem.distance_m).all()
    job2 = problem.job("2")
    assert job2.location.index == 2
    assert [(w.start_s, w.end_s) for w in job2.windows] == [(6000, 9000)]
    assert job2.service_s == 1000


def test_capacity_is_a_part_every_job_consumes(tiny: Instance) -> None:
    """Every van holds 'load' = capacity; every job needs its demand of it."""
    problem = instance_to_problem(tiny)
    assert len(problem.technicians) == tiny.max_vehicles
    assert all(t.van_stock == {LOAD: 10} and t.start.index == 0 for t in problem.technicians)
    assert all(t.shift.end_s == 20_000 for t in problem.technicians)
    assert [dict(j.required_parts) for j in problem.jobs] == [{LOAD: 4}, {LOAD: 5}, {LOAD: 3}]


def test_dropping_a_job_never_pays(tiny: Instance) -> None:
    """The drop penalty exceeds any plan's total travel: 2 * (n + 1) legs of the longest leg."""
    weights = distance_only_weights(instance_to_problem(tiny))
    assert weights.drop_penalty(1) > 2 * 4 * 5000
    assert weights.lateness_cost_per_s(1) == 0
