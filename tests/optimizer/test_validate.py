"""The independent validator accepts a solver plan and catches a hand-broken one for each rule."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from optimizer.problem import Depot, Location, LunchBreak, Problem, SolveParams
from optimizer.solution import BreakPlacement, ObjectiveBreakdown, Route, Solution, Visit, VisitKind
from optimizer.solve import solve
from optimizer.validate import validate
from tests.optimizer.builders import HOUR, MINUTE, job, params, problem, tech, window

LUNCH = LunchBreak(30 * MINUTE, 12 * HOUR, 13 * HOUR)


def base_problem(**t1_changes: object) -> Problem:
    t1 = tech("T1", 0, skills={"network": 3}, lunch=LUNCH, max_work_s=9 * HOUR, max_travel_s=3 * HOUR)
    t1 = dataclasses.replace(t1, **t1_changes)  # type: ignore[arg-type]
    t2 = tech("T2", 6, locked_job_ids=("J3",))
    jobs = [
        job(
            "J1",
            1,
            priority=2,
            required_skills={"network": 2},
            required_parts={"X": 1},
            windows=(window(9.5, 11),),
            sla_due_s=9 * HOUR,
            pinned_technician_id="T1",
        ),
        job("J2", 3, windows=(window(12.5, 15),)),
        job("J3", 5),
        job("J4", 1, required_skills={"storage": 1}),
    ]
    depot = Depot("D1", Location.at_index(2), stock={"X": 1}, pickup_s=10 * MINUTE)
    return problem([t1, t2], jobs, depots=[depot])


@pytest.fixture(scope="module")
def planned() -> Solution:
    return solve(base_problem(), params())


def t1_route(solution: Solution) -> Route:
    route = solution.route_of("T1")
    assert route is not None
    return route


def with_t1(solution: Solution, **changes: object) -> Solution:
    routes = tuple(
        dataclasses.replace(r, **changes) if r.technician_id == "T1" else r for r in solution.routes
    )  # type: ignore[arg-type]
    return dataclasses.replace(solution, routes=routes)


def with_visit(solution: Solution, stop_id: str, **changes: object) -> Solution:
    route = t1_route(solution)
    visits = tuple(dataclasses.replace(v, **changes) if v.stop_id == stop_id else v for v in route.visits)  # type: ignore[arg-type]
    return with_t1(solution, visits=visits)


def test_the_solver_plan_is_valid(planned: Solution) -> None:
    """The base plan uses a depot pickup, a lunch break and a locked job, and is valid."""
    report = validate(base_problem(), planned, params())
    assert report.ok, report.violations
    assert report.objective == planned.objective
    route = t1_route(planned)
    assert route.visits[0].kind is VisitKind.DEPOT_PICKUP and route.lunch is not None
    assert planned.route_of("T2").job_ids == ("J3",)  # type: ignore[union-attr]


def _twice(s: Solution) -> Solution:
    route = t1_route(s)
    return with_t1(s, visits=(*route.visits, route.visits[-1]))


def _missing(s: Solution) -> Solution:
    return dataclasses.replace(s, unassigned=())


def _no_detail(s: Solution) -> Solution:
    return dataclasses.replace(s, unassigned=tuple(dataclasses.replace(u, detail="") for u in s.unassigned))


def _late_window(s: Solution) -> Solution:
    visit = next(v for v in t1_route(s).visits if v.job_id == "J2")
    return with_visit(s, "J2", start_s=16 * HOUR, end_s=16 * HOUR + (visit.end_s - visit.start_s))


def _lunch_at(start: int) -> Callable[[Solution], Solution]:
    return lambda s: with_t1(s, lunch=BreakPlacement(start, start + 30 * MINUTE))


def _lunch_over_j1(s: Solution) -> Solution:
    j1 = next(v for v in t1_route(s).visits if v.job_id == "J1")
    return with_t1(s, lunch=BreakPlacement(j1.start_s, j1.start_s + 30 * MINUTE))


BROKEN: list[tuple[str, Callable[[Solution], Solution], str]] = [
    ("a job appears twice", _twice, "job_twice"),
    ("a job is neither routed nor unassigned", _missing, "job_missing"),
    ("an unassigned job has no detail", _no_detail, "reason"),
    ("a pickup collects nothing", lambda s: with_visit(s, "depot:D1", parts_picked={}), "parts"),
    (
        "a pickup takes more than the depot holds",
        lambda s: with_visit(s, "depot:D1", parts_picked={"X": 5}),
        "depot_stock",
    ),
    ("a visit starts outside its window", _late_window, "time_window"),
    ("an arrival time is misreported", lambda s: with_visit(s, "J2", arrival_s=1), "times"),
    ("the lunch starts outside its window", _lunch_at(15 * HOUR), "break"),
    ("the lunch overlaps a visit", _lunch_over_j1, "break"),
    ("the lunch is missing", lambda s: with_t1(s, lunch=None), "break"),
    ("the travel total is wrong", lambda s: with_t1(s, travel_s=1), "totals"),
    ("the route leaves before the shift", lambda s: with_t1(s, start_s=0), "shift_start"),
    (
        "the objective is misreported",
        lambda s: dataclasses.replace(s, objective=ObjectiveBreakdown(travel=1)),
        "objective",
    ),
]


@pytest.mark.parametrize(("what", "breaker", "rule"), BROKEN, ids=[b[0] for b in BROKEN])
def test_hand_broken_solution_is_caught(
    planned: Solution, what: str, breaker: Callable[[Solution], Solution], rule: str
) -> None:
    """Each hand-broken plan is reported under the rule it breaks."""
    report = validate(base_problem(), breaker(planned), params())
    assert rule in report.rules(), (what, report.violations)


CHANGED_PROBLEMS: list[tuple[str, dict[str, object], str]] = [
    ("skill level below the job's", {"skills": {"network": 1}}, "skills"),
    ("shift ends before the route", {"shift": window(8, 10)}, "shift_end"),
    ("working cap below the route", {"max_work_s": HOUR}, "max_work"),
    ("travel cap below the route", {"max_travel_s": 10 * MINUTE}, "max_travel"),
    ("locked prefix not kept", {"locked_job_ids": ("J2",)}, "locked_prefix"),
]


@pytest.mark.parametrize(("what", "changes", "rule"), CHANGED_PROBLEMS, ids=[c[0] for c in CHANGED_PROBLEMS])
def test_plan_checked_against_a_stricter_technician(
    planned: Solution, what: str, changes: dict[str, object], rule: str
) -> None:
    """The same plan breaks a rule once the technician's limits are tightened."""
    report = validate(base_problem(**changes), planned, params())
    assert rule in report.rules(), (what, report.violations)


