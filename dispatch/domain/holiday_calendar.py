"""Public holidays by country and state: the days an SLA clock under business-hours cover stands still.

The ``holidays`` package knows each country's and each US state's public holidays; building a calendar
costs far more than asking it, so calendars are cached per (country, subdivision, year).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays

from dispatch.domain.errors import DomainError


@lru_cache(maxsize=512)
def holidays_in_year(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    """The public holidays of ``year`` (including observed days) with their names.

    An observed day that falls in another calendar year (New Year's Day observed on 31 December)
    is listed under the year it falls in, as the ``holidays`` package lists it.
    """
    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError as error:
        where = f"{country}-{subdivision}" if subdivision else country
        raise DomainError(f"no public holiday calendar for {where}: {error}") from error
    return MappingProxyType({day: name for day, name in calendar.items() if day.year == year})


def holiday_name(day: date, country: str | None, subdivision: str | None = None) -> str | None:
    """The holiday's name if ``day`` is a public holiday there, else ``None`` (always for no country)."""
    if country is None:
        return None
    return holidays_in_year(country, subdivision, day.year).get(day)


def is_holiday(day: date, country: str | None, subdivision: str | None = None) -> bool:
    """Whether ``day`` is a public holiday in ``country`` (and the state ``subdivision``)."""
    return holiday_name(day, country, subdivision) is not None
