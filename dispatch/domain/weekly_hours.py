"""Opening hours that repeat every week, in a place's local time.

Used for SLA coverage (when the clock runs), site access hours and technicians' shift patterns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from dispatch.domain.errors import DomainError

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class DailyHours:
    """One open interval of a day, local time; ``end`` of ``time(0)`` means midnight at the day's end."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end != time(0) and self.end <= self.start:
            raise DomainError(f"hours end {self.end} is not after start {self.start}")


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """For each weekday (0 = Monday), its open intervals, sorted and not overlapping."""

    days: tuple[tuple[DailyHours, ...], ...] = field(default_factory=lambda: ((),) * 7)

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise DomainError("weekly hours need exactly 7 days")

    @classmethod
    def always(cls) -> WeeklyHours:
        """Open around the clock, every day."""
        return cls(days=tuple((DailyHours(time(0), time(0)),) for _ in range(7)))

    @classmethod
    def weekdays(cls, start: time, end: time, *, saturday: DailyHours | None = None) -> WeeklyHours:
        """Monday to Friday from ``start`` to ``end`` (and optionally Saturday hours)."""
        day = (DailyHours(start, end),)
        sat: tuple[DailyHours, ...] = (saturday,) if saturday else ()
        return cls(days=(day, day, day, day, day, sat, ()))

    @property
    def is_always(self) -> bool:
        return self == WeeklyHours.always()

    def describe(self) -> str:
        """Compact text such as ``mon-fri 08:00-18:00`` used in CSV files and summaries."""
        parts = []
        for name, hours in zip(WEEKDAY_NAMES, self.days, strict=True):
            if hours:
                spans = ",".join(f"{h.start:%H:%M}-{h.end:%H:%M}" for h in hours)
                parts.append(f"{name} {spans}")
        return "; ".join(parts) if parts else "closed"
