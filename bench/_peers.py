"""The peer solvers, PyVRP and VROOM, run on exactly the integer data our optimizer gets.

Each takes an `Instance` and returns routes as customer ids 1..n (depot not listed); scoring happens
elsewhere, from those routes alone. Both run on one core: PyVRP is single-threaded, VROOM is told to use
one thread.
"""

from __future__ import annotations

from typing import Any

from bench._vrplib import Instance, scaled

#: Integer scale for distances and times: rounding up at 1000 adds 0.005% (at most 0.008%) to a Solomon plan.
SCALE = 1000


def solve_pyvrp(instance: Instance, time_limit_s: float, seed: int = 1) -> list[list[int]]:
    """PyVRP's iterated local search for `time_limit_s` seconds, on our scaled, rounded-up integers."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    data = scaled(instance, SCALE)
    depot = pyvrp.Depot(location=0)
    clients = [
        pyvrp.Client(
            location=node,
            delivery=[int(instance.demands[node])],
            service_duration=int(data.service[node]),
            tw_early=int(data.ready[node]),
            tw_late=int(data.due[node]),
        )
        for node in range(1, instance.num_customers + 1)
    ]
    vehicles = pyvrp.VehicleType(
        num_available=instance.max_vehicles,
        capacity=[instance.capacity],
        tw_early=int(data.ready[0]),
        tw_late=int(data.due[0]),
    )
    matrix: Any = data.travel  # PyVRP's stubs type matrices loosely
    locations = [pyvrp.Location(x=float(x), y=float(y)) for x, y in instance.coords]
    problem = pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=[depot],
        vehicle_types=[vehicles],
        distance_matrices=[matrix],
        duration_matrices=[matrix],
    )
    result = pyvrp.solve(problem, stop=MaxRuntime(time_limit_s), seed=seed, collect_stats=False)
    return [[visit.idx + 1 for visit in route if visit.is_client()] for route in result.best.routes()]


def solve_vroom(instance: Instance, time_limit_s: float, seed: int = 1) -> list[list[int]]:
    """VROOM at exploration level 5 on one thread; it stops by itself, so the time limit is not used."""
    import vroom

    del time_limit_s, seed  # VROOM's search is deterministic and ends on its own
    data = scaled(instance, SCALE)
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=data.travel)
    shift = vroom.TimeWindow(int(data.ready[0]), int(data.due[0]))
    for vehicle_id in range(1, instance.max_vehicles + 1):
        problem.add_vehicle(
            vroom.Vehicle(vehicle_id, start=0, end=0, capacity=[instance.capacity], time_window=shift)
        )
    for node in range(1, instance.num_customers + 1):
        problem.add_job(
            vroom.Job(
                node,
                location=node,
                default_service=int(data.service[node]),
                delivery=vroom.Amount([int(instance.demands[node])]),
                time_windows=[vroom.TimeWindow(int(data.ready[node]), int(data.due[node]))],
            )
        )
    solution = problem.solve(exploration_level=5, nb_threads=1)
    steps = solution.routes
    jobs = steps[steps["type"] == "job"]
    return [[int(job_id) for job_id in group["id"]] for _, group in jobs.groupby("vehicle_id", sort=True)]
