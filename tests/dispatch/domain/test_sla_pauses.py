"""Pauses of the SLA clock: worked examples and properties (hypothesis) over random coverage and pauses."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.domain.contracts import Coverage
from dispatch.domain.errors import DomainError
from dispatch.domain.sla_clock import SlaDueTimes, add_covered_time, covered_time_between
from dispatch.domain.sla_pauses import closed_spans, due_after_pauses, paused_due_times
from dispatch.domain.weekly_hours import WeeklyHours
from tests.dispatch.domain.test_sla_clock_properties import coverages, instants, states, zones

NY = "America/New_York"
OFFICE = Coverage(hours=WeeklyHours.weekdays(time(8), time(18)), holiday_country="US")


def _ny(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=ZoneInfo(NY))


def test_a_covered_pause_moves_the_due_time_by_its_length() -> None:
    """Two office hours paused on a Tuesday push a Tuesday 17:00 due time to Wednesday 09:00."""
    due = _ny(2026, 3, 10, 17)
    moved = due_after_pauses(due, [(_ny(2026, 3, 10, 9), _ny(2026, 3, 10, 11))], _ny(2026, 3, 12), OFFICE, NY)
    assert moved == _ny(2026, 3, 11, 9)


def test_a_weekend_pause_outside_coverage_moves_nothing() -> None:
    """Waiting from Friday evening to Monday morning costs no office hours, so the Monday due time stays."""
    due = _ny(2026, 3, 9, 12)
    pause = (_ny(2026, 3, 6, 18), _ny(2026, 3, 9, 8))
    assert due_after_pauses(due, [pause], _ny(2026, 3, 9, 9), OFFICE, NY) == due


def test_only_the_covered_part_of_a_pause_counts() -> None:
    """Friday 16:00 to Monday 10:00 is four office hours (two on Friday, two on Monday)."""
    due = _ny(2026, 3, 9, 12)
    pause = (_ny(2026, 3, 6, 16), _ny(2026, 3, 9, 10))
    assert due_after_pauses(due, [pause], _ny(2026, 3, 9, 11), OFFICE, NY) == _ny(2026, 3, 9, 16)


def test_a_pause_after_the_due_time_leaves_it_missed() -> None:
    """Waiting on the customer once the target has passed does not give the time back."""
    due = _ny(2026, 3, 10, 10)
    pause = (_ny(2026, 3, 10, 11), _ny(2026, 3, 10, 15))
    assert due_after_pauses(due, [pause], _ny(2026, 3, 11), OFFICE, NY) == due


def test_an_open_pause_counts_until_now() -> None:
    """Still waiting since 09:00 at 12:00: the due time is three covered hours later, for now."""
    due = _ny(2026, 3, 10, 14)
    moved = due_after_pauses(due, [(_ny(2026, 3, 10, 9), None)], _ny(2026, 3, 10, 12), OFFICE, NY)
    assert moved == _ny(2026, 3, 10, 17)


def test_overlapping_pauses_count_once_and_both_targets_move() -> None:
    """Pauses 09:00-11:00 and 10:00-12:00 are three hours, reported on both due times and in total."""
    due = SlaDueTimes(response_due=_ny(2026, 3, 10, 13), resolution_due=_ny(2026, 3, 11, 13))
    pauses = [(_ny(2026, 3, 10, 9), _ny(2026, 3, 10, 11)), (_ny(2026, 3, 10, 10), _ny(2026, 3, 10, 12))]
    result = paused_due_times(due, pauses, _ny(2026, 3, 12), OFFICE, NY)
    assert result.due == SlaDueTimes(response_due=_ny(2026, 3, 10, 16), resolution_due=_ny(2026, 3, 11, 16))
    assert result.paused_covered == timedelta(hours=3) == result.paused_wall


def test_a_pause_ending_before_it_began_is_refused() -> None:
    """A span whose end precedes its start is a data error, named as such."""
    with pytest.raises(DomainError, match="before it began"):
        closed_spans([(_ny(2026, 3, 10, 12), _ny(2026, 3, 10, 11))], _ny(2026, 3, 11))


hours_s = st.integers(min_value=0, max_value=10 * 24 * 3600).map(lambda s: timedelta(seconds=s))
pause_lists = st.lists(st.tuples(hours_s, st.one_of(st.none(), hours_s)), max_size=4)


def _spans(
    opened: datetime, offsets: list[tuple[timedelta, timedelta | None]]
) -> list[tuple[datetime, datetime | None]]:
    return [
        (opened + start, None if length is None else opened + start + length) for start, length in offsets
    ]


@settings(deadline=None, max_examples=60)
@given(opened=instants, target=hours_s, offsets=pause_lists, coverage=coverages, tz=zones, state=states)
def test_a_pause_never_brings_a_due_time_earlier(
    opened: datetime,
    target: timedelta,
    offsets: list[tuple[timedelta, timedelta | None]],
    coverage: Coverage,
    tz: str,
    state: str | None,
) -> None:
    """Whatever the pauses, the moved due time is at or after the one without pauses."""
    due = add_covered_time(opened, target, coverage, tz, state)
    now = opened + timedelta(days=12)
    assert due_after_pauses(due, _spans(opened, offsets), now, coverage, tz, state) >= due


@settings(deadline=None, max_examples=60)
@given(opened=instants, target=hours_s, offsets=pause_lists, coverage=coverages, tz=zones, state=states)
def test_the_clock_counts_exactly_the_target_outside_pauses(
    opened: datetime,
    target: timedelta,
    offsets: list[tuple[timedelta, timedelta | None]],
    coverage: Coverage,
    tz: str,
    state: str | None,
) -> None:
    """Covered time from opening to the moved due time, less covered time paused before it, is the target
    (when every pause began before the original due time, so none is ignored as too late)."""
    due = add_covered_time(opened, target, coverage, tz, state)
    now = opened + timedelta(days=12)
    spans = closed_spans(_spans(opened, offsets), now)
    if any(start >= due for start, _ in spans):
        spans = [(start, end) for start, end in spans if start < due]
    moved = due_after_pauses(due, spans, now, coverage, tz, state)
    paused = sum(
        (covered_time_between(start, min(end, moved), coverage, tz, state) for start, end in spans),
        timedelta(0),
    )
    assert covered_time_between(opened, moved, coverage, tz, state) - paused == target


@settings(deadline=None, max_examples=60)
@given(
    week=st.integers(min_value=0, max_value=200),
    due_after=hours_s,
    start_h=st.integers(min_value=0, max_value=47),
    length_h=st.integers(min_value=0, max_value=48),
    tz=zones,
)
def test_a_pause_entirely_outside_coverage_changes_nothing(
    week: int, due_after: timedelta, start_h: int, length_h: int, tz: str
) -> None:
    """A pause that lies within a weekend, outside weekday office cover, leaves the due time where it was."""
    saturday = datetime(2024, 1, 6, tzinfo=ZoneInfo(tz)) + timedelta(weeks=week)
    start = saturday + timedelta(hours=start_h)
    end = min(start + timedelta(hours=length_h), saturday + timedelta(hours=48))
    coverage = Coverage(hours=WeeklyHours.weekdays(time(8), time(18)))
    due = add_covered_time(saturday.astimezone(UTC) - timedelta(days=3), due_after, coverage, tz)
    assert covered_time_between(start, end, coverage, tz) == timedelta(0)
    assert due_after_pauses(due, [(start, end)], end + timedelta(days=30), coverage, tz) == due
