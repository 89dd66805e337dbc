"""Which reports ask for a better plan of the day: a long delay, an early finish, a visit not completed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dispatch.domain.plan_jobs import IMPROVEMENT_SCOPE, PlanJobStatus
from dispatch.domain.plans import Plan
from dispatch.domain.progress import ReportKind
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.services.planning import plan_and_publish
from dispatch.services.progress import ReportRequest, report_progress
from dispatch.services.report_replans import replan_after_report
from dispatch.services.rest_of_day import load_live_day
from tests.dispatch.services.small_day import DAY, QUICK, publish_small_day


@pytest.fixture(scope="module")
def planned(engine: Engine) -> Iterator[Plan]:
    yield publish_small_day(engine)


def _asks(session: Session, plan: Plan, kind: ReportKind, *, late: int | None = None, early: int = 0) -> bool:
    route = next(r for r in plan.routes if r.job_ids)
    visit = next(v for v in route.visits if v.job_id is not None)
    assert visit.job_id is not None
    now = visit.end - timedelta(minutes=early)
    search = replan_after_report(
        session, job_id=visit.job_id, kind=kind, late_by_min=late, now=now, time_limit_s=5, requested_by=None
    )
    if search is not None:
        assert search.only_if_better and search.status is PlanJobStatus.QUEUED
    return search is not None


@pytest.mark.parametrize(
    ("kind", "late", "early", "asks"),
    [
        (ReportKind.RUNNING_LATE, 20, 0, True),
        (ReportKind.RUNNING_LATE, 10, 0, False),
        (ReportKind.COMPLETED, None, 45, True),
        (ReportKind.COMPLETED, None, 5, False),
        (ReportKind.NOT_COMPLETED, None, 0, True),
        (ReportKind.ARRIVED, None, 0, False),
    ],
)
def test_only_reports_that_change_the_rest_of_the_day_ask_for_a_better_plan(
    planned: Plan, session: Session, kind: ReportKind, late: int | None, early: int, asks: bool
) -> None:
    """A delay of 15 minutes or more, finishing 30 minutes early or more, or a visit not completed."""
    assert _asks(session, planned, kind, late=late, early=early) is asks


def test_a_search_already_waiting_is_not_asked_for_twice(planned: Plan, session: Session) -> None:
    """A second long delay while the first search waits adds none: it will start from the same facts."""
    assert _asks(session, planned, ReportKind.RUNNING_LATE, late=30)
    assert not _asks(session, planned, ReportKind.RUNNING_LATE, late=40)
    assert IMPROVEMENT_SCOPE.startswith("+")


def _kept_times(session: Session, technician_id: str, now: datetime) -> tuple[datetime, datetime]:
    visit = load_live_day(session, DAY, now).state.started[technician_id].kept[-1]
    return visit.arrival, visit.end


@pytest.mark.parametrize("on_site", [False, True], ids=["on the way", "on site"])
def test_a_delay_counts_once_however_often_the_day_is_planned_again(engine: Engine, on_site: bool) -> None:
    """Forty minutes late on the way (or over on site) is forty minutes: each re-plan publishes the delay
    into the plan, and reading the minutes again against that plan would push the visit later each time."""
    plan = publish_small_day(engine)
    route = next(r for r in plan.routes if r.job_ids)
    visit = next(v for v in route.visits if v.job_id is not None)
    assert visit.job_id is not None
    now = visit.start + timedelta(minutes=5) if on_site else visit.arrival - timedelta(seconds=visit.travel_s)
    kinds = [ReportKind.EN_ROUTE, *([ReportKind.ARRIVED] if on_site else []), ReportKind.RUNNING_LATE]
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        for kind in kinds:
            late = 40 if kind is ReportKind.RUNNING_LATE else None
            request = ReportRequest(uuid.uuid4().hex, visit.job_id, kind, late_by_min=late)
            report_progress(session, technician_id=route.technician_id, request=request, now=now)
    expected = (visit.end if on_site else visit.arrival) + timedelta(minutes=40)
    for replan in range(3):
        with session_scope(factory) as session:
            arrival, end = _kept_times(session, route.technician_id, now)
            assert (end if on_site else arrival) == expected, f"after {replan} re-plans"
            plan_and_publish(session, DAY, params=QUICK, now=now + timedelta(minutes=replan))
