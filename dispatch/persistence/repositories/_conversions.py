"""Domain values to storage values and back: times of day and durations as whole seconds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time, timedelta
from typing import Any

from sqlalchemy.engine import RowMapping

from dispatch.domain.errors import DomainError
from dispatch.domain.weekly_hours import DailyHours, WeeklyHours
from dispatch.persistence.models import SECONDS_PER_DAY


def seconds_of_day(moment: time) -> int:
    """Whole seconds after midnight; the schema keeps no fractions of a second."""
    if moment.microsecond:
        raise DomainError(f"time {moment} has a fraction of a second; whole seconds are stored")
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def end_of_interval_s(moment: time) -> int:
    """Like ``seconds_of_day``, but ``00:00`` closing an interval means midnight at the day's end."""
    return SECONDS_PER_DAY if moment == time(0) else seconds_of_day(moment)


def time_of_day(seconds: int) -> time:
    """The time ``seconds`` after midnight; 86400 is midnight again."""
    seconds %= SECONDS_PER_DAY
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


def whole_seconds(duration: timedelta) -> int:
    """A duration as whole seconds; fractions are refused rather than silently dropped."""
    if duration.microseconds:
        raise DomainError(f"duration {duration} has a fraction of a second; whole seconds are stored")
    return int(duration.total_seconds())


def weekly_hours_rows(hours: WeeklyHours, **owner: Any) -> list[dict[str, Any]]:
    """One row per open interval, keyed by ``owner`` columns, weekday and position."""
    return [
        {
            **owner,
            "weekday": weekday,
            "position": position,
            "start_s": seconds_of_day(interval.start),
            "end_s": end_of_interval_s(interval.end),
        }
        for weekday, intervals in enumerate(hours.days)
        for position, interval in enumerate(intervals)
    ]


def weekly_hours_from_rows(rows: Sequence[RowMapping]) -> WeeklyHours:
    """Rebuild weekly hours from rows ordered by weekday and position."""
    days: list[list[DailyHours]] = [[] for _ in range(7)]
    for row in rows:
        days[row["weekday"]].append(DailyHours(time_of_day(row["start_s"]), time_of_day(row["end_s"])))
    return WeeklyHours(days=tuple(tuple(day) for day in days))
