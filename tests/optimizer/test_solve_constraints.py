"""One small problem per constraint, two or three jobs on a line, where the answer is known by hand."""

from __future__ import annotations

import pytest

from optimizer.problem import BreakModel, Depot, Job, Location, LunchBreak, Problem, SolveParams, Technician
from optimizer.solution import Solution, SolveStatus, UnassignedReason, VisitKind
from optimizer.solve import solve
from optimizer.validate import validate
from tests.optimizer.builders import (
    DAY,
    HOUR,
    MINUTE,
    CostWeights,
    TimeWindow,
    job,
    params,
    problem,
    tech,
    window,
)


def solved(p: Problem, solve_params: SolveParams | None = None) -> Solution:
    """Solve and insist the validator accepts the plan."""
    solve_params = solve_params or params()
    solution = solve(p, solve_params)
    report = validate(p, solution, solve_params)
    assert report.ok, report.violations
    return solution


def test_skills_decide_the_technician() -> None:
    """A job needing a skill goes to the farther technician who holds it."""
    p = problem(
        [tech("T1", 0), tech("T2", 5, skills={"network": 2})], [job("J1", 1, required_skills={"network": 1})]
    )
    assert solved(p).route_of("T2").job_ids == ("J1",)  # type: ignore[union-attr]


def test_skill_level_is_respected() -> None:
    """A level-3 job skips the nearer level-2 technician for the level-4 one."""
    p = problem(
        [tech("T1", 0, skills={"network": 2}), tech("T2", 5, skills={"network": 4})],
        [job("J1", 1, required_skills={"network": 3})],
    )
    solution = solved(p)
    assert solution.route_of("T1") is None
    assert solution.route_of("T2").job_ids == ("J1",)  # type: ignore[union-attr]


def test_parts_deplete_along_the_route() -> None:
    """A van holding one unit serves only one of two jobs needing one each; the other is a capacity drop."""
    p = problem(
        [tech("T1", 0, stock={"X": 1})],
        [job("J1", 1, required_parts={"X": 1}), job("J2", 2, required_parts={"X": 1})],
    )
    solution = solved(p)
    assert len(solution.assigned_job_ids) == 1
    assert solution.unassigned[0].reason is UnassignedReason.CAPACITY


def test_depot_pickup_before_the_job() -> None:
    """An empty van collects the part at a depot, then does the job."""
    depot = Depot("D1", Location.at_index(3), stock={"X": 2}, pickup_s=10 * MINUTE)
    p = problem([tech("T1", 0)], [job("J1", 2, required_parts={"X": 1})], depots=[depot])
    route = solved(p).route_of("T1")
    assert route is not None
    kinds = [v.kind for v in route.visits]
    assert kinds == [VisitKind.DEPOT_PICKUP, VisitKind.JOB]
    assert route.visits[0].parts_picked == {"X": 1}


def test_depot_stock_is_shared() -> None:
    """Two empty vans and a depot holding one unit: only one of the two jobs is served."""
    depot = Depot("D1", Location.at_index(3), stock={"X": 1}, pickup_s=10 * MINUTE)
    p = problem(
        [tech("T1", 0), tech("T2", 4)],
        [job("J1", 2, required_parts={"X": 1}), job("J2", 5, required_parts={"X": 1})],
        depots=[depot],
    )
    solution = solved(p)
    assert len(solution.assigned_job_ids) == 1


def test_time_windows_order_the_visits() -> None:
    """The far job with the morning window comes before the near job with the afternoon window."""
    p = problem(
        [tech("T1", 0)], [job("J1", 1, windows=(window(14, 15),)), job("J2", 3, windows=(window(9, 10),))]
    )
    route = solved(p).route_of("T1")
    assert route is not None and route.job_ids == ("J2", "J1")
    assert 9 * HOUR <= route.visits[0].start_s <= 10 * HOUR
    assert 14 * HOUR <= route.visits[1].start_s <= 15 * HOUR


