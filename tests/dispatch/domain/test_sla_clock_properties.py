"""Properties of SLA clocks over random coverage, zones, states and instants (hypothesis).

Coverage boundaries are on whole hours, where "covered" has one meaning whether read on the clock
or in elapsed time; US clocks change at 02:00, so whole hours never fall inside a repeated hour.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.domain.contracts import Coverage, Priority, SlaPolicy, SlaTarget
from dispatch.domain.sla_clock import add_covered_time, covered_time_between, ticket_due_times
from dispatch.domain.weekly_hours import DailyHours, WeeklyHours

US_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
)
STATES = (None, "CA", "TX", "NY", "IL", "FL", "WA")

zones = st.sampled_from(US_ZONES)
states = st.sampled_from(STATES)
instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)
)
durations = st.integers(min_value=0, max_value=100 * 3600).map(lambda s: timedelta(seconds=s))
positive_durations = durations.filter(lambda d: d > timedelta(0))


def _day_hours(boundaries: list[int]) -> tuple[DailyHours, ...]:
    """Pairs of sorted whole hours (24 meaning midnight at the day's end) as open intervals."""
    ordered = sorted(boundaries)
    return tuple(
        DailyHours(time(start), time(0) if end == 24 else time(end))
        for start, end in zip(ordered[0::2], ordered[1::2], strict=False)
    )


day_hours = st.lists(st.integers(min_value=0, max_value=24), unique=True, max_size=4).map(_day_hours)
weekly_hours = (
    st.tuples(*[day_hours] * 7).map(lambda days: WeeklyHours(days=days)).filter(lambda w: any(w.days))
)
coverages = st.one_of(
    st.just(Coverage()),
    st.just(Coverage(holiday_country="US")),
    st.builds(Coverage, hours=weekly_hours, holiday_country=st.sampled_from([None, "US"])),
    st.just(Coverage(hours=WeeklyHours.weekdays(time(8), time(18)), holiday_country="US")),
)


def is_covered_on_the_clock(instant: datetime, coverage: Coverage, tz: str, state: str | None) -> bool:
    """An independent reading: the site's clock shows an open hour of a day that is not a holiday."""
    reading = instant.astimezone(ZoneInfo(tz))
    if coverage.holiday_country is not None:
        calendar = holidays.country_holidays(coverage.holiday_country, subdiv=state, years=reading.year)
        if reading.date() in calendar:
            return False
    clock = reading.time().replace(tzinfo=None)
    for hours in coverage.hours.days[reading.weekday()]:
        closes_at_midnight = hours.end == time(0)
        if hours.start <= clock and (closes_at_midnight or clock < hours.end):
            return True
    return False


@settings(deadline=None)
@given(opened=instants, duration=durations, coverage=coverages, tz=zones, state=states)
def test_due_time_never_falls_in_uncovered_hours(
    opened: datetime, duration: timedelta, coverage: Coverage, tz: str, state: str | None
) -> None:
    """The due time is inside a covered interval or at its end, and never earlier than plain addition."""
    due = add_covered_time(opened, duration, coverage, tz, state)
    last_counted = due if duration == timedelta(0) else due - timedelta(microseconds=1)
    assert is_covered_on_the_clock(last_counted, coverage, tz, state)
    assert due >= opened + duration


@settings(deadline=None)
@given(
    opened=instants,
    later_by=st.integers(min_value=0, max_value=14 * 24 * 3600).map(lambda s: timedelta(seconds=s)),
    duration=durations,
    coverage=coverages,
    tz=zones,
    state=states,
)
def test_due_time_is_monotone_in_opened_at(
    opened: datetime, later_by: timedelta, duration: timedelta, coverage: Coverage, tz: str, state: str | None
) -> None:
    """A ticket opened later is never due earlier."""
    earlier_due = add_covered_time(opened, duration, coverage, tz, state)
    later_due = add_covered_time(opened + later_by, duration, coverage, tz, state)
    assert earlier_due <= later_due


@settings(deadline=None)
@given(opened=instants, duration=durations, tz=zones, state=states)
def test_24x7_without_holidays_is_plain_addition(
    opened: datetime, duration: timedelta, tz: str, state: str | None
) -> None:
    """Round-the-clock cover without holidays adds elapsed time, whatever the zone or its changes."""
    assert add_covered_time(opened, duration, Coverage(), tz, state) == opened + duration


@settings(deadline=None)
@given(opened=instants, duration=durations, coverage=coverages, tz=zones, state=states)
def test_covered_time_between_undoes_add_covered_time(
    opened: datetime, duration: timedelta, coverage: Coverage, tz: str, state: str | None
) -> None:
    """The covered time from the start to the due time is exactly the duration that was added."""
    due = add_covered_time(opened, duration, coverage, tz, state)
    assert covered_time_between(opened, due, coverage, tz, state) == duration


@settings(deadline=None)
@given(opened=instants, first=durations, second=durations, coverage=coverages, tz=zones, state=states)
def test_adding_in_two_steps_equals_adding_once(
    opened: datetime, first: timedelta, second: timedelta, coverage: Coverage, tz: str, state: str | None
) -> None:
    """Pausing the count at an intermediate due time and resuming it changes nothing."""
    in_two_steps = add_covered_time(
        add_covered_time(opened, first, coverage, tz, state), second, coverage, tz, state
    )
    assert in_two_steps == add_covered_time(opened, first + second, coverage, tz, state)


@settings(deadline=None)
@given(
    opened=instants,
    response=positive_durations,
    extra=durations,
    priority=st.sampled_from(list(Priority)),
    coverage=coverages,
    tz=zones,
    state=states,
)
def test_response_is_never_due_after_resolution(
    opened: datetime,
    response: timedelta,
    extra: timedelta,
    priority: Priority,
    coverage: Coverage,
    tz: str,
    state: str | None,
) -> None:
    """A ticket's response is due no later than its resolution, and neither before it was opened."""
    target = SlaTarget(response=response, resolution=response + extra)
    policy = SlaPolicy(tier="Any", targets=dict.fromkeys(Priority, target), coverage=coverage)
    due = ticket_due_times(opened, priority, policy, tz, state)
    assert opened <= due.response_due <= due.resolution_due
