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

    @classmethod
    def parse(cls, text: str) -> WeeklyHours:
        """Read back what ``describe`` writes; people may also type ``24x7`` or ``mon-fri 08:00-18:00``.

        ``24:00`` is accepted as midnight at the day's end. Raises ``DomainError`` naming the bad part.
        """
        cleaned = text.strip().lower()
        if cleaned == "closed":
            return cls()
        if cleaned == "24x7":
            return cls.always()
        days: list[list[DailyHours]] = [[] for _ in WEEKDAY_NAMES]
        for part in (p.strip() for p in cleaned.split(";")):
            day_text, _, spans_text = part.partition(" ")
            if not spans_text.strip():
                raise DomainError(f"{part!r} is not a day with hours, such as 'mon-fri 08:00-18:00'")
            for day in _parse_day_range(day_text):
                days[day].extend(_parse_span(span.strip()) for span in spans_text.split(","))
        return cls(days=tuple(tuple(hours) for hours in days))

    def describe(self) -> str:
        """Compact text such as ``mon-fri 08:00-18:00`` used in CSV files and summaries."""
        parts = []
        for name, hours in zip(WEEKDAY_NAMES, self.days, strict=True):
            if hours:
                spans = ",".join(f"{h.start:%H:%M}-{h.end:%H:%M}" for h in hours)
                parts.append(f"{name} {spans}")
        return "; ".join(parts) if parts else "closed"


def _parse_day_range(text: str) -> range:
    """``mon`` or ``mon-fri`` as weekday numbers (0 = Monday)."""
    first, _, last = text.partition("-")
    try:
        start = WEEKDAY_NAMES.index(first)
        end = WEEKDAY_NAMES.index(last) if last else start
    except ValueError:
        raise DomainError(f"{text!r} is not a weekday or range such as 'mon-fri'") from None
    if end < start:
        raise DomainError(f"weekday range {text!r} runs backwards")
    return range(start, end + 1)


def _parse_span(text: str) -> DailyHours:
    """``08:00-18:00`` as an interval; ``24:00`` means midnight at the day's end."""
    start_text, _, end_text = text.partition("-")
    try:
        start = time.fromisoformat(start_text)
        end = time(0) if end_text == "24:00" else time.fromisoformat(end_text)
    except ValueError:
        raise DomainError(f"{text!r} is not a span of hours such as '08:00-18:00'") from None
    return DailyHours(start, end)