def test_second_window_is_used_when_the_first_is_missed() -> None:
    """A job with two windows starts in the second when the first closes before anyone can arrive."""
    p = problem([tech("T1", 0)], [job("J1", 3, windows=(window(7, 8.2), window(13, 14)))])
    route = solved(p).route_of("T1")
    assert route is not None and route.visits[0].start_s == 13 * HOUR


def test_shift_end_leaves_a_long_far_job_out() -> None:
    """A job that cannot be done and driven home from by the shift end is out of reach."""
    p = problem([tech("T1", 0)], [job("J1", 7, service_s=8 * HOUR)])
    solution = solved(p)
    assert solution.unassigned_reason("J1") is UnassignedReason.OUT_OF_REACH


def test_overtime_keeps_urgent_work_in_the_day_at_a_cost() -> None:
    """With two hours of overtime allowed the same job, a P2, is done, and the overtime is paid."""
    p = problem([tech("T1", 0, max_overtime_s=2 * HOUR)], [job("J1", 7, service_s=8 * HOUR, priority=2)])
    solution = solved(p)
    route = solution.route_of("T1")
    assert route is not None and route.overtime_s == 8 * HOUR + 140 * MINUTE - 9 * HOUR
    assert solution.objective.overtime == CostWeights().overtime_cost_per_s * route.overtime_s


def test_overtime_is_not_worked_for_a_p4_that_can_wait() -> None:
    """The same job as a P4 is left for another day rather than paid 80 minutes of overtime."""
    p = problem([tech("T1", 0, max_overtime_s=2 * HOUR)], [job("J1", 7, service_s=8 * HOUR, priority=4)])
    solution = solved(p)
    assert solution.unassigned_reason("J1") is not None
    assert solution.objective.overtime == 0


@pytest.mark.parametrize("model", [BreakModel.INTERVALS, BreakModel.SLACK])
def test_lunch_break_sits_in_its_window_between_visits(model: BreakModel) -> None:
    """The 30-minute lunch starts in 12:00-12:30, after the first job and before the second."""
    lunch = LunchBreak(30 * MINUTE, 12 * HOUR, int(12.5 * HOUR))
    p = problem(
        [tech("T1", 0, lunch=lunch)],
        [
            job("J1", 1, service_s=HOUR, windows=(window(11, 11.25),)),
            job("J2", 2, windows=(window(12 + 40 / 60, 13),)),
        ],
    )
    route = solved(p, params(break_model=model)).route_of("T1")
    assert route is not None and route.job_ids == ("J1", "J2") and route.lunch is not None
    assert 12 * HOUR <= route.lunch.start_s <= 12.5 * HOUR
    assert route.lunch.end_s - route.lunch.start_s == 30 * MINUTE
    assert route.visits[0].end_s <= route.lunch.start_s and route.lunch.end_s <= route.visits[1].start_s


def test_sla_lateness_is_costed_by_priority() -> None:
    """A P2 job that cannot start before 10:00 but was due at 9:30 costs 30 x 1800 s of lateness."""
    p = problem(
        [tech("T1", 0)], [job("J1", 1, priority=2, windows=(window(10, 11),), sla_due_s=int(9.5 * HOUR))]
    )
    solution = solved(p)
    assert solution.route_of("T1").visits[0].lateness_s == 30 * MINUTE  # type: ignore[union-attr]
    assert solution.objective.lateness == 30 * 30 * MINUTE


def test_a_response_is_kept_before_a_lower_priority_resolution() -> None:
    """A P2 aimed at 8:30 and breached past 9:00, and a P3 that must start by 8:30 and takes two hours:
    serving the P3 first would start the P2 at 10:10, an hour and forty minutes late, which costs little
    as lateness but breaks the P2's SLA. The plan keeps the P2's response and leaves the P3 out."""
    p = problem(
        [tech("T1", 0)],
        [
            job("P3", 1, priority=3, service_s=2 * HOUR, windows=(window(8, 8.5),)),
            job("P2", 1, priority=2, service_s=HOUR, sla_due_s=int(8.5 * HOUR), sla_breach_s=9 * HOUR),
        ],
    )
    solution = solved(p)
    assert solution.route_of("T1").job_ids == ("P2",)  # type: ignore[union-attr]
    assert solution.objective.breaches == 0
    unbreached = solved(p, params(weights=CostWeights(breach_penalty_by_priority=(0, 0, 0, 0))))
    assert unbreached.route_of("T1").job_ids == ("P3", "P2")  # type: ignore[union-attr]


