"""SLA clocks on hand-checked examples: business hours, holidays, daylight-saving changes, risk."""

from __future__ import annotations

import time as wall_timer
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dispatch.domain.contracts import Coverage, Priority, SlaPolicy, SlaTarget
from dispatch.domain.errors import DomainError
from dispatch.domain.sla_clock import (
    SlaRisk,
    add_covered_time,
    covered_time_between,
    sla_risk,
    ticket_due_times,
)
from dispatch.domain.weekly_hours import DailyHours, WeeklyHours

CHICAGO = "America/Chicago"
NEW_YORK = "America/New_York"
LOS_ANGELES = "America/Los_Angeles"
BUSINESS_HOURS = WeeklyHours.weekdays(time(8), time(18))
BUSINESS_COVER = Coverage(hours=BUSINESS_HOURS)
BUSINESS_COVER_US = Coverage(hours=BUSINESS_HOURS, holiday_country="US")
ALWAYS = Coverage()


def local(tz: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware datetime on the clocks of ``tz``."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def silver_policy() -> SlaPolicy:
    hours = timedelta(hours=1)
    return SlaPolicy(
        tier="Silver",
        targets={
            Priority.P1: SlaTarget(response=1 * hours, resolution=4 * hours),
            Priority.P2: SlaTarget(response=1 * hours, resolution=4 * hours),
            Priority.P3: SlaTarget(response=4 * hours, resolution=10 * hours),
            Priority.P4: SlaTarget(response=10 * hours, resolution=20 * hours),
        },
        coverage=BUSINESS_COVER_US,
    )


def test_p2_opened_friday_evening_is_due_monday_late_morning() -> None:
    """The issue's example: P2 opened Friday 17:30, Mon-Fri 08-18 cover, 4 h resolution: Monday 11:30."""
    opened = local(CHICAGO, 2026, 6, 5, 17, 30)
    due = ticket_due_times(opened, Priority.P2, silver_policy(), CHICAGO, "IL")
    assert due.resolution_due == local(CHICAGO, 2026, 6, 8, 11, 30)
    assert due.response_due == local(CHICAGO, 2026, 6, 8, 8, 30)


def test_due_times_are_utc() -> None:
    """Due times come back as aware instants in UTC whatever the site's zone."""
    due = ticket_due_times(
        local(LOS_ANGELES, 2026, 6, 3, 9, 0), Priority.P3, silver_policy(), LOS_ANGELES, "CA"
    )
    assert due.response_due.tzinfo is UTC
    assert due.resolution_due.tzinfo is UTC
    assert due.response_due == local(LOS_ANGELES, 2026, 6, 3, 13, 0)
    assert due.resolution_due == local(LOS_ANGELES, 2026, 6, 4, 9, 0)


def test_clock_started_in_uncovered_time_starts_at_next_opening() -> None:
    """A ticket opened on Saturday starts its clock at Monday 08:00."""
    due = add_covered_time(local(CHICAGO, 2026, 6, 6, 10, 0), timedelta(hours=3), BUSINESS_COVER, CHICAGO)
    assert due == local(CHICAGO, 2026, 6, 8, 11, 0)


def test_zero_duration_in_uncovered_time_is_the_next_opening() -> None:
    """With nothing to count, the clock still only stands at a covered instant."""
    due = add_covered_time(local(CHICAGO, 2026, 6, 5, 19, 0), timedelta(0), BUSINESS_COVER, CHICAGO)
    assert due == local(CHICAGO, 2026, 6, 8, 8, 0)


def test_due_exactly_at_close_stays_at_close() -> None:
    """Two hours from Friday 16:00 is Friday 18:00, not Monday 08:00."""
    due = add_covered_time(local(CHICAGO, 2026, 6, 5, 16, 0), timedelta(hours=2), BUSINESS_COVER, CHICAGO)
    assert due == local(CHICAGO, 2026, 6, 5, 18, 0)


def test_split_day_hours_skip_the_lunch_gap() -> None:
    """Cover of 08-12 and 13-17 counts no time over lunch."""
    split_day = (DailyHours(time(8), time(12)), DailyHours(time(13), time(17)))
    coverage = Coverage(hours=WeeklyHours(days=(split_day,) * 5 + ((), ())))
    due = add_covered_time(local(CHICAGO, 2026, 6, 1, 11, 0), timedelta(hours=2), coverage, CHICAGO)
    assert due == local(CHICAGO, 2026, 6, 1, 14, 0)


def test_thanksgiving_is_skipped() -> None:
    """Wednesday 25 Nov 2026 16:00 plus 8 h of cover is Friday 27 Nov 14:00: Thanksgiving does not count."""
    opened = local(CHICAGO, 2026, 11, 25, 16, 0)
    due = add_covered_time(opened, timedelta(hours=8), BUSINESS_COVER_US, CHICAGO)
    assert due == local(CHICAGO, 2026, 11, 27, 14, 0)


def test_without_a_holiday_calendar_thanksgiving_counts() -> None:
    """The same ticket without holidays is due Thursday 14:00."""
    opened = local(CHICAGO, 2026, 11, 25, 16, 0)
    due = add_covered_time(opened, timedelta(hours=8), BUSINESS_COVER, CHICAGO)
    assert due == local(CHICAGO, 2026, 11, 26, 14, 0)


def test_texas_also_skips_the_friday_after_thanksgiving() -> None:
    """A Texas site keeps its state holiday the day after Thanksgiving, so it is due Monday 14:00."""
    opened = local(CHICAGO, 2026, 11, 25, 16, 0)
    due = add_covered_time(opened, timedelta(hours=8), BUSINESS_COVER_US, CHICAGO, "TX")
    assert due == local(CHICAGO, 2026, 11, 30, 14, 0)


def test_cesar_chavez_day_is_skipped_in_california_only() -> None:
    """Tuesday 31 March 2026 is a holiday for a California site but an ordinary day for a New York one."""
    two_hours = timedelta(hours=2)
    california = add_covered_time(
        local(LOS_ANGELES, 2026, 3, 30, 17, 0), two_hours, BUSINESS_COVER_US, LOS_ANGELES, "CA"
    )
    new_york = add_covered_time(
        local(NEW_YORK, 2026, 3, 30, 17, 0), two_hours, BUSINESS_COVER_US, NEW_YORK, "NY"
    )
    assert california == local(LOS_ANGELES, 2026, 4, 1, 9, 0)
    assert new_york == local(NEW_YORK, 2026, 3, 31, 9, 0)


def test_24x7_across_spring_change_is_plain_addition() -> None:
    """48 h of 24x7 cover over the March change in New York ends 48 real hours later, 13:00 EDT."""
    opened = local(NEW_YORK, 2026, 3, 7, 12, 0)
    due = add_covered_time(opened, timedelta(hours=48), ALWAYS, NEW_YORK)
    assert due == opened.astimezone(UTC) + timedelta(hours=48)
    assert due != opened + timedelta(hours=48), "wall-clock addition would be an hour off"
    assert due.astimezone(ZoneInfo(NEW_YORK)).replace(tzinfo=None) == datetime(2026, 3, 9, 13, 0)


def test_24x7_across_autumn_change_is_plain_addition() -> None:
    """48 h of 24x7 cover over the November change in New York ends 48 real hours later, 11:00 EST."""
    opened = local(NEW_YORK, 2026, 10, 31, 12, 0)
    due = add_covered_time(opened, timedelta(hours=48), ALWAYS, NEW_YORK)
    assert due == opened.astimezone(UTC) + timedelta(hours=48)
    assert due != opened + timedelta(hours=48), "wall-clock addition would be an hour off"
    assert due.astimezone(ZoneInfo(NEW_YORK)).replace(tzinfo=None) == datetime(2026, 11, 2, 11, 0)


@pytest.mark.parametrize(
    ("opened", "expected_wall"),
    [
        (datetime(2026, 3, 6, 17, 0), datetime(2026, 3, 9, 11, 0)),
        (datetime(2026, 10, 30, 17, 0), datetime(2026, 11, 2, 11, 0)),
    ],
)
def test_business_hours_over_change_weekend_end_at_right_wall_time(
    opened: datetime, expected_wall: datetime
) -> None:
    """Friday 17:00 plus 4 h of weekday cover is Monday 11:00 on the local clock, either side of a change."""
    zone = ZoneInfo(NEW_YORK)
    due = add_covered_time(opened.replace(tzinfo=zone), timedelta(hours=4), BUSINESS_COVER, NEW_YORK)
    assert due.astimezone(zone).replace(tzinfo=None) == expected_wall


@pytest.mark.parametrize(
    ("sunday", "real_hours"),
    [(datetime(2026, 3, 8), 5), (datetime(2026, 11, 1), 7), (datetime(2026, 6, 7), 6)],
)
def test_covered_span_across_a_change_counts_its_true_length(sunday: datetime, real_hours: int) -> None:
    """Sunday 00:00-06:00 cover holds 5 real hours on the spring change, 7 on the autumn one, else 6."""
    zone = ZoneInfo(NEW_YORK)
    night = WeeklyHours(days=((),) * 6 + ((DailyHours(time(0), time(6)),),))
    coverage = Coverage(hours=night)
    start = sunday.replace(tzinfo=zone) - timedelta(days=1)
    covered = covered_time_between(start, start + timedelta(days=3), coverage, NEW_YORK)
    assert covered == timedelta(hours=real_hours)


def test_opening_time_skipped_by_spring_change_opens_at_the_change() -> None:
    """Cover from 02:30 on the spring-change Sunday, a time the clock never shows, opens at 03:00 EDT."""
    zone = ZoneInfo(NEW_YORK)
    early = WeeklyHours(days=((),) * 6 + ((DailyHours(time(2, 30), time(4)),),))
    start = datetime(2026, 3, 7, 12, 0, tzinfo=zone)
    due = add_covered_time(start, timedelta(minutes=30), Coverage(hours=early), NEW_YORK)
    assert due.astimezone(zone).replace(tzinfo=None) == datetime(2026, 3, 8, 3, 30)


def test_covered_time_between_counts_only_cover() -> None:
    """Friday 17:00 to Monday 09:00 holds 2 covered hours of weekday cover."""
    start = local(CHICAGO, 2026, 6, 5, 17, 0)
    end = local(CHICAGO, 2026, 6, 8, 9, 0)
    assert covered_time_between(start, end, BUSINESS_COVER, CHICAGO) == timedelta(hours=2)


def test_covered_time_between_is_zero_for_empty_or_reversed_ranges() -> None:
    """An end at or before the start has no covered time."""
    start = local(CHICAGO, 2026, 6, 3, 10, 0)
    assert covered_time_between(start, start, ALWAYS, CHICAGO) == timedelta(0)
    assert covered_time_between(start, start - timedelta(hours=1), ALWAYS, CHICAGO) == timedelta(0)


def test_long_holiday_weekend_is_walked_by_days() -> None:
    """A P4 next-business-day target over Christmas lands on Monday; ten thousand covered hours stay fast."""
    opened = local(CHICAGO, 2026, 12, 24, 17, 0)
    due = add_covered_time(opened, timedelta(hours=10), BUSINESS_COVER_US, CHICAGO, "IL")
    assert due == local(CHICAGO, 2026, 12, 28, 17, 0)
    started = wall_timer.perf_counter()
    far = add_covered_time(opened, timedelta(hours=10_000), BUSINESS_COVER_US, CHICAGO, "IL")
    elapsed = wall_timer.perf_counter() - started
    assert covered_time_between(opened, far, BUSINESS_COVER_US, CHICAGO, "IL") == timedelta(hours=10_000)
    assert elapsed < 1.0, f"10,000 covered hours took {elapsed:.2f} s"


def test_coverage_without_open_hours_is_refused() -> None:
    """A coverage that never opens raises instead of looping forever."""
    closed = Coverage(hours=WeeklyHours())
    with pytest.raises(DomainError, match="no open hours"):
        add_covered_time(local(CHICAGO, 2026, 6, 1, 9, 0), timedelta(hours=1), closed, CHICAGO)
    with pytest.raises(DomainError, match="no open hours"):
        covered_time_between(local(CHICAGO, 2026, 6, 1), local(CHICAGO, 2026, 6, 2), closed, CHICAGO)


def test_naive_start_is_refused() -> None:
    """A start without a time zone is ambiguous and refused."""
    with pytest.raises(DomainError, match="time zone"):
        add_covered_time(datetime(2026, 6, 1, 9, 0), timedelta(hours=1), ALWAYS, CHICAGO)


def test_negative_duration_is_refused() -> None:
    """A clock cannot run backwards."""
    with pytest.raises(DomainError, match="negative"):
        add_covered_time(local(CHICAGO, 2026, 6, 1, 9, 0), timedelta(hours=-1), ALWAYS, CHICAGO)


def test_unknown_time_zone_is_refused() -> None:
    """A site zone that is not an IANA name is a domain error."""
    with pytest.raises(DomainError, match="unknown time zone"):
        add_covered_time(local(CHICAGO, 2026, 6, 1, 9, 0), timedelta(hours=1), ALWAYS, "Central Time")


def test_unknown_state_is_refused() -> None:
    """A subdivision the holiday calendar does not know is a domain error naming it."""
    with pytest.raises(DomainError, match="US-ZZ"):
        add_covered_time(
            local(CHICAGO, 2026, 6, 1, 9, 0), timedelta(hours=1), BUSINESS_COVER_US, CHICAGO, "ZZ"
        )


def test_risk_is_breached_at_and_after_due() -> None:
    """A ticket is breached from the due instant on."""
    due = local(CHICAGO, 2026, 6, 3, 12, 0)
    threshold = timedelta(hours=1)
    assert sla_risk(due, due, BUSINESS_COVER, CHICAGO, None, threshold=threshold) is SlaRisk.BREACHED
    later = due + timedelta(minutes=1)
    assert sla_risk(later, due, BUSINESS_COVER, CHICAGO, None, threshold=threshold) is SlaRisk.BREACHED


def test_risk_counts_covered_time_left_not_wall_time() -> None:
    """Friday 17:00 with Monday 09:00 due has 2 covered hours left: at risk under 3 h, on track under 1 h."""
    now = local(CHICAGO, 2026, 6, 5, 17, 0)
    due = local(CHICAGO, 2026, 6, 8, 9, 0)
    at_risk = sla_risk(now, due, BUSINESS_COVER, CHICAGO, None, threshold=timedelta(hours=3))
    on_track = sla_risk(now, due, BUSINESS_COVER, CHICAGO, None, threshold=timedelta(hours=1))
    assert at_risk is SlaRisk.AT_RISK
    assert on_track is SlaRisk.ON_TRACK


def test_risk_threshold_is_exclusive() -> None:
    """Exactly the threshold left is still on track; a minute less is at risk."""
    now = local(CHICAGO, 2026, 6, 3, 10, 0)
    due = local(CHICAGO, 2026, 6, 3, 12, 0)
    two_hours = timedelta(hours=2)
    assert sla_risk(now, due, BUSINESS_COVER, CHICAGO, None, threshold=two_hours) is SlaRisk.ON_TRACK
    nearer = now + timedelta(minutes=1)
    assert sla_risk(nearer, due, BUSINESS_COVER, CHICAGO, None, threshold=two_hours) is SlaRisk.AT_RISK


def test_negative_risk_threshold_is_refused() -> None:
    """An at-risk threshold below zero is a configuration mistake."""
    now = local(CHICAGO, 2026, 6, 3, 10, 0)
    with pytest.raises(DomainError, match="threshold"):
        sla_risk(now, now + timedelta(hours=1), ALWAYS, CHICAGO, None, threshold=timedelta(minutes=-5))
