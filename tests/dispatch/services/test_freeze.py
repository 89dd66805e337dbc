"""The freeze horizon: a re-plan keeps each working technician's next visit, and nothing before the day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, update

import optimizer as opt
from dispatch.domain.plans import Plan
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.persistence.models import JobRow
from dispatch.services.freeze import frozen_visits, giving_way_to, keepable
from dispatch.services.plan_day import plan_day
from dispatch.services.rest_of_day import load_live_day, rest_of_day
from tests.dispatch.services.small_day import DAY, NIGHT_BEFORE, QUICK, publish_small_day

MID_MORNING = datetime(2026, 3, 10, 16, tzinfo=UTC)
"""Eleven in the East, eight on the Pacific coast: most routes have begun."""


@pytest.fixture(scope="module")
def morning_plan(engine: Engine) -> Iterator[tuple[Engine, Plan]]:
    yield engine, publish_small_day(engine)


def _next_jobs(plan: Plan, before: datetime) -> dict[str, str]:
    """Each route begun by ``before``: its first job."""
    return {r.technician_id: r.job_ids[0] for r in plan.routes if r.job_ids and r.start <= before}


def test_a_re_plan_mid_morning_keeps_what_each_working_technician_is_about_to_do(
    morning_plan: tuple[Engine, Plan],
) -> None:
    """Every visit now takes half as long again, so a free re-plan would reshuffle the day; the visits
    planned to start within the horizon stay first on their technicians' routes, in order (all of them: no
    urgent work here for them to give way to)."""
    engine, _ = morning_plan
    ahead = timedelta(hours=2)
    with session_scope(make_session_factory(engine)) as session:
        jobs = JobRow.__table__
        session.execute(update(jobs).values(duration_s=jobs.c.duration_s * 3 // 2, priority="P3"))
        live = load_live_day(session, DAY, MID_MORNING)
        rest = rest_of_day(live)
        heads = keepable(rest.planning.problem, QUICK, frozen_visits(live, rest, ahead))
        again = plan_day(live, params=QUICK, freeze=ahead)
        session.rollback()
    assert sum(len(h) for h in heads.values()) >= 5, "several visits lie within the horizon"
    assert again.held == heads
    routes = {r.technician_id: r.job_ids for r in again.plan.routes}
    for technician_id, head in again.held.items():
        assert routes[technician_id][: len(head)] == head


def test_nothing_is_frozen_before_the_day_begins(morning_plan: tuple[Engine, Plan]) -> None:
    """Planned the night before, a re-plan is free to change every route."""
    engine, _ = morning_plan
    with session_scope(make_session_factory(engine)) as session:
        live = load_live_day(session, DAY, NIGHT_BEFORE)
        assert frozen_visits(live, rest_of_day(live), timedelta(minutes=45)) == {}


def test_the_horizon_freezes_every_visit_planned_to_start_within_it(
    morning_plan: tuple[Engine, Plan],
) -> None:
    """With a three-hour horizon, each begun route keeps all its visits that start within three hours."""
    engine, plan = morning_plan
    ahead = timedelta(hours=3)
    with session_scope(make_session_factory(engine)) as session:
        live = load_live_day(session, DAY, MID_MORNING)
        frozen = frozen_visits(live, rest_of_day(live), ahead)
    for route in plan.routes:
        if route.technician_id not in frozen:
            continue
        soon = [v.job_id for v in route.visits if v.job_id is not None and v.start < MID_MORNING + ahead]
        head = frozen[route.technician_id]
        assert list(head) == soon[: len(head)] and len(head) >= 1


def _day_around_a_p1(late_s: int) -> tuple[opt.Problem, opt.Solution]:
    """Five technicians 10 to 50 km east of a P1 (the one 20 km away without its skill), each with a
    frozen visit; the P1 is served by the farthest, ``late_s`` past its aim."""
    p1 = opt.Job("P1", opt.Location.at(45.0, 5.0), 1800, priority=1, required_skills={"fibre": 1})
    technicians = tuple(
        opt.Technician(
            f"T{km}",
            opt.Location.at(45.0, 5.0 + km / 78.7),
            opt.TimeWindow(8 * 3600, 17 * 3600),
            skills={} if km == 20 else {"fibre": 1},
        )
        for km in (10, 20, 30, 40, 50)
    )
    problem = opt.Problem(technicians, (p1,), opt.TimeWindow(0, 24 * 3600))
    visit = opt.Visit(opt.VisitKind.JOB, 36000, 36000, 37800, 600, 10_000, job_id="P1", lateness_s=late_s)
    route = opt.Route("T50", (visit,), 35400, 38400, 600, 10_000, 1200, 20_000, 3000, 0)
    solution = opt.Solution(
        opt.SolveStatus.FEASIBLE, (route,), (), opt.ObjectiveBreakdown(), opt.SolveStats()
    )
    return problem, solution


def test_a_p1_served_late_frees_the_frozen_visits_of_the_three_nearest_able_technicians() -> None:
    """T10, T30 and T40 let their frozen visits go (T20 lacks the skill); a P1 in time frees nobody."""
    frozen = {t: (f"J-{t}",) for t in ("T10", "T20", "T30", "T40", "T50")}
    problem, late = _day_around_a_p1(late_s=600)
    assert giving_way_to(problem, late, frozen) == {t: frozen[t] for t in ("T20", "T50")}
    problem, in_time = _day_around_a_p1(late_s=0)
    assert giving_way_to(problem, in_time, frozen) == frozen


def _held_up_behind(priority: int, due_s: int, told_h: float | None = 9.0) -> opt.Problem:
    """T1 is frozen on a three-hour visit at 08:00 and then a visit of ``priority`` due ``due_s``, whose
    customer was told half an hour from ``told_h`` (before the visit ran long; ``None``: not told yet)."""
    here = opt.Location.at(45.0, 5.0)
    told = None if told_h is None else opt.TimeWindow(int(told_h * 3600), int(told_h * 3600) + 1800)
    jobs = (
        opt.Job("LONG", here, 3 * 3600, priority=3),
        opt.Job("NEXT", opt.Location.at(45.0, 5.05), 1800, priority=priority, sla_due_s=due_s, promised=told),
    )
    shift = opt.TimeWindow(8 * 3600, 17 * 3600)
    technicians = (opt.Technician("T1", here, shift), opt.Technician("T2", here, shift))
    return opt.Problem(technicians, jobs, opt.TimeWindow(0, 24 * 3600))


def test_a_frozen_head_is_cut_before_an_urgent_visit_it_now_makes_late() -> None:
    """The P2 after an overrun would start past its aim and after the time its customer was told: it is
    freed for another technician, what comes before it stays; so is one whose customer has not been told
    a window yet. A P3 as late, a P2 still in time, or one late but as told (nothing has changed for its
    customer) stays frozen."""
    frozen = {"T1": ("LONG", "NEXT")}
    assert keepable(_held_up_behind(2, due_s=10 * 3600), QUICK, frozen) == {"T1": ("LONG",)}
    assert keepable(_held_up_behind(2, due_s=10 * 3600, told_h=None), QUICK, frozen) == {"T1": ("LONG",)}
    assert keepable(_held_up_behind(3, due_s=10 * 3600, told_h=None), QUICK, frozen) == frozen
    assert keepable(_held_up_behind(2, due_s=12 * 3600, told_h=None), QUICK, frozen) == frozen
    assert keepable(_held_up_behind(3, due_s=10 * 3600), QUICK, frozen) == frozen
    assert keepable(_held_up_behind(2, due_s=12 * 3600), QUICK, frozen) == frozen
    assert keepable(_held_up_behind(2, due_s=10 * 3600, told_h=11.0), QUICK, frozen) == frozen
