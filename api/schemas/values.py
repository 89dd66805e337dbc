"""Value types of request and response fields, each saying in the OpenAPI schema what it accepts.

The schema is meant to be the truth: lengths match the storage columns, text never carries NUL
characters, dates and instants are ISO 8601 text within 2000-2100, and times of day are ``HH:MM``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
)

from api.schemas.base import RequestModel
from dispatch.domain.geo import GeoPoint
from dispatch.domain.weekly_hours import WeeklyHours

_NO_NUL = r"^[^\x00]*$"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _text(min_length: int, max_length: int) -> StringConstraints:
    return StringConstraints(min_length=min_length, max_length=max_length, pattern=_NO_NUL)


RecordId = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
"""An id chosen by the provider, such as ``CUST-0001``: letters, digits, ``.``, ``_``, ``-``."""

Name = Annotated[str, _text(1, 200)]
Address = Annotated[str, _text(1, 300)]
City = Annotated[str, _text(1, 120)]
Category = Annotated[str, _text(0, 80)]
Region = Annotated[str, _text(0, 80)]
Phone = Annotated[str, _text(0, 40)]
ShortText = Annotated[str, _text(0, 200)]
Text = Annotated[str, _text(0, 4000)]
SearchText = Annotated[str, _text(1, 200)]
"""Part of a name to search for, any case."""


def _refuse_booleans(value: Any) -> Any:
    """JSON ``true`` is not the number 1: a boolean where a number belongs is a mistake."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not a boolean")
    return value


WholeNumber = Annotated[int, BeforeValidator(_refuse_booleans)]
Number = Annotated[float, BeforeValidator(_refuse_booleans)]
Quantity = Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(_refuse_booleans)]
SkillLevel = Annotated[int, Field(ge=1, le=5), BeforeValidator(_refuse_booleans)]


# --- dates, instants and times of day -------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")


def _iso_text(pattern: re.Pattern[str], example: str) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, str) and not pattern.match(value):
            raise ValueError(f"expected ISO 8601 text such as {example!r}")
        if not isinstance(value, str | date):
            raise ValueError(f"expected ISO 8601 text such as {example!r}")
        return value

    return BeforeValidator(check)


def _within_years(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"the year must be within {FIRST_YEAR}-{LAST_YEAR}")
    return value


def _instant_within_years(value: datetime) -> datetime:
    _within_years(value.date())
    return value


_YEARS = r"(20\d\d|2100)"
Day = Annotated[
    date,
    _iso_text(_ISO_DATE, "2026-11-26"),
    AfterValidator(_within_years),
    Field(json_schema_extra={"pattern": rf"^{_YEARS}-\d\d-\d\d$"}),
]
"""A calendar day, ``YYYY-MM-DD``, within 2000-2100."""

Instant = Annotated[
    AwareDatetime,
    _iso_text(_ISO_INSTANT, "2026-11-26T15:00:00Z"),
    AfterValidator(_instant_within_years),
    Field(description="ISO 8601 with a UTC offset, within the years 2000-2100."),
]
"""An instant with its UTC offset, within 2000-2100."""

ClockText = Annotated[
    str,
    StringConstraints(pattern=_CLOCK.pattern),
    Field(description="Local time of day, HH:MM (or HH:MM:SS)."),
]


def clock_time(text: str) -> time:
    """``HH:MM`` or ``HH:MM:SS`` as a time of day."""
    return time.fromisoformat(text)


def clock_text(moment: time) -> str:
    """A time of day as ``HH:MM``, with seconds only when there are some."""
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


# --- places -------------------------------------------------------------------------------------


@cache
def _time_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _known_time_zone(name: str) -> str:
    if name not in _time_zones():
        raise ValueError(f"{name!r} is not an IANA time zone such as 'America/Chicago'")
    return name


TimeZoneName = Annotated[
    str,
    AfterValidator(_known_time_zone),
    Field(description="An IANA time zone name.", json_schema_extra={"enum": list(_time_zones())}),
]


def _weekly_hours_text(text: str) -> str:
    return WeeklyHours.parse(text).describe()


WeeklyHoursText = Annotated[
    str,
    _text(1, 500),
    AfterValidator(_weekly_hours_text),
    Field(description="Weekly hours such as 'mon-fri 08:00-18:00; sat 09:00-13:00', '24x7' or 'closed'."),
]

UsState = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="Two-letter state code, e.g. IL.")]
ZipCode = Annotated[str, Field(pattern=r"^[0-9]{5}(-[0-9]{4})?$", description="US ZIP code.")]


class GeoPointIn(RequestModel):
    """A WGS 84 position in degrees."""

    lat: Number = Field(ge=-90, le=90)
    lon: Number = Field(ge=-180, le=180)

    def to_domain(self) -> GeoPoint:
        return GeoPoint(lat=self.lat, lon=self.lon)


class GeoPointOut(BaseModel):
    lat: float
    lon: float

    @classmethod
    def of(cls, point: GeoPoint) -> GeoPointOut:
        return cls(lat=point.lat, lon=point.lon)


# --- stock ----------------------------------------------------------------------------------------


class StockLine(BaseModel):
    """How many of one part a van or depot holds."""

    sku: str
    quantity: int


class StockChange(RequestModel):
    quantity: Quantity


def stock_lines(stock: dict[str, int]) -> list[StockLine]:
    return [StockLine(sku=sku, quantity=quantity) for sku, quantity in sorted(stock.items())]
