"""VROOM as the peer on field-service days: the same Problem, expressed as far as VROOM can express it.

What maps exactly: travel times and distances (the optimizer's own matrices), shifts as vehicle time windows,
the floating lunch break, job windows (clipped as the optimizer clips them), service times per technician,
hard skills with levels (one integer skill per skill and level: a technician with network level 3 holds
network>=1, network>=2 and network>=3), pins (a skill only the pinned technician holds), van stock of the
parts that can run out (as capacities), priorities (VROOM serves higher priorities first) and the optional
maximum travel time. What VROOM cannot express: SLA lateness costs (it plans on travel alone), depot pickups
of parts, overtime, a maximum working time and locked route prefixes. Its plan comes back as an optimizer
`Solution`, so the same validator and objective score both planners.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from optimizer import Problem, SolveParams, Technician, TimeWindow
from optimizer.solution import (
    BreakPlacement,
    ObjectiveBreakdown,
    Route,
    Solution,
    SolveStats,
    SolveStatus,
    UnassignedJob,
    UnassignedReason,
    Visit,
    VisitKind,
)
from optimizer.travel import problem_matrices
from optimizer.validate import objective_of

#: VROOM priorities (0..100) by job priority: it maximises their sum before anything else.
VROOM_PRIORITY = {1: 100, 2: 10, 3: 1, 4: 0}


@dataclass(frozen=True)
class VroomRun:
    """VROOM's plan as an optimizer Solution, and the wall time of VROOM's own solve."""

    solution: Solution
    solve_s: float


def scarce_parts(problem: Problem) -> list[str]:
    """Parts some technician could run out of: below the day's total demand in at least one van."""
    demand: dict[str, int] = {}
    for job in problem.jobs:
        for sku, quantity in job.required_parts.items():
            demand[sku] = demand.get(sku, 0) + quantity
    return sorted(
        sku
        for sku, total in demand.items()
        if any(t.van_stock.get(sku, 0) < total for t in problem.technicians)
    )


class _SkillIds:
    """Integer ids for (skill, level) pairs and for pins, as VROOM's skills are plain integers."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, int], int] = {}

    def id(self, name: str, level: int) -> int:
        return self._ids.setdefault((name, level), len(self._ids) + 1)

    def held_by(self, technician: Technician) -> set[int]:
        held = {self.id(skill, lv) for skill, level in technician.skills.items() for lv in range(level + 1)}
        return held | {self.id(f"pinned:{technician.id}", 0)}


def solve_with_vroom(problem: Problem, params: SolveParams, *, exploration_level: int = 5) -> VroomRun:
    """Plan the day with VROOM on one thread (it stops by itself) and return its plan as a Solution."""
    import vroom

    matrices = problem_matrices(problem)
    rows = matrices.rows
    technicians, jobs = problem.technicians, problem.jobs
    start_rows, end_rows = rows[: len(technicians)], rows[len(technicians) : 2 * len(technicians)]
    job_rows = rows[len(rows) - len(jobs) :]
    weights = params.weights
    costs = (
        matrices.travel_time_s * weights.travel_cost_per_s + matrices.distance_m * weights.distance_cost_per_m
    )

    vroom_input = vroom.Input()
    vroom_input.set_durations_matrix(profile="car", matrix_input=np.asarray(matrices.travel_time_s))
    vroom_input.set_distances_matrix(profile="car", matrix_input=np.asarray(matrices.distance_m))
    vroom_input.set_costs_matrix(profile="car", matrix_input=np.asarray(costs))

    parts = scarce_parts(problem)
    skills = _SkillIds()
    for number, tech in enumerate(technicians, start=1):
        breaks = []
        if tech.lunch is not None:
            # VROOM refuses a break that cannot fit in the shift; such a lunch is not taken at all.
            earliest = max(tech.lunch.earliest_start_s, tech.shift.start_s)
            latest = min(tech.lunch.latest_start_s, tech.shift.end_s - tech.lunch.duration_s)
            if earliest <= latest:
                window = vroom.TimeWindow(earliest, latest)
                breaks.append(vroom.Break(number, time_windows=[window], service=tech.lunch.duration_s))
        vroom_input.add_vehicle(
            vroom.Vehicle(
                number,
                start=start_rows[number - 1],
                end=end_rows[number - 1],
                capacity=[tech.van_stock.get(sku, 0) for sku in parts],
                skills=skills.held_by(tech),
                time_window=vroom.TimeWindow(tech.shift.start_s, tech.shift.end_s),
                breaks=breaks,
                max_travel_time=tech.max_travel_s,
                type=tech.id,
            )
        )

    left_out: list[UnassignedJob] = []
    for number, job in enumerate(jobs, start=1):
        windows = job.start_windows(problem.horizon)
        if params.hard_sla and job.sla_due_s is not None:
            due = job.sla_due_s
            windows = tuple(TimeWindow(w.start_s, min(w.end_s, due)) for w in windows if w.start_s <= due)
        if not windows:
            detail = "no window of the job lies in the horizon (and, with hard SLAs, before its due time)"
            left_out.append(UnassignedJob(job.id, UnassignedReason.OUT_OF_REACH, detail))
            continue
        required = {skills.id(skill, level) for skill, level in job.required_skills.items()}
        if job.pinned_technician_id is not None:
            required.add(skills.id(f"pinned:{job.pinned_technician_id}", 0))
        service_by_technician = {tech.id: problem.service_s(job, tech) for tech in technicians}
        vroom_input.add_job(
            vroom.Job(
                number,
                location=job_rows[number - 1],
                default_service=job.service_s,
                delivery=vroom.Amount([job.required_parts.get(sku, 0) for sku in parts]),
                skills=required,
                priority=VROOM_PRIORITY[job.priority],
                time_windows=[vroom.TimeWindow(w.start_s, w.end_s) for w in windows],
                service_per_type=service_by_technician if problem.service_pct_by_level else None,
            )
        )

    started = time.perf_counter()
    result = vroom_input.solve(exploration_level=exploration_level, nb_threads=1)
    solve_s = time.perf_counter() - started
    routes = _routes(problem, result.routes)
    served = {job_id for route in routes for job_id in route.job_ids}
    dropped = {u.job_id for u in left_out}
    left_out += [
        UnassignedJob(job.id, UnassignedReason.CAPACITY, "left out by VROOM")
        for job in jobs
        if job.id not in served and job.id not in dropped
    ]
    solution = Solution(
        status=SolveStatus.FEASIBLE,
        routes=tuple(routes),
        unassigned=tuple(left_out),
        objective=ObjectiveBreakdown(),
        stats=SolveStats(wall_time_s=solve_s, time_to_first_solution_s=solve_s, solutions_found=1),
        message="planned by VROOM; objective as the validator scores it",
    )
    solution = replace(solution, objective=objective_of(problem, solution, params))
    return VroomRun(solution=solution, solve_s=solve_s)


def _routes(problem: Problem, steps: object) -> list[Route]:
    """VROOM's step table (one row per start, job, break, end) as optimizer Routes."""
    import pandas as pd

    assert isinstance(steps, pd.DataFrame)
    routes = []
    for vehicle_number, table in steps.groupby("vehicle_id", sort=True):
        tech = problem.technicians[int(str(vehicle_number)) - 1]
        records = [{str(key): value for key, value in row.items()} for row in table.to_dict("records")]
        routes.append(_route(problem, tech, records))
    return [r for r in routes if r.visits]