def test_pinned_elsewhere_is_caught(planned: Solution) -> None:
    """A job done by someone other than its pinned technician is reported."""
    p = base_problem()
    jobs = tuple(dataclasses.replace(j, pinned_technician_id="T2") if j.id == "J1" else j for j in p.jobs)
    report = validate(dataclasses.replace(p, jobs=jobs), planned, params())
    assert "pinned" in report.rules()


def test_hard_sla_flags_late_starts(planned: Solution) -> None:
    """The late J1 (due 9:00, window from 9:30) is fine when soft and a violation in hard-SLA mode."""
    assert validate(base_problem(), planned, params()).ok
    hard = validate(base_problem(), planned, dataclasses.replace(params(), hard_sla=True))
    assert "sla_deadline" in hard.rules()


def test_validator_scores_lateness_and_drops(planned: Solution) -> None:
    """The recomputed objective holds J1's lateness (P2) and J4's drop penalty (P4)."""
    report = validate(base_problem(), planned, SolveParams())
    j1 = next(v for v in t1_route(planned).visits if v.job_id == "J1")
    assert report.objective.lateness == 30 * j1.lateness_s and j1.lateness_s >= 30 * MINUTE
    assert report.objective.drops == 10_000_000


def test_unknown_visit_is_caught(planned: Solution) -> None:
    """A visit to a job the problem does not have is reported."""
    extra = Visit(VisitKind.JOB, 0, 0, 0, 0, 0, job_id="NOPE")
    route = t1_route(planned)
    report = validate(base_problem(), with_t1(planned, visits=(*route.visits, extra)), params())
    assert "unknown_job" in report.rules() or "unknown_stop" in report.rules()


def test_a_large_day_checked_leg_by_leg_gets_the_whole_matrix_verdict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above ``WHOLE_DAY_MAX_PLACES`` a day without matrices is checked one leg at a time: same objective,
    same violations (here one forged leg) as the check on the whole day's matrices."""
    from optimizer import travel
    from optimizer import validate as checker
    from tests.optimizer.builders import three_cities

    day = three_cities()
    params = SolveParams(time_limit_s=5, deterministic=True, solution_limit=10)
    solution = solve(day, params)
    route = solution.routes[0]
    forged = dataclasses.replace(
        route, visits=(dataclasses.replace(route.visits[0], travel_s=1), *route.visits[1:])
    )
    broken = dataclasses.replace(solution, routes=(forged, *solution.routes[1:]))
    whole = [checker.validate(day, s, params) for s in (solution, broken)]
    monkeypatch.setattr(travel, "WHOLE_DAY_MAX_PLACES", 10)
    legwise = [checker.validate(day, s, params) for s in (solution, broken)]
    assert whole[0].ok and legwise[0].ok
    assert [r.objective for r in legwise] == [r.objective for r in whole]
    assert [r.violations for r in legwise] == [r.violations for r in whole]
    assert legwise[1].rules() == {"times"}


def test_a_locked_visit_started_before_its_window_opens_is_caught(planned: Solution) -> None:
    """A locked visit may run past its window, but a plan starting it before the window opens is refused."""
    start = next(v.start_s for r in planned.routes for v in r.visits if v.job_id == "J3")
    p = base_problem()
    late = tuple(
        dataclasses.replace(j, windows=(window(start / HOUR + 1, start / HOUR + 2),)) if j.id == "J3" else j
        for j in p.jobs
    )
    assert "time_window" in validate(dataclasses.replace(p, jobs=late), planned, params()).rules()
    gone = tuple(
        dataclasses.replace(j, windows=(window(start / HOUR - 2, start / HOUR - 1),)) if j.id == "J3" else j
        for j in p.jobs
    )
    assert "time_window" not in validate(dataclasses.replace(p, jobs=gone), planned, params()).rules()