def test_a_breach_is_charged_once_on_top_of_lateness() -> None:
    """A P2 that cannot start before 10:00, aimed at 9:00 and breached past 9:30, costs an hour's
    lateness and the P2's breach penalty, in the plan and as the validator recomputes it."""
    p = problem(
        [tech("T1", 0)],
        [
            job(
                "J1",
                1,
                priority=2,
                windows=(window(10, 11),),
                sla_due_s=9 * HOUR,
                sla_breach_s=int(9.5 * HOUR),
            )
        ],
    )
    solution = solved(p)
    weights = CostWeights()
    assert solution.objective.lateness == 30 * HOUR
    assert solution.objective.breaches == weights.breach_penalty(2) == 250_000_000
    assert validate(p, solution, params()).objective == solution.objective


def test_the_p1_goes_first_when_both_cannot_be_on_time() -> None:
    """Of two jobs due at 8:30, the far P1 is served first and the near P4 is late."""
    due = int(8.5 * HOUR)
    p = problem(
        [tech("T1", 0)],
        [
            job("P4", 1, priority=4, service_s=HOUR, sla_due_s=due),
            job("P1", 2, priority=1, service_s=HOUR, sla_due_s=due),
        ],
    )
    assert solved(p).route_of("T1").job_ids == ("P1", "P4")  # type: ignore[union-attr]


def test_hard_sla_makes_the_due_time_a_deadline() -> None:
    """In hard-SLA mode a job that cannot start by its due time is unassigned with that reason."""
    p = problem([tech("T1", 0)], [job("J1", 1, windows=(window(10, 11),), sla_due_s=int(9.5 * HOUR))])
    solution = solved(p, params(hard_sla=True))
    assert solution.unassigned_reason("J1") is UnassignedReason.SLA_UNREACHABLE


def test_a_p4_is_dropped_before_a_p1() -> None:
    """When only one of two jobs fits the shift, the farther P1 is kept and the P4 dropped for capacity."""
    short = window(8, 12)
    p = problem(
        [tech("T1", 0, shift=short)],
        [job("J4", 1, priority=4, service_s=2 * HOUR), job("J1", 5, priority=1, service_s=2 * HOUR)],
    )
    solution = solved(p)
    assert solution.assigned_job_ids == ("J1",)
    assert solution.unassigned_reason("J4") is UnassignedReason.CAPACITY


def test_pinned_job_goes_to_its_technician() -> None:
    """A job pinned to the farther technician is done by that technician."""
    p = problem([tech("T1", 0), tech("T2", 5)], [job("J1", 1, pinned_technician_id="T2")])
    assert solved(p).route_of("T2").job_ids == ("J1",)  # type: ignore[union-attr]


def test_pinned_to_an_unskilled_technician() -> None:
    """A job pinned to a technician without its skill is unassigned with the pinning reason."""
    p = problem(
        [tech("T1", 0), tech("T2", 1, skills={"pos": 3})],
        [job("J1", 1, required_skills={"pos": 1}, pinned_technician_id="T1")],
    )
    assert solved(p).unassigned_reason("J1") is UnassignedReason.PINNED_TECHNICIAN_UNABLE


def test_locked_prefix_is_kept() -> None:
    """A route whose first job is locked keeps it first, though the other order drives less."""
    t = tech("T1", 0, end=Location.at_index(4), locked_job_ids=("J2",))
    p = problem([t], [job("J1", 1), job("J2", 3)])
    assert solved(p).route_of("T1").job_ids == ("J2", "J1")  # type: ignore[union-attr]
    free = problem([tech("T1", 0, end=Location.at_index(4))], [job("J1", 1), job("J2", 3)])
    assert solved(free).route_of("T1").job_ids == ("J1", "J2")  # type: ignore[union-attr]


