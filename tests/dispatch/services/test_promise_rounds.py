"""Rounds of promises run by the service: over the days under way, one process at a time, on a timer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from dispatch.domain.plans import Plan
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.persistence.leases import claim_round
from dispatch.persistence.repositories.arrival_promises import ArrivalPromiseRepository
from dispatch.services.promise_rounds import PromiseRounds, days_under_way, promise_round
from tests.dispatch.services.small_day import DAY, publish_small_day

MID_MORNING = datetime(2026, 3, 10, 16, tzinfo=UTC)


@pytest.fixture
def morning_plan(engine: Engine) -> Iterator[Plan]:
    yield publish_small_day(engine)


def _promised(engine: Engine) -> int:
    with session_scope(make_session_factory(engine)) as session:
        return len(ArrivalPromiseRepository(session).on_day(DAY))


def test_the_days_under_way_are_today_somewhere_in_the_country() -> None:
    late_evening_utc = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # still the 10th in New York
    assert days_under_way(late_evening_utc) == [date(2026, 3, 9), DAY, date(2026, 3, 11)]


def test_a_round_tells_the_days_under_way_and_a_second_round_tells_nobody_again(
    morning_plan: Plan, engine: Engine
) -> None:
    factory = make_session_factory(engine)
    first = promise_round(factory, MID_MORNING)
    assert first is not None and first.promised >= 3
    assert _promised(engine) == first.promised
    again = promise_round(factory, MID_MORNING)
    assert again is not None and again.retold == 0, "nobody is told a second window"


@pytest.mark.postgis
def test_only_one_process_runs_a_round_at_a_time(morning_plan: Plan, engine: Engine) -> None:
    factory = make_session_factory(engine)
    with session_scope(factory) as holder:
        assert claim_round(holder)
        assert promise_round(factory, MID_MORNING) is None, "another process holds this round"
    assert promise_round(factory, MID_MORNING) is not None


def test_the_service_runs_rounds_on_its_timer(morning_plan: Plan, engine: Engine) -> None:
    rounds = PromiseRounds(make_session_factory(engine), lambda: MID_MORNING, timedelta(seconds=0.2))
    rounds.start()
    try:
        deadline = time.monotonic() + 20
        while _promised(engine) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        rounds.stop()
    assert _promised(engine) >= 3
