"""The freeze horizon: a re-plan keeps each working technician's next visit, and nothing before the day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, update

from dispatch.domain.plans import Plan
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.persistence.models import JobRow
from dispatch.services.freeze import frozen_visits, keepable
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
    planned to start within the horizon stay first on their technicians' routes, in order."""
    engine, _ = morning_plan
    ahead = timedelta(hours=2)
    with session_scope(make_session_factory(engine)) as session:
        jobs = JobRow.__table__
        session.execute(update(jobs).values(duration_s=jobs.c.duration_s * 3 // 2))
        live = load_live_day(session, DAY, MID_MORNING)
        rest = rest_of_day(live)
        heads = keepable(rest.planning.problem, QUICK, frozen_visits(live, rest, ahead))
        again = plan_day(live, params=QUICK, freeze=ahead).plan
        session.rollback()
    assert sum(len(h) for h in heads.values()) >= 5, "several visits lie within the horizon"
    routes = {r.technician_id: r.job_ids for r in again.routes}
    for technician_id, head in heads.items():
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