def test_locked_prefix_keeps_its_own_order() -> None:
    """Two locked jobs stay first and in the locked order, whatever the order of the job list."""
    t = tech("T1", 0, locked_job_ids=("J3", "J1"))
    p = problem([t], [job("J1", 1), job("J2", 2), job("J3", 3)])
    assert solved(p).route_of("T1").job_ids[:2] == ("J3", "J1")  # type: ignore[union-attr]


def test_a_locked_visit_waits_for_its_window_to_open() -> None:
    """A kept visit is not started before its customer's window opens, and what follows it is timed from
    then: a plan that lets the technician begin early tells the next customer a time that cannot be kept."""
    t = tech("T1", 0, locked_job_ids=("J1",))
    p = problem([t], [job("J1", 1, windows=(window(10, 12),)), job("J2", 2)])
    route = solved(p).route_of("T1")
    assert route is not None and route.job_ids == ("J1", "J2")
    first, second = route.visits
    assert first.start_s == 10 * HOUR and second.start_s >= first.end_s + 10 * MINUTE


def test_a_locked_visit_may_start_after_its_window_closes() -> None:
    """What happened can make a kept visit late: it stays first on the route, started as soon as it can be."""
    t = tech("T1", 0, shift=TimeWindow(11 * HOUR, 17 * HOUR), locked_job_ids=("J1",))
    p = problem([t], [job("J1", 1, windows=(window(8, 10),))])
    route = solved(p).route_of("T1")
    assert route is not None and route.visits[0].start_s == 11 * HOUR + 10 * MINUTE


def test_no_skilled_technician_reason() -> None:
    """Nobody holds the skill: NO_SKILLED_TECHNICIAN."""
    p = problem([tech("T1", 0)], [job("J1", 1, required_skills={"storage": 1})])
    assert solved(p).unassigned_reason("J1") is UnassignedReason.NO_SKILLED_TECHNICIAN


def test_no_parts_reason() -> None:
    """Skilled, but no van or depot has the part: NO_PARTS."""
    p = problem([tech("T1", 0)], [job("J1", 1, required_parts={"PSU-650": 1})])
    assert solved(p).unassigned_reason("J1") is UnassignedReason.NO_PARTS


def test_out_of_reach_reason() -> None:
    """A window after every shift, or outside the horizon: OUT_OF_REACH."""
    p = problem(
        [tech("T1", 0)],
        [job("J1", 1, windows=(window(20, 21),)), job("J2", 1, windows=(window(25, 26),))],
    )
    solution = solved(p)
    assert solution.unassigned_reason("J1") is UnassignedReason.OUT_OF_REACH
    assert solution.unassigned_reason("J2") is UnassignedReason.OUT_OF_REACH


def test_max_travel_and_max_work_limit_reach() -> None:
    """A 30-minute travel cap and a one-hour working cap each rule out the farther job."""
    by_travel = problem([tech("T1", 0, max_travel_s=30 * MINUTE)], [job("J1", 1), job("J2", 5)])
    solution = solved(by_travel)
    assert solution.assigned_job_ids == ("J1",)
    assert solution.unassigned_reason("J2") is UnassignedReason.OUT_OF_REACH
    by_work = problem([tech("T1", 0, max_work_s=HOUR)], [job("J2", 2)])
    assert solved(by_work).unassigned_reason("J2") is UnassignedReason.OUT_OF_REACH


def test_service_time_scales_with_skill_level() -> None:
    """A level-1 technician takes twice the nominal 30 minutes when level 1 is configured at 200%."""
    p = problem(
        [tech("T1", 0, skills={"printers": 1})],
        [job("J1", 1, required_skills={"printers": 1})],
        service_pct_by_level={1: 200, 3: 100},
    )
    visit = solved(p).route_of("T1").visits[0]  # type: ignore[union-attr]
    assert visit.end_s - visit.start_s == HOUR


