"""The rest of the day starts each technician when they are free, to the second and never before it."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import Engine

from dispatch.domain.plans import Plan, PlannedRoute
from dispatch.domain.progress import ReportKind
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.services.plan_day import plan_day
from dispatch.services.plan_edits import unassign_job
from dispatch.services.plan_problem import PlanningProblem
from dispatch.services.progress import ReportRequest, report_progress
from dispatch.services.rest_of_day import load_live_day, rest_of_day
from tests.dispatch.services.small_day import DAY, QUICK, publish_small_day


@pytest.fixture(scope="module")
def morning_plan(engine: Engine) -> Plan:
    return publish_small_day(engine)


def _live_through(engine: Engine, route: PlannedRoute, done_at: datetime) -> tuple[PlanningProblem, Plan]:
    """Report the route's first job set off for, reached on time and finished at ``done_at``; the rest of
    the day's problem then, and the day planned again."""
    first = next(v for v in route.visits if v.job_id is not None)
    assert first.job_id is not None
    reports = (
        (ReportKind.EN_ROUTE, first.arrival - timedelta(seconds=first.travel_s)),
        (ReportKind.ARRIVED, first.start),
        (ReportKind.COMPLETED, done_at),
    )
    with session_scope(make_session_factory(engine)) as session:
        for kind, at in reports:
            request = ReportRequest(f"{kind}-{first.job_id}", first.job_id, kind, None, None)
            report_progress(session, technician_id=route.technician_id, request=request, now=at)
        live = load_live_day(session, DAY, done_at)
        planning = rest_of_day(live).planning
        again = plan_day(live, params=QUICK, now=done_at).plan
        session.rollback()
    return planning, again


def _assert_no_visit_overlaps_another(plan: Plan) -> None:
    for route in plan.routes:
        visits = [v for v in sorted(route.visits, key=lambda v: v.start) if v.start < v.end]
        for before, after in pairwise(visits):
            assert after.start >= before.end, (route.technician_id, before, after)


def test_a_visit_finished_within_a_second_is_followed_only_once_it_has_ended(
    engine: Engine, morning_plan: Plan
) -> None:
    """Reports carry fractions of a second; the re-plan resumes the technician at the next whole second,
    so the next visit never begins before the one just finished has ended (the no-overlap rule)."""
    route = next(r for r in morning_plan.routes if len(r.job_ids) >= 2 and r.visits[0].job_id is not None)
    done_at = route.visits[0].end + timedelta(microseconds=530_000)
    planning, again = _live_through(engine, route, done_at)
    technician = next(t for t in planning.problem.technicians if t.id == route.technician_id)
    assert planning.instant(technician.shift.start_s) >= done_at
    _assert_no_visit_overlaps_another(again)


def test_a_technician_the_plan_has_not_sent_out_is_free_from_now_not_from_their_shift_start(
    engine: Engine, morning_plan: Plan
) -> None:
    """Two hours into the day, a technician whose only visit was taken off waits at home: the rest of the
    day starts them now, so nothing is planned in the past. One following a begun route with nothing
    reported yet is where the plan has them (reports can lag)."""
    idle = next(r for r in morning_plan.routes if len(r.job_ids) == 1)
    busy = next(r for r in morning_plan.routes if len(r.job_ids) >= 3 and r.start <= idle.start)
    now = idle.start + timedelta(hours=2)
    with session_scope(make_session_factory(engine)) as session:
        unassign_job(session, DAY, job_id=idle.job_ids[0], now=idle.start - timedelta(hours=1))
        planning = rest_of_day(load_live_day(session, DAY, now)).planning
        session.rollback()
    shifts = {t.id: t.shift.start_s for t in planning.problem.technicians}
    assert planning.instant(shifts[idle.technician_id]) == now
    assert planning.instant(shifts[busy.technician_id]) <= busy.start
