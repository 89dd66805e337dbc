"""Arrival promises: what a promise does to a visit's windows and its start."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dispatch.domain.jobs import TimeWindow
from dispatch.domain.promises import ANY_TIME_AFTER, ArrivalPromise, begins_at, windows_kept

NINE = datetime(2026, 3, 10, 14, tzinfo=UTC)
PROMISE = ArrivalPromise("J1", date(2026, 3, 10), NINE + timedelta(hours=1), NINE + timedelta(hours=2), NINE)


def test_no_window_opens_before_the_promise_and_windows_closed_by_then_are_dropped() -> None:
    morning = TimeWindow(NINE - timedelta(hours=1), NINE + timedelta(minutes=30))
    day = TimeWindow(NINE, NINE + timedelta(hours=8))
    assert windows_kept([morning, day], PROMISE) == (TimeWindow(PROMISE.opens_at, day.end),)


def test_a_promise_never_widens_the_customers_own_hours() -> None:
    """Told a window after the site has closed (it can happen when a visit runs very late), the site's
    hours stand: the visit's lateness is the promise's to show, not the windows' to hide."""
    closed = TimeWindow(NINE - timedelta(hours=2), NINE)
    assert windows_kept([closed], PROMISE) == (closed,)


def test_a_job_open_at_any_time_opens_when_promised() -> None:
    assert windows_kept([], PROMISE) == (TimeWindow(PROMISE.opens_at, PROMISE.opens_at + ANY_TIME_AFTER),)
    assert windows_kept([], None) == ()


def test_an_early_technician_waits_and_only_a_late_start_breaks_the_promise() -> None:
    early = PROMISE.opens_at - timedelta(minutes=20)
    assert begins_at(early, PROMISE) == PROMISE.opens_at
    assert begins_at(early, None) == early
    assert not PROMISE.broken_by(early)
    assert not PROMISE.broken_by(PROMISE.closes_at), "a forecast still overlapping the promise keeps it"
    assert PROMISE.broken_by(PROMISE.closes_at + timedelta(minutes=5))


def test_a_new_window_told_counts_the_promise_broken() -> None:
    later = PROMISE.retold(
        PROMISE.closes_at, PROMISE.closes_at + timedelta(hours=1), NINE + timedelta(hours=1)
    )
    assert later.times_told == 2 and later.promised_at == NINE + timedelta(hours=1)
    assert later.holds(PROMISE.closes_at + timedelta(minutes=30)) and not later.holds(PROMISE.opens_at)
