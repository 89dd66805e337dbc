"""Technicians: who can do what, when they work, where they start, what their van carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from dispatch.domain.catalogue import check_level, check_quantity
from dispatch.domain.errors import DomainError
from dispatch.domain.geo import GeoPoint


@dataclass(frozen=True, slots=True)
class LunchBreak:
    """A break of ``duration`` that must start between ``earliest`` and ``latest`` (local time)."""

    earliest: time
    latest: time
    duration: timedelta

    def __post_init__(self) -> None:
        if self.latest < self.earliest:
            raise DomainError("a break's latest start is before its earliest start")
        if self.duration <= timedelta(0):
            raise DomainError("a break must have a positive duration")


@dataclass(frozen=True, slots=True)
class Shift:
    """Working hours of one weekday, local time at the technician's home base."""

    start: time
    end: time
    lunch: LunchBreak | None = None

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise DomainError(f"shift end {self.end} is not after start {self.start}")


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """A weekly shift pattern (0 = Monday; ``None`` = day off) plus dated exceptions."""

    weekly: tuple[Shift | None, ...]
    exceptions: dict[date, Shift | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise DomainError("a working calendar needs exactly 7 weekdays")

    def shift_on(self, day: date) -> Shift | None:
        """The shift worked on ``day``, or ``None`` for a day off (exceptions win)."""
        if day in self.exceptions:
            return self.exceptions[day]
        return self.weekly[day.weekday()]


@dataclass(frozen=True, slots=True)
class Technician:
    """A field engineer: skills at levels 1..5, a home base, a calendar and a van's stock."""

    id: str
    name: str
    home: GeoPoint
    home_address: str
    timezone: str
    region: str
    skills: dict[str, int]
    calendar: WorkingCalendar
    van_stock: dict[str, int] = field(default_factory=dict)
    email: str = ""
    phone: str = ""

    def __post_init__(self) -> None:
        for skill, level in self.skills.items():
            check_level(level)
            if not skill:
                raise DomainError(f"technician {self.id}: empty skill code")
        for quantity in self.van_stock.values():
            check_quantity(quantity)

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else ""


@dataclass(frozen=True, slots=True)
class Depot:
    """A stores location holding spare parts that technicians can collect."""

    id: str
    name: str
    address: str
    location: GeoPoint
    timezone: str
    stock: dict[str, int] = field(default_factory=dict)
    opening_hours_start: time = time(7, 0)
    opening_hours_end: time = time(19, 0)

    def __post_init__(self) -> None:
        for quantity in self.stock.values():
            check_quantity(quantity)
