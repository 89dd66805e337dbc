"""Our optimizer on a VRPTW instance, through the same `solve()` a dispatcher's day goes through.

The mapping: the scaled Euclidean distances are both the travel-time and the distance matrix; every vehicle
is a technician at the depot whose shift is the depot's window; the load capacity is a part ("load") that
every job consumes and every van holds; the objective is travel only, with a drop penalty no saving in
travel can outweigh, so nothing feasible is left out.
"""

from __future__ import annotations

from bench._peers import SCALE
from bench._vrplib import Instance, scaled
from optimizer import CostWeights, Job, Location, Problem, SolveParams, Technician, TimeWindow

#: The part that stands for load capacity.
LOAD = "load"


def instance_to_problem(instance: Instance, scale: int = SCALE) -> Problem:
    """The VRPTW instance as an optimizer Problem with explicit matrices (node i = matrix index i)."""
    data = scaled(instance, scale)
    depot_window = TimeWindow(int(data.ready[0]), int(data.due[0]))
    depot = Location.at_index(0)
    technicians = tuple(
        Technician(
            id=f"vehicle-{number}",
            start=depot,
            shift=depot_window,
            van_stock={LOAD: instance.capacity},
        )
        for number in range(1, instance.max_vehicles + 1)
    )
    jobs = tuple(
        Job(
            id=str(node),
            location=Location.at_index(node),
            service_s=int(data.service[node]),
            priority=1,
            windows=(TimeWindow(int(data.ready[node]), int(data.due[node])),),
            required_parts={LOAD: int(instance.demands[node])} if instance.demands[node] > 0 else {},
        )
        for node in range(1, instance.num_customers + 1)
    )
    return Problem(
        technicians=technicians,
        jobs=jobs,
        horizon=depot_window,
        travel_time_s=data.travel,
        distance_m=data.travel,
        name=instance.name,
    )


def distance_only_weights(problem: Problem) -> CostWeights:
    """Travel is the whole objective; dropping a job costs more than any plan's total travel."""
    assert problem.travel_time_s is not None
    longest_leg = int(problem.travel_time_s.max())
    never_worth_dropping = 2 * (len(problem.jobs) + 1) * longest_leg + 1
    return CostWeights(
        travel_cost_per_s=1,
        distance_cost_per_m=0,
        lateness_cost_per_s_by_priority=(0, 0, 0, 0),
        drop_penalty_by_priority=(never_worth_dropping,) * 4,
        overtime_cost_per_s=0,
    )


def solve_ours(instance: Instance, time_limit_s: float, seed: int = 1) -> list[list[int]]:
    """`optimizer.solve` on one core for `time_limit_s` seconds; routes as customer ids 1..n."""
    from optimizer.solve import solve

    problem = instance_to_problem(instance)
    params = SolveParams(
        time_limit_s=time_limit_s,
        seed=seed,
        workers=1,
        weights=distance_only_weights(problem),
    )
    solution = solve(problem, params)
    return [[int(job_id) for job_id in route.job_ids] for route in solution.routes]
