"""Planned maintenance: the days a visit may be booked on, and whether it has been booked.

A maintenance visit is not due at a minute, as a repair is: the customer allows a stretch of working days
(for example the next 10), on their site's access hours, within the provider's working hours. The job
carries one window per allowed day; booking it (the week plan) keeps only the booked day's windows, so
the day's planner takes it that day and the customer knows the day ahead.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatch.domain.customers import Site
from dispatch.domain.errors import DomainError
from dispatch.domain.holiday_calendar import is_holiday
from dispatch.domain.jobs import Job, TimeWindow

WORKING_HOURS = (time(8), time(17))
"""The provider's hours for planned work, local to the site: maintenance is booked inside them."""
DEFAULT_WITHIN_WORKING_DAYS = 10
"""How many working days a maintenance visit may be spread over when nothing else is said."""
HOLIDAY_COUNTRY = "US"


def working_days(first: date, count: int, *, state: str | None) -> Iterator[date]:
    """The ``count`` working days (Monday to Friday, not a public holiday of ``state``) from ``first``."""
    if count < 1:
        raise DomainError("a maintenance visit needs at least one working day to be booked on")
    day, found = first, 0
    while found < count:
        if day.weekday() < 5 and not is_holiday(day, HOLIDAY_COUNTRY, state):
            found += 1
            yield day
        day += timedelta(days=1)


def booking_windows(site: Site, first: date, within_working_days: int) -> tuple[TimeWindow, ...]:
    """The windows a maintenance visit at ``site`` may take: each of the next working days from ``first``,
    the site's access hours within the provider's working hours, local to the site."""
    tz = ZoneInfo(site.timezone)
    windows = []
    for day in working_days(first, within_working_days, state=site.state):
        for hours in site.access_hours.days[day.weekday()]:
            start = max(hours.start, WORKING_HOURS[0])
            end = WORKING_HOURS[1] if hours.end == time(0) else min(hours.end, WORKING_HOURS[1])
            if start < end:
                windows.append(TimeWindow(datetime.combine(day, start, tz), datetime.combine(day, end, tz)))
    if not windows:
        raise DomainError(
            f"site {site.id} is not open between {WORKING_HOURS[0]:%H:%M} and {WORKING_HOURS[1]:%H:%M} "
            f"on any of the {within_working_days} working days from {first:%A %Y-%m-%d}"
        )
    return tuple(windows)


def local_days(job: Job, timezone: str) -> list[date]:
    """The local days the job's windows fall on, in order (none: the job has no window)."""
    tz = ZoneInfo(timezone)
    return sorted({w.start.astimezone(tz).date() for w in job.windows})


def is_booked(job: Job, timezone: str) -> bool:
    """Whether the job is tied to one day: its windows all fall on the same local day (or it has none)."""
    return len(local_days(job, timezone)) <= 1


def booked_on(job: Job, day: date, timezone: str) -> tuple[TimeWindow, ...]:
    """The job's windows on ``day`` (local to the site): what it keeps once booked for that day."""
    tz = ZoneInfo(timezone)
    kept = tuple(w for w in job.windows if w.start.astimezone(tz).date() == day)
    if not kept:
        raise DomainError(f"job {job.id} may not be booked on {day:%A %Y-%m-%d}: no window of it falls then")
    return kept