def _route(problem: Problem, tech: Technician, rows: Iterable[dict[str, object]]) -> Route:
    """One technician's VROOM steps, timed by the optimizer's rules.

    VROOM's sequence, break start and service starts are kept. Arrivals are recomputed as the validator
    defines them (leave, drive, and take the lunch on the way if it starts before arriving), because VROOM
    may wait at a stop for the break window before driving on, which our rules count as waiting on arrival.
    """
    visits: list[Visit] = []
    lunch: BreakPlacement | None = None
    start_s = end_s = end_travel_s = end_distance_m = travel_s = distance_m = 0
    last_duration = last_distance = 0
    departure = 0

    def arrive(leg_s: int) -> int:
        arrival = departure + leg_s
        if lunch is not None and departure <= lunch.start_s < arrival:
            arrival += lunch.end_s - lunch.start_s
        return arrival

    for row in rows:
        kind = str(row["type"])
        duration, distance = _int(row["duration"]), _int(row["distance"])
        begins = _int(row["arrival"]) + _int(row["waiting_time"]) + _int(row["setup"])
        if kind == "start":
            start_s = departure = _int(row["arrival"])
        elif kind == "break":
            lunch = BreakPlacement(begins, begins + _int(row["service"]))
        elif kind == "job":
            job = problem.jobs[_int(row["id"]) - 1]
            leg_s = duration - last_duration
            arrival = arrive(leg_s)
            ends = begins + _int(row["service"])
            visits.append(
                Visit(
                    kind=VisitKind.JOB,
                    arrival_s=arrival,
                    start_s=begins,
                    end_s=ends,
                    travel_s=leg_s,
                    distance_m=distance - last_distance,
                    job_id=job.id,
                    lateness_s=max(0, begins - job.sla_due_s) if job.sla_due_s is not None else 0,
                )
            )
            last_duration, last_distance, departure = duration, distance, ends
        elif kind == "end":
            end_travel_s, end_distance_m = duration - last_duration, distance - last_distance
            end_s, travel_s, distance_m = arrive(end_travel_s), duration, distance
    return Route(
        technician_id=tech.id,
        visits=tuple(visits),
        start_s=start_s,
        end_s=end_s,
        end_travel_s=end_travel_s,
        end_distance_m=end_distance_m,
        travel_s=travel_s,
        distance_m=distance_m,
        work_s=end_s - start_s,
        overtime_s=max(0, end_s - tech.shift.end_s),
        lunch=lunch,
    )


def _int(value: object) -> int:
    return int(str(value))