def test_geographic_problem_uses_the_default_travel_times() -> None:
    """Without matrices, each coast's job goes to that coast's technician."""
    shift = window(8, 17)
    techs = (
        Technician("NYC", Location.at(40.71, -74.01), shift),
        Technician("LA", Location.at(34.05, -118.24), shift),
    )
    jobs = (
        Job("J-east", Location.at(40.75, -73.99), 45 * MINUTE),
        Job("J-west", Location.at(34.10, -118.30), 45 * MINUTE),
    )
    p = Problem(techs, jobs, DAY)
    solution = solved(p)
    assert solution.route_of("NYC").job_ids == ("J-east",)  # type: ignore[union-attr]
    assert solution.route_of("LA").job_ids == ("J-west",)  # type: ignore[union-attr]


def test_nothing_to_plan_is_optimal() -> None:
    """A problem with no jobs is solved at once, with no routes."""
    solution = solved(problem([tech("T1", 0)], []))
    assert solution.status is SolveStatus.OPTIMAL and solution.routes == ()


def test_stats_are_reported() -> None:
    """The solution carries wall time, time to first solution and an objective history."""
    solution = solved(problem([tech("T1", 0)], [job("J1", 1), job("J2", 2)]))
    assert solution.status in (SolveStatus.FEASIBLE, SolveStatus.TIMED_OUT)
    assert solution.stats.time_to_first_solution_s is not None
    assert solution.stats.objective_over_time and solution.stats.groups == 1
    assert solution.stats.objective_over_time[-1][1] == solution.objective.total


def _full_day_and_a_p1(can_wait: bool) -> Problem:
    """Three P4 visits of 2.5 h booked back to back from 08:10, and a P1 of an hour due at 09:00."""
    booked = [
        job(f"M{k}", 1, service_s=150 * MINUTE, windows=(TimeWindow(start, start),), can_wait=can_wait)
        for k, start in enumerate(8 * HOUR + 10 * MINUTE + k * 150 * MINUTE for k in range(3))
    ]
    return problem([tech("T1", 0)], [*booked, job("P1", 1, service_s=HOUR, priority=1, sla_due_s=9 * HOUR)])


def test_an_urgent_job_takes_the_place_of_work_that_can_wait() -> None:
    """A P1 an hour due beats a P4 that can be done another day: the P4 is left out, the P1 is on time."""
    solution = solved(_full_day_and_a_p1(can_wait=True))
    assert [u.job_id for u in solution.unassigned] == ["M0"]
    assert "it can wait for another day within its SLA" in solution.unassigned[0].detail
    p1 = next(v for r in solution.routes for v in r.visits if v.job_id == "P1")
    assert p1.start_s <= 9 * HOUR
    assert solution.objective.drops == CostWeights().deferral_penalty_by_priority[3]


def test_work_that_cannot_wait_keeps_its_place_and_the_urgent_job_comes_late() -> None:
    """The same P4s due today are kept: the P1 comes after them, late."""
    solution = solved(_full_day_and_a_p1(can_wait=False))
    assert solution.unassigned == ()
    p1 = next(v for r in solution.routes for v in r.visits if v.job_id == "P1")
    assert p1.start_s > 9 * HOUR


def test_a_p1_that_can_wait_still_comes_before_a_p4_due_today() -> None:
    """Room for one of two six-hour visits: the P1 due tomorrow is served and the P4 due today left out."""
    p = problem(
        [tech("T1", 0)],
        [
            job("P4", 1, priority=4, service_s=6 * HOUR),
            job("P1", 2, priority=1, service_s=6 * HOUR, can_wait=True),
        ],
    )
    solution = solved(p)
    assert [u.job_id for u in solution.unassigned] == ["P4"]
    assert solution.objective.drops == CostWeights().drop_penalty(4)
