"""Maintenance windows: the working days a visit may be booked on, the site's hours within the provider's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dispatch.domain.contracts import Priority
from dispatch.domain.errors import DomainError
from dispatch.domain.jobs import Job
from dispatch.domain.maintenance import booked_on, booking_windows, is_booked, working_days
from dispatch.domain.weekly_hours import WeeklyHours
from tests.dispatch.persistence.sample_data import SITES

CHICAGO = SITES[0]
CENTRAL = ZoneInfo("America/Chicago")


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), CENTRAL)


def test_working_days_skip_weekends_and_thanksgiving() -> None:
    days = list(working_days(date(2026, 11, 25), 3, state="IL"))
    assert days == [date(2026, 11, 25), date(2026, 11, 27), date(2026, 11, 30)]


def test_windows_are_the_sites_hours_within_the_providers_on_each_working_day() -> None:
    """Chicago opens 07:00-19:00 midweek and 07:00-12:00, 13:00-19:00 on Mondays: the visit may take
    08:00-17:00 on Wednesday and Friday (Thursday is Thanksgiving), and Monday's two spans within it."""
    windows = booking_windows(CHICAGO, date(2026, 11, 25), 3)
    got = [(w.start, w.end) for w in windows]
    assert got == [
        (_at(date(2026, 11, 25), 8), _at(date(2026, 11, 25), 17)),
        (_at(date(2026, 11, 27), 8), _at(date(2026, 11, 27), 17)),
        (_at(date(2026, 11, 30), 8), _at(date(2026, 11, 30), 12)),
        (_at(date(2026, 11, 30), 13), _at(date(2026, 11, 30), 17)),
    ]


def test_a_site_never_open_in_working_hours_is_told() -> None:
    evenings = replace(CHICAGO, access_hours=WeeklyHours.parse("mon-fri 18:00-22:00"))
    with pytest.raises(DomainError, match="not open between 08:00 and 17:00"):
        booking_windows(evenings, date(2026, 11, 25), 5)


def test_booking_keeps_only_the_booked_days_windows() -> None:
    windows = booking_windows(CHICAGO, date(2026, 11, 25), 3)
    job = Job(
        id="J",
        ticket_id="T",
        site_id=CHICAGO.id,
        duration=timedelta(hours=2),
        priority=Priority.P4,
        windows=windows,
    )
    assert not is_booked(job, CHICAGO.timezone)
    monday = booked_on(job, date(2026, 11, 30), CHICAGO.timezone)
    assert [w.start for w in monday] == [_at(date(2026, 11, 30), 8), _at(date(2026, 11, 30), 13)]
    assert is_booked(replace(job, windows=monday), CHICAGO.timezone)
    with pytest.raises(DomainError, match="no window of it falls then"):
        booked_on(job, date(2026, 11, 26), CHICAGO.timezone)
