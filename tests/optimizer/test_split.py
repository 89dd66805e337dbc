"""A large day split geographically into parts (``_split``, ``_split_solve``): every job in exactly one part,
no technician twice, a job only one part can serve placed there, the merged plan valid and the split
recorded, and the cut repaired where one part's left-out job fits another's technician."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer._split import coarse_reach, depot_shares, kmeans, split_day, sub_problem
from optimizer.problem import Job, Location, Problem, SolveParams, Technician, TimeWindow
from optimizer.solve import solve
from optimizer.validate import validate
from tests.optimizer.builders import CITIES, HOUR, SHIFT, job, problem, tech
from tests.optimizer.builders import three_cities as _cities


def _small_parts(**kwargs: object) -> SolveParams:
    return SolveParams(
        time_limit_s=10,
        deterministic=True,
        solution_limit=20,
        max_part_jobs=10,
        max_part_technicians=3,
        **kwargs,  # type: ignore[arg-type]
    )


def test_every_job_in_exactly_one_part_and_no_technician_twice() -> None:
    """The split is a partition: each job once, each technician at most once, and each job in a part with
    technicians of its own city (the only ones who can drive to it)."""
    day = _cities()
    params = _small_parts()
    parts = split_day(day, params, coarse_reach(day, params, None))
    assert len(parts) >= 3
    assert sorted(j for p in parts for j in p.jobs) == list(range(len(day.jobs)))
    techs = [v for p in parts for v in p.technicians]
    assert len(techs) == len(set(techs))
    for part in parts:
        cities = {day.technicians[v].id[1:].split("-")[0] for v in part.technicians}
        assert {day.jobs[j].id[1:].split("-")[0] for j in part.jobs} <= cities


def test_kmeans_separates_distant_clusters() -> None:
    """Homes in two far-apart clumps get two labels, one per clump, whatever the seed."""
    import numpy as np

    points = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [9.0, 9.0], [9.1, 9.0], [9.0, 9.1]])
    for seed in range(5):
        labels = kmeans(points, 2, seed).tolist()
        assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4] == labels[5]


def test_a_job_only_one_technician_can_take_lands_in_their_part_and_on_their_route() -> None:
    """A job needing a skill only one technician of one city has goes to that technician's part, and the
    merged plan gives it to them."""
    day = _cities()
    skilled = day.technicians[5]
    techs = list(day.technicians)
    techs[5] = Technician(skilled.id, skilled.start, SHIFT, skills={"boiler": 3})
    lat, lon = CITIES[1]
    rare = Job("RARE", Location.at(lat + 0.05, lon + 0.05), 1_800, priority=1, required_skills={"boiler": 3})
    day = Problem(tuple(techs), (*day.jobs, rare), day.horizon, depots=day.depots)
    params = _small_parts()
    parts = split_day(day, params, coarse_reach(day, params, None))
    home = next(p for p in parts if len(day.jobs) - 1 in p.jobs)
    assert 5 in home.technicians
    solution = solve(day, params)
    route = solution.route_of(skilled.id)
    assert route is not None and "RARE" in route.job_ids


def test_the_merged_plan_validates_and_records_the_split() -> None:
    """Solved in parts: the whole plan passes the independent checker, each job is routed once or left out
    once, and the statistics name each part's technicians and job count."""
    day = _cities()
    params = _small_parts()
    solution = solve(day, params)
    assert validate(day, solution, params).ok
    seen = Counter([*solution.assigned_job_ids, *(u.job_id for u in solution.unassigned)])
    assert sorted(seen) == sorted(j.id for j in day.jobs)
    assert set(seen.values()) == {1}
    parts = solution.stats.parts
    assert len(parts) >= 3
    assert sum(p.jobs for p in parts) == len(day.jobs)
    ids = [t for p in parts for t in p.technician_ids]
    assert len(ids) == len(set(ids)) == len(day.technicians)


def test_a_small_day_is_not_split() -> None:
    """Under the part size, the day is solved whole, as before."""
    day = _cities(techs_each=2, jobs_each=4)
    solution = solve(day, SolveParams(time_limit_s=5, deterministic=True, solution_limit=10))
    assert solution.stats.parts == ()


def test_depot_stock_is_given_once() -> None:
    """Each depot's stock goes whole to exactly one part."""
    day = _cities()
    params = _small_parts()
    parts = split_day(day, params, coarse_reach(day, params, None))
    shares = depot_shares(day, parts)
    for d in range(len(day.depots)):
        assert sum(1 for share in shares if d in share) == 1


def test_a_part_of_a_day_with_matrices_keeps_its_own_rows() -> None:
    """A day carrying matrices: a part's problem carries just its places' rows, travel times unchanged."""
    day = problem([tech("A", 0), tech("B", 7)], [job("J1", 1), job("J2", 6)], points=8)
    params = SolveParams(max_part_jobs=1, max_part_technicians=1)
    parts = split_day(day, params, coarse_reach(day, params, None))
    assert len(parts) == 2
    for part in parts:
        sub = sub_problem(day, part, {}, "part")
        assert sub.travel_time_s is not None and day.travel_time_s is not None
        home, there = sub.technicians[0].start, sub.jobs[0].location
        original = day.travel_time_s[
            day.technicians[part.technicians[0]].start.index, day.jobs[part.jobs[0]].location.index
        ]
        assert sub.travel_time_s[home.index, there.index] == original


def test_the_cut_repair_moves_a_left_out_job_to_a_neighbour() -> None:
    """Two technicians a short drive apart in two parts: the job goes to the part of the one nearer, whose
    day is full of P1 work; the pair re-solved across the cut hands it to the other, who is free."""
    lat, lon = CITIES[0]
    near = Technician("NEAR", Location.at(lat, lon), TimeWindow(8 * HOUR, 12 * HOUR))
    free = Technician("FREE", Location.at(lat + 0.3, lon), SHIFT)
    busy = [
        Job(
            f"B{k}",
            Location.at(lat - 0.01 * k, lon),
            3_000,
            priority=1,
            allowed_technician_ids=frozenset({"NEAR"}),
        )
        for k in range(4)
    ]
    wanted = Job("WANTED", Location.at(lat + 0.02, lon), 1_800, priority=2)
    day = Problem((near, free), (*busy, wanted), TimeWindow(0, 24 * HOUR))
    params = SolveParams(time_limit_s=30, deterministic=True, solution_limit=20, max_part_technicians=1)
    solution = solve(day, params)
    assert len(solution.stats.parts) == 2
    assert solution.stats.cut_repairs[1] >= 1
    route = solution.route_of("FREE")
    assert route is not None and "WANTED" in route.job_ids
    assert validate(day, solution, params).ok


@st.composite
def _days(draw: st.DrawFn) -> Problem:
    seed = draw(st.integers(0, 10_000))
    return _cities(draw(st.integers(1, 4)), draw(st.integers(2, 12)), seed)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_days(), st.integers(2, 12), st.integers(1, 4))
def test_no_job_is_assigned_twice_whatever_the_split(day: Problem, jobs: int, techs: int) -> None:
    """Whatever the part size, every job is routed at most once, and routed or left out, never both."""
    params = SolveParams(
        time_limit_s=6, deterministic=True, solution_limit=5, max_part_jobs=jobs, max_part_technicians=techs
    )
    solution = solve(day, params)
    routed = Counter(solution.assigned_job_ids)
    assert not routed or max(routed.values()) == 1
    assert not set(routed) & {u.job_id for u in solution.unassigned}
    assert len(routed) + len(solution.unassigned) == len(day.jobs)
    assert validate(day, solution, params).ok
