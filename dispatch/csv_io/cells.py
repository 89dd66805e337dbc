"""How each kind of value is written in a CSV cell, and read back with a message a person can act on.

Parsers take the raw cell text and raise ``ValueError`` whose message is shown next to the file, line and
column. Formatters are their exact inverses, so an export reads back to equal values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dispatch.domain.catalogue import MAX_SKILL_LEVEL
from dispatch.domain.errors import DomainError
from dispatch.domain.weekly_hours import WEEKDAY_NAMES, WeeklyHours

Parser = Callable[[str], object]


class Weekday(StrEnum):
    """Weekday names as ``WeeklyHours.describe`` writes them; ``index`` is 0 for Monday."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def number(self) -> int:
        return WEEKDAY_NAMES.index(self.value)


def parse_text(text: str) -> str:
    """Free text is kept exactly as written."""
    return text


def parse_yes_no(text: str) -> bool:
    """``yes`` or ``no`` (``true``/``false`` too), in any case."""
    cleaned = text.strip().lower()
    if cleaned in ("yes", "true"):
        return True
    if cleaned in ("no", "false"):
        return False
    raise ValueError(f"{text.strip()!r} is not yes or no")


def format_yes_no(value: bool) -> str:
    return "yes" if value else "no"


def parse_code(text: str) -> str:
    """Identifiers and codes: surrounding spaces are a spreadsheet accident, not part of the id."""
    return text.strip()


_FLAGS = {"yes": True, "true": True, "no": False, "false": False}


def parse_flag(text: str) -> bool:
    try:
        return _FLAGS[text.strip().lower()]
    except KeyError:
        raise ValueError(f"{text!r} is not yes or no") from None


def format_flag(value: bool) -> str:
    return "yes" if value else "no"


def parse_int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a whole number") from None


def parse_level(text: str) -> int:
    level = parse_int(text)
    if not 1 <= level <= MAX_SKILL_LEVEL:
        raise ValueError(f"{level} is not a skill level (1..{MAX_SKILL_LEVEL})")
    return level


def parse_quantity(text: str) -> int:
    quantity = parse_int(text)
    if quantity < 0:
        raise ValueError(f"{quantity} is a negative quantity")
    return quantity


def parse_positive_quantity(text: str) -> int:
    quantity = parse_quantity(text)
    if quantity == 0:
        raise ValueError("a required quantity must be at least 1")
    return quantity


def parse_cost(text: str) -> int:
    """A planner cost: a whole number of cost units (one unit weighs as much as a second of driving)."""
    cost = parse_int(text)
    if cost < 0:
        raise ValueError(f"{cost} is a negative cost")
    return cost


def _parse_float(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text.strip()!r} is not a finite number")
    return value


def parse_latitude(text: str) -> float:
    value = _parse_float(text)
    if not -90.0 <= value <= 90.0:
        raise ValueError(f"{text.strip()} is not a latitude (-90..90)")
    return value


def parse_longitude(text: str) -> float:
    value = _parse_float(text)
    if not -180.0 <= value <= 180.0:
        raise ValueError(f"{text.strip()} is not a longitude (-180..180)")
    return value


def format_float(value: float) -> str:
    """``repr`` is the shortest text that reads back to the very same float."""
    return repr(value)


def parse_minutes(text: str) -> timedelta:
    """Durations are whole minutes, which every spreadsheet keeps as plain numbers."""
    minutes = parse_int(text)
    if minutes <= 0:
        raise ValueError(f"{minutes} minutes: a duration must be positive")
    return timedelta(minutes=minutes)


def format_minutes(value: timedelta) -> str:
    if value % timedelta(minutes=1):
        raise ValueError(f"duration {value} is not a whole number of minutes, which the CSV layout records")
    return str(value // timedelta(minutes=1))


def parse_usd_cents(text: str) -> int:
    """Money as dollars with at most two decimals (``12.50``), kept as whole cents."""
    try:
        amount = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{text.strip()!r} is not an amount in dollars, such as 12.50") from None
    if not amount.is_finite() or amount * 100 != (amount * 100).to_integral_value():
        raise ValueError(f"{text.strip()!r} is not an amount in dollars and cents, such as 12.50")
    if amount < 0:
        raise ValueError(f"{text.strip()} is a negative amount")
    return int(amount * 100)


def format_usd_cents(cents: int) -> str:
    return f"{Decimal(cents).scaleb(-2):.2f}"


def parse_instant(text: str) -> datetime:
    """An ISO 8601 date and time that must carry its UTC offset, so it names one instant."""
    cleaned = text.strip()
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(
            f"{cleaned!r} is not an ISO 8601 date and time, such as 2026-03-02T09:00:00-05:00"
        ) from None
    if value.tzinfo is None:
        raise ValueError(f"{cleaned} has no UTC offset; write it like 2026-03-02T09:00:00-05:00")
    return value


def format_instant(value: datetime) -> str:
    return value.isoformat()


def parse_day(text: str) -> date:
    cleaned = text.strip()
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"{cleaned!r} is not a date in the form YYYY-MM-DD") from None


def format_day(value: date) -> str:
    return value.isoformat()


def parse_clock_time(text: str) -> time:
    cleaned = text.strip()
    try:
        value = time.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"{cleaned!r} is not a time of day in the form HH:MM") from None
    if value.tzinfo is not None:
        raise ValueError(f"{cleaned} is a local time of day and takes no UTC offset")
    return value


def format_clock_time(value: time) -> str:
    return value.isoformat(timespec="minutes" if not (value.second or value.microsecond) else "auto")


@cache
def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse_time_zone(text: str) -> str:
    cleaned = text.strip()
    if not _is_time_zone(cleaned):
        raise ValueError(f"{cleaned!r} is not an IANA time zone name, such as America/Chicago")
    return cleaned


def parse_weekly_hours(text: str) -> WeeklyHours:
    try:
        return WeeklyHours.parse(text)
    except DomainError as error:
        raise ValueError(f"{error}; write hours like 'mon-fri 08:00-18:00; sat 09:00-13:00'") from None


def format_weekly_hours(value: WeeklyHours) -> str:
    """The ``describe`` form, shortened for people: ``24x7``, runs of equal days as ``mon-fri``, ``24:00``."""
    if value.is_always:
        return "24x7"
    groups: list[tuple[int, int, str]] = []
    for day, hours in enumerate(value.days):
        spans = ",".join(f"{format_clock_time(h.start)}-{_end_of_span(h.end)}" for h in hours)
        if groups and groups[-1][2] == spans and groups[-1][1] == day - 1:
            groups[-1] = (groups[-1][0], day, spans)
        else:
            groups.append((day, day, spans))
    parts = [
        f"{WEEKDAY_NAMES[first]}{'' if first == last else '-' + WEEKDAY_NAMES[last]} {spans}"
        for first, last, spans in groups
        if spans
    ]
    return "; ".join(parts) if parts else "closed"


def enum_parser(kind: type[StrEnum]) -> Parser:
    """A parser accepting exactly the enum's values, and listing them when the cell holds something else."""
    allowed = ", ".join(member.value for member in kind)

    def parse(text: str) -> StrEnum:
        cleaned = text.strip()
        try:
            return kind(cleaned)
        except ValueError:
            raise ValueError(f"{cleaned!r} is not one of: {allowed}") from None

    return parse


def _end_of_span(end: time) -> str:
    """Midnight closing a span is written ``24:00``, so ``00:00-24:00`` reads as the whole day."""
    return "24:00" if end == time(0) else format_clock_time(end)
