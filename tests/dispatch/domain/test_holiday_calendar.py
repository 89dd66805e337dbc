"""Public holiday calendars by country and state."""

from __future__ import annotations

from datetime import date

import pytest

from dispatch.domain.errors import DomainError
from dispatch.domain.holiday_calendar import holiday_name, holidays_in_year, is_holiday


def test_federal_holiday_is_known_everywhere() -> None:
    """Thanksgiving 2026 is a holiday for the whole country and for any state."""
    assert is_holiday(date(2026, 11, 26), "US")
    assert is_holiday(date(2026, 11, 26), "US", "NY")


def test_state_holiday_depends_on_the_state() -> None:
    """Cesar Chavez Day is a California holiday, not a New York one."""
    assert holiday_name(date(2026, 3, 31), "US", "CA") == "Cesar Chavez Day"
    assert not is_holiday(date(2026, 3, 31), "US", "NY")
    assert not is_holiday(date(2026, 3, 31), "US")


def test_no_country_means_no_holidays() -> None:
    """Without a holiday country, Christmas is an ordinary day."""
    assert not is_holiday(date(2026, 12, 25), None)


def test_observed_day_in_previous_year_is_a_holiday() -> None:
    """New Year's Day 2022 fell on a Saturday and was observed on Friday 31 December 2021."""
    assert holiday_name(date(2021, 12, 31), "US") == "New Year's Day (observed)"
    assert date(2021, 12, 31) not in holidays_in_year("US", None, 2022)


def test_calendars_are_cached_per_country_state_and_year() -> None:
    """Asking twice for one year's calendar builds it once."""
    holidays_in_year.cache_clear()
    holidays_in_year("US", "CA", 2027)
    holidays_in_year("US", "CA", 2027)
    assert holidays_in_year.cache_info().hits == 1
    assert holidays_in_year.cache_info().misses == 1


def test_calendar_cannot_be_changed_by_callers() -> None:
    """The cached calendar is read-only, so one caller cannot corrupt it for the next."""
    calendar = holidays_in_year("US", None, 2026)
    with pytest.raises(TypeError):
        calendar[date(2026, 6, 1)] = "Made up"  # type: ignore[index]


def test_unknown_country_or_state_is_refused() -> None:
    """An unknown country or state is a domain error that names it."""
    with pytest.raises(DomainError, match="XX"):
        is_holiday(date(2026, 1, 1), "XX")
    with pytest.raises(DomainError, match="US-ZZ"):
        is_holiday(date(2026, 1, 1), "US", "ZZ")
