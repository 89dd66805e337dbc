"""Property: whatever technicians report and dispatchers do, no visit done or under way leaves the plan.

Hypothesis plays random sequences of reports (en route, arrived, completed, could not complete), edits
(take a job out, assign a job to someone) and re-plans of the day on a stored demo day, each sequence in
a transaction rolled back afterwards. After every step the published plan must keep each visit done or
under way on the route of the technician who reported it, once, and place no job twice. Runs on both
back ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import optimizer as opt
from data.demo import DemoConfig, generate_demo
from dispatch.domain.errors import DomainError
from dispatch.domain.jobs import JobStatus
from dispatch.domain.plans import Plan
from dispatch.domain.progress import NotCompletedReason, ReportKind
from dispatch.persistence.repositories import JobRepository, PlanRepository
from dispatch.persistence.repositories.visit_reports import VisitReportRepository
from dispatch.services.day_state import STARTED
from dispatch.services.plan_edits import assign_job, unassign_job
from dispatch.services.planning import plan_and_publish
from dispatch.services.progress import ReportRequest, report_progress
from tests.dispatch.services.small_day import DAY, publish_small_day

QUICK = opt.SolveParams(time_limit_s=0.5, deterministic=True, solution_limit=20)
NEXT_REPORT = {
    JobStatus.PLANNED: ReportKind.EN_ROUTE,
    JobStatus.EN_ROUTE: ReportKind.ARRIVED,
    JobStatus.ON_SITE: ReportKind.COMPLETED,
}
STEP = st.tuples(
    st.sampled_from(["report", "report", "report", "fail", "unassign", "assign", "replan"]),
    st.integers(0, 999),
)


ALL_JOBS = [j.id for j in generate_demo(DemoConfig(seed=5, day=DAY, scale=0.2)).jobs]


@pytest.fixture(scope="module")
def planned_day(engine: Engine) -> Iterator[Engine]:
    """A small demo day stored with its morning plan published."""
    publish_small_day(engine, QUICK)
    yield engine


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=7))
def test_no_visit_done_or_under_way_ever_leaves_the_plan(
    planned_day: Engine, steps: list[tuple[str, int]]
) -> None:
    """After any sequence of reports, edits and re-plans, every visit done or under way stays put."""
    connection = planned_day.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    clock = datetime.combine(DAY, time(13, 0), UTC)
    try:
        for action, pick in steps:
            clock += timedelta(minutes=9)
            try:
                with session.begin_nested():
                    _play(session, action, pick, clock)
            except DomainError:
                pass  # a refused edit or report changes nothing, which the check below also covers
            _check(session)
    finally:
        session.close()
        outer.rollback()
        connection.close()


def _plan(session: Session) -> Plan:
    plan = PlanRepository(session).published(DAY)
    assert plan is not None
    return plan


def _play(session: Session, action: str, pick: int, now: datetime) -> None:
    plan = _plan(session)
    routes = [r for r in plan.routes if r.job_ids]
    jobs = {j.id: j for j in JobRepository(session).get_many(plan.planned_job_ids)}
    if action in ("report", "fail") and routes:
        route = routes[pick % len(routes)]
        open_jobs = [j for j in route.job_ids if jobs[j].status in NEXT_REPORT]
        if not open_jobs:
            return
        job_id = open_jobs[0]
        kind = NEXT_REPORT[jobs[job_id].status]
        reason = None
        if action == "fail" and kind is ReportKind.COMPLETED:
            kind, reason = ReportKind.NOT_COMPLETED, NotCompletedReason.NEEDS_SECOND_VISIT
        request = ReportRequest(str(uuid.uuid4()), job_id, kind, reason=reason)
        report_progress(session, technician_id=route.technician_id, request=request, now=now)
    elif action == "unassign" and plan.planned_job_ids:
        job_id = plan.planned_job_ids[pick % len(plan.planned_job_ids)]
        unassign_job(session, DAY, job_id=job_id, params=QUICK, now=now)
    elif action == "assign" and plan.unplanned and plan.routes:
        job_id = plan.unplanned[pick % len(plan.unplanned)].job_id
        technician_id = plan.routes[pick % len(plan.routes)].technician_id
        assign_job(session, DAY, job_id=job_id, technician_id=technician_id, pin=False, params=QUICK, now=now)
    elif action == "replan":
        plan_and_publish(session, DAY, params=QUICK, now=now)


def _check(session: Session) -> None:
    plan = _plan(session)
    placed = [j for r in plan.routes for j in r.job_ids]
    assert len(placed) == len(set(placed)), "a job is on two routes, or twice on one"
    assert not set(placed) & {u.job_id for u in plan.unplanned}, "a job is both routed and left out"
    holder = {j: r.technician_id for r in plan.routes for j in r.job_ids}
    reported = VisitReportRepository(session).for_jobs(ALL_JOBS)
    started = {
        j.id for j in JobRepository(session).get_many([r.job_id for r in reported]) if j.status in STARTED
    }
    for report in reported:
        if report.job_id in started:
            assert holder.get(report.job_id) == report.technician_id, (
                f"{report.job_id} ({report.kind.value} by {report.technician_id}) is now with "
                f"{holder.get(report.job_id)}"
            )
