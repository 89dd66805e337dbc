"""SLA clocks: due times and time left, counted only while the contract's coverage is open.

Coverage is weekly hours in the site's own time zone minus public holidays. The clock walks the
calendar a day at a time, turning each day's covered hours into UTC intervals, so a long holiday
weekend costs a handful of steps and a covered span across a daylight-saving change counts the time
that really passes (24 hours of 24x7 cover across the spring change end 25 hours later on the clock).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from dispatch.domain.contracts import Coverage, Priority, SlaPolicy
from dispatch.domain.errors import DomainError
from dispatch.domain.holiday_calendar import is_holiday
from dispatch.domain.timezones import zone

# No real calendar goes a year without a covered day; past that the coverage is broken, not sparse.
MAX_DAYS_WITHOUT_COVER = 400

_MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class SlaDueTimes:
    """When a ticket must have had a response and a resolution (aware, UTC)."""

    response_due: datetime
    resolution_due: datetime


class SlaRisk(StrEnum):
    """Where a ticket stands against a due time, for dashboards and the daily summary."""

    BREACHED = "breached"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"


def add_covered_time(
    start: datetime,
    duration: timedelta,
    coverage: Coverage,
    tz: str,
    subdivision: str | None = None,
) -> datetime:
    """The instant (UTC) at which ``duration`` of covered time has elapsed after ``start``.

    A clock started outside covered hours starts at the next covered instant. A due time that lands
    exactly at the close of covered hours stays there rather than moving to the next opening.
    """
    _require_aware("start", start)
    if duration < timedelta(0):
        raise DomainError(f"an SLA duration cannot be negative (got {duration})")
    remaining = duration
    for opens, closes in _covered_spans(start, coverage, zone(tz), subdivision):
        span = closes - opens
        if remaining <= span:
            return opens + remaining
        remaining -= span
    raise AssertionError("covered spans never run out")  # pragma: no cover


def covered_time_between(
    start: datetime,
    end: datetime,
    coverage: Coverage,
    tz: str,
    subdivision: str | None = None,
) -> timedelta:
    """Covered time elapsed in ``[start, end)``; zero when ``end`` is not after ``start``."""
    _require_aware("start", start)
    _require_aware("end", end)
    total = timedelta(0)
    if end <= start:
        return total
    for opens, closes in _covered_spans(start, coverage, zone(tz), subdivision):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return total


def ticket_due_times(
    opened_at: datetime,
    priority: Priority,
    policy: SlaPolicy,
    tz: str,
    subdivision: str | None,
) -> SlaDueTimes:
    """Response and resolution due times of a ticket opened at ``opened_at`` at a site in ``tz``."""
    target = policy.target(priority)
    return SlaDueTimes(
        response_due=add_covered_time(opened_at, target.response, policy.coverage, tz, subdivision),
        resolution_due=add_covered_time(opened_at, target.resolution, policy.coverage, tz, subdivision),
    )


def sla_risk(
    now: datetime,
    due: datetime,
    coverage: Coverage,
    tz: str,
    subdivision: str | None,
    *,
    threshold: timedelta,
) -> SlaRisk:
    """BREACHED once ``due`` has passed, AT_RISK when less than ``threshold`` of covered time is left."""
    _require_aware("now", now)
    _require_aware("due", due)
    if threshold < timedelta(0):
        raise DomainError(f"an at-risk threshold cannot be negative (got {threshold})")
    if now >= due:
        return SlaRisk.BREACHED
    if covered_time_between(now, due, coverage, tz, subdivision) < threshold:
        return SlaRisk.AT_RISK
    return SlaRisk.ON_TRACK


def _covered_spans(
    start: datetime, coverage: Coverage, tz: ZoneInfo, subdivision: str | None
) -> Iterator[tuple[datetime, datetime]]:
    """Covered intervals ``[opens, closes)`` in UTC, in time order, none starting before ``start``.

    Endless: callers stop when they have what they need. A coverage with no open hours at all, or one
    whose open days are all holidays for over a year, is refused instead of walking forever.
    """
    if not any(coverage.hours.days):
        raise DomainError("the coverage has no open hours on any weekday, so its SLA clock would never run")
    cursor = start.astimezone(UTC)
    # Start a day early: the local date of ``start`` is not always the day whose hours contain it.
    day = cursor.astimezone(tz).date() - _ONE_DAY
    days_without_cover = 0
    while True:
        covered_today = False
        if not is_holiday(day, coverage.holiday_country, subdivision):
            for hours in sorted(coverage.hours.days[day.weekday()], key=lambda h: h.start):
                opens = max(_utc_instant(day, hours.start, tz), cursor)
                closes = (
                    _utc_instant(day + _ONE_DAY, _MIDNIGHT, tz)
                    if hours.end == _MIDNIGHT
                    else _utc_instant(day, hours.end, tz)
                )
                if closes > opens:
                    covered_today = True
                    yield opens, closes
                    cursor = closes
        days_without_cover = 0 if covered_today else days_without_cover + 1
        if days_without_cover > MAX_DAYS_WITHOUT_COVER:
            raise DomainError(
                f"the coverage has no covered hours for over {MAX_DAYS_WITHOUT_COVER} days after {day}; "
                "check its hours and holiday calendar"
            )
        day += _ONE_DAY


def _utc_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The first instant at which the site's clocks read ``at`` on ``day``, or a later time.

    A time repeated when clocks go back is its first occurrence; a time skipped when clocks go forward
    is the instant of the change itself (02:30 on the spring change in New York is 03:00 EDT). So later
    wall-clock times never map to earlier instants and covered intervals never turn inside out.
    """
    wall = datetime.combine(day, at)
    instant = wall.replace(tzinfo=tz).astimezone(UTC)
    if _reading(instant, tz) == wall:
        return instant
    # Skipped by the change: fold=1 reads it with the new offset (before the change), fold=0 with the
    # old one (after it). Search the whole seconds in between for the change.
    before = int(wall.replace(tzinfo=tz, fold=1).astimezone(UTC).timestamp())
    after = int(instant.timestamp())
    while after - before > 1:
        middle = (before + after) // 2
        if _reading(datetime.fromtimestamp(middle, UTC), tz) >= wall:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)


def _reading(instant: datetime, tz: ZoneInfo) -> datetime:
    """What the clocks in ``tz`` show at ``instant`` (naive wall-clock time)."""
    return instant.astimezone(tz).replace(tzinfo=None)


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(f"{name} must carry a time zone (got naive {value.isoformat()})")
