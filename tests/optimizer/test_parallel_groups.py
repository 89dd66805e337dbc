"""Independent groups solved side by side (``SolveParams.workers``): the same plan as one after the other,
depot stock shared between groups never promised twice, progress counting the groups done."""

from __future__ import annotations

import pickle
import random

from optimizer import SolveProgress
from optimizer._groups import group_task, in_problem, run_group
from optimizer._plans import divide_stock, picks_of
from optimizer._reach import compute_reach, groups
from optimizer._schedule import Compiled
from optimizer.problem import Depot, Job, Location, Problem, SolveParams, Technician, TimeWindow
from optimizer.solve import solve
from optimizer.validate import validate
from tests.optimizer.builders import HOUR, job, params, problem, tech


def _two_cities(jobs_each: int = 12, seed: int = 4) -> Problem:
    """Two cities 1,500 km apart, three technicians and ``jobs_each`` jobs in each: two or more groups."""
    rng = random.Random(seed)
    shift = TimeWindow(8 * HOUR, 17 * HOUR)
    techs, tasks = [], []
    for city, (lat, lon) in enumerate(((40.0, -75.0), (41.0, -93.0))):
        techs += [
            Technician(f"T{city}{k}", Location.at(lat + rng.random() / 3, lon + rng.random() / 3), shift)
            for k in range(3)
        ]
        tasks += [
            Job(
                f"J{city}{k}",
                Location.at(lat + rng.random() / 2, lon + rng.random() / 2),
                1_800,
                priority=rng.randint(1, 4),
            )
            for k in range(jobs_each)
        ]
    return Problem(tuple(techs), tuple(tasks), TimeWindow(0, 36 * HOUR))


def test_two_workers_give_the_plan_of_one() -> None:
    """Deterministic mode: the pool's plan is the sequential one, route for route (tasks carry everything)."""
    day = _two_cities()
    one = solve(day, SolveParams(time_limit_s=20, deterministic=True, solution_limit=30, workers=1))
    two = solve(day, SolveParams(time_limit_s=20, deterministic=True, solution_limit=30, workers=2))
    assert one.stats.groups >= 2
    assert [r.job_ids for r in two.routes] == [r.job_ids for r in one.routes]
    assert two.objective == one.objective
    assert validate(day, two, SolveParams(workers=2)).ok


def _rivals(workers: int) -> tuple[Problem, SolveParams]:
    """Two technicians who may never take each other's jobs (two groups) next to one depot holding a
    single unit of a part that a P1 job of each needs and neither van carries."""
    jobs = [
        job("JA", 2, priority=1, required_parts={"psu": 1}, allowed_technician_ids=frozenset({"A"})),
        job("JB", 4, priority=1, required_parts={"psu": 1}, allowed_technician_ids=frozenset({"B"})),
    ]
    depot = Depot("D", Location.at_index(3), stock={"psu": 1})
    day = problem([tech("A", 1), tech("B", 5)], jobs, depots=[depot])
    return day, params(time_limit_s=5, workers=workers)


def test_a_depot_unit_wanted_by_two_groups_is_promised_once() -> None:
    """With the groups solved at once, one of the two P1 jobs gets the depot's only unit, the other is out."""
    day, solve_params = _rivals(workers=2)
    solution = solve(day, solve_params)
    assert solution.stats.groups == 2
    assert len(solution.assigned_job_ids) == 1
    picked = sum(q for r in solution.routes for v in r.visits for q in v.parts_picked.values())
    assert picked == 1
    assert validate(day, solution, solve_params).ok


def test_stock_shares_add_up_to_the_depot_and_keep_each_construction() -> None:
    """Each group keeps what its constructed plan picks; the shares add up to the depots' stock exactly."""
    day, solve_params = _rivals(workers=2)
    day = Problem(
        day.technicians,
        day.jobs,
        day.horizon,
        (Depot("D", Location.at_index(3), {"psu": 3}),),
        day.travel_time_s,
        day.distance_m,
    )
    c = Compiled.build(day, solve_params)
    reach = compute_reach(c)
    parts = groups(reach.allowed, len(day.technicians))
    picks = [{(0, "psu"): 1}, {}]
    shares = divide_stock(c, parts, dict(reach.depot_stock), picks)
    assert shares[0][(0, "psu")] >= 1
    assert sum(share.get((0, "psu"), 0) for share in shares) == 3
    assert picks_of(c, {0: [-1, 0]}) == {(0, "psu"): 1}


def test_a_group_task_pickles_and_solves_to_the_same_plan_anywhere() -> None:
    """A task survives pickling (a spawned worker receives it so) and solves alike before and after."""
    day = _two_cities(jobs_each=6)
    solve_params = SolveParams(time_limit_s=5, deterministic=True, solution_limit=20)
    c = Compiled.build(day, solve_params)
    reach = compute_reach(c)
    vehicles, jobs = groups(reach.allowed, len(day.technicians))[0]
    task = group_task(c, 0, vehicles, jobs, reach.allowed, dict(reach.depot_stock), None, 5.0, 1e12)
    assert len(task.problem.jobs) == len(jobs) < len(day.jobs)
    here = run_group(task)
    there = run_group(pickle.loads(pickle.dumps(task)))
    assert here.plan == there.plan
    plan = in_problem(here.plan, vehicles, jobs)
    assert set(plan) == set(vehicles)
    assert {s for stops in plan.values() for s in stops} <= set(jobs)


def test_progress_counts_groups_done_and_p1s() -> None:
    """Reports say how many of the groups are done, ending with all of them, and how many P1s are served."""
    day = _two_cities()
    reports: list[SolveProgress] = []
    solution = solve(day, SolveParams(time_limit_s=6, workers=2), on_progress=reports.append)
    last = reports[-1]
    assert last.groups_total == solution.stats.groups >= 2
    assert last.groups_done == last.groups_total
    assert any(r.groups_done is not None and r.groups_done < solution.stats.groups for r in reports)
    served_p1 = sum(1 for job_id in solution.assigned_job_ids if day.job(job_id).priority == 1)
    assert last.p1_assigned == served_p1
