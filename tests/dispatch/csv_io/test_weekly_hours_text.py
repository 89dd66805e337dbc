"""Weekly hours as text: what ``describe`` and the CSV files write reads back to the same hours."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.csv_io.cells import format_weekly_hours, parse_weekly_hours
from dispatch.domain.errors import DomainError
from dispatch.domain.weekly_hours import DailyHours, WeeklyHours


@st.composite
def weekly_hours(draw: st.DrawFn) -> WeeklyHours:
    """Up to two ordered spans per day on a quarter-hour grid; an end of 24:00 is midnight."""
    days = []
    for _ in range(7):
        marks = sorted(draw(st.sets(st.integers(0, 96), max_size=4)))
        marks = marks[: len(marks) // 2 * 2]
        spans = []
        for start, end in zip(marks[::2], marks[1::2], strict=True):
            end_time = time(0) if end == 96 else time(end // 4, end % 4 * 15)
            spans.append(DailyHours(time(start // 4, start % 4 * 15), end_time))
        days.append(tuple(spans))
    return WeeklyHours(days=tuple(days))


@given(weekly_hours())
def test_describe_reads_back(hours: WeeklyHours) -> None:
    """WeeklyHours.parse inverts WeeklyHours.describe."""
    assert WeeklyHours.parse(hours.describe()) == hours


@given(weekly_hours())
def test_csv_form_reads_back(hours: WeeklyHours) -> None:
    """The shortened CSV form (24x7, mon-fri, 24:00) reads back to the same hours."""
    assert parse_weekly_hours(format_weekly_hours(hours)) == hours


def test_short_forms_people_type() -> None:
    """24x7, closed, day ranges and several spans a day are understood."""
    assert WeeklyHours.parse("24x7") == WeeklyHours.always()
    assert WeeklyHours.parse(" Closed ") == WeeklyHours()
    split = (DailyHours(time(8), time(12)), DailyHours(time(13), time(17)))
    assert WeeklyHours.parse("mon-fri 08:00-12:00,13:00-17:00").days == (split,) * 5 + ((), ())
    assert format_weekly_hours(WeeklyHours.weekdays(time(8), time(18))) == "mon-fri 08:00-18:00"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("mon", "not a day with hours"),
        ("funday 08:00-09:00", "not a weekday"),
        ("fri-mon 08:00-09:00", "runs backwards"),
        ("mon 8am-5pm", "not a span of hours"),
        ("mon 18:00-08:00", "is not after start"),
    ],
)
def test_bad_text_is_refused_with_a_reason(text: str, fragment: str) -> None:
    """Unreadable hours raise a DomainError saying what is wrong."""
    with pytest.raises(DomainError, match=fragment):
        WeeklyHours.parse(text)
