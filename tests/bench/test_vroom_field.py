"""VROOM as the field-service peer: skills by level, pins, scarce parts and breaks reach VROOM intact."""

from __future__ import annotations

from bench._vroom_field import scarce_parts, solve_with_vroom
from optimizer import Job, Location, LunchBreak, Problem, SolveParams, Technician, TimeWindow
from optimizer.validate import validate

H = 3600
HOME = Location.at(41.88, -87.63)
NEAR = Location.at(41.90, -87.70)
NEAR_2 = Location.at(41.85, -87.65)


def _technician(tech_id: str, level: int = 3, stock: int = 5, shift: tuple[int, int] = (8, 17)) -> Technician:
    return Technician(
        tech_id,
        HOME,
        TimeWindow(shift[0] * H, shift[1] * H),
        lunch=LunchBreak(1800, 11 * H, 13 * H),
        skills={"network": level},
        van_stock={"SW": stock},
    )


def _problem(technicians: tuple[Technician, ...], jobs: tuple[Job, ...]) -> Problem:
    return Problem(technicians, jobs, TimeWindow(0, 24 * H))


def _assigned(problem: Problem) -> dict[str, str]:
    solution = solve_with_vroom(problem, SolveParams()).solution
    assert validate(problem, solution).ok
    return {job_id: route.technician_id for route in solution.routes for job_id in route.job_ids}


def test_skill_level_below_the_requirement_is_refused() -> None:
    """A level-2 technician does not get a job that needs level 3, even when nobody else can do it."""
    jobs = (Job("needs-3", NEAR, 1800, required_skills={"network": 3}),)
    assert _assigned(_problem((_technician("junior", level=2),), jobs)) == {}
    assert _assigned(_problem((_technician("senior", level=3),), jobs)) == {"needs-3": "senior"}


def test_pinned_job_goes_to_its_technician_or_nobody() -> None:
    """A job pinned to a technician whose shift cannot reach it stays out, though another could do it."""
    job = Job("pinned", NEAR, 1800, windows=(TimeWindow(14 * H, 15 * H),), pinned_technician_id="early")
    technicians = (_technician("early", shift=(6, 10)), _technician("late"))
    assert _assigned(_problem(technicians, (job,))) == {}
    unpinned = Job("free", NEAR, 1800, windows=(TimeWindow(14 * H, 15 * H),))
    assert _assigned(_problem(technicians, (unpinned,))) == {"free": "late"}


def test_van_stock_limits_the_jobs_needing_a_scarce_part() -> None:
    """With one switch in the only van, only one of two jobs needing a switch is served."""
    jobs = (
        Job("a", NEAR, 1800, required_parts={"SW": 1}),
        Job("b", NEAR_2, 1800, required_parts={"SW": 1}),
    )
    problem = _problem((_technician("solo", stock=1),), jobs)
    assert scarce_parts(problem) == ["SW"]
    assert len(_assigned(problem)) == 1


def test_parts_every_van_can_cover_are_not_capacities() -> None:
    """A part whose total demand fits in every van never binds, so it is left out of VROOM's capacities."""
    jobs = (Job("a", NEAR, 1800, required_parts={"SW": 1}),)
    assert scarce_parts(_problem((_technician("solo", stock=1),), jobs)) == []


def test_lunch_is_placed_in_its_window_and_times_add_up() -> None:
    """A day spanning lunch gets a 30-minute break starting 11:00-13:00; arrivals follow travel."""
    jobs = tuple(
        Job(f"j{k}", NEAR if k % 2 else NEAR_2, 3600, windows=(TimeWindow((8 + 2 * k) * H, (9 + 2 * k) * H),))
        for k in range(4)
    )
    problem = _problem((_technician("solo"),), jobs)
    solution = solve_with_vroom(problem, SolveParams()).solution
    report = validate(problem, solution)
    assert report.ok, report.violations
    [route] = solution.routes
    assert route.lunch is not None
    assert 11 * H <= route.lunch.start_s <= 13 * H
    assert route.lunch.end_s - route.lunch.start_s == 1800
    assert len(route.visits) == 4
    for visit in route.visits:
        assert visit.start_s >= visit.arrival_s and visit.end_s - visit.start_s == 3600
    assert route.travel_s == sum(v.travel_s for v in route.visits) + route.end_travel_s


def test_waiting_for_lunch_before_driving_is_retimed_as_our_rules_say() -> None:
    """A job done before the lunch window opens, then lunch, then home: the validator accepts the times."""
    jobs = (Job("morning", NEAR, 1800, windows=(TimeWindow(10 * H, 10 * H + 600),)),)
    problem = _problem((_technician("solo", shift=(9, 17)),), jobs)
    solution = solve_with_vroom(problem, SolveParams()).solution
    report = validate(problem, solution)
    assert report.ok, report.violations
    assert report.objective == solution.objective
