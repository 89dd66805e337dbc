"""SLA clocks stopped while a ticket waits on the customer: due times moved by the covered time paused.

The clock only runs during covered hours, so only covered time spent paused moves a due time: a pause
over a weekend outside coverage moves nothing. A pause that starts once a due time has passed leaves it
where it is (the target was already missed, waiting afterwards cannot undo that). A pause still open
counts up to ``now``: the due time the ticket would have if the customer answered now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatch.domain.contracts import Coverage
from dispatch.domain.errors import DomainError
from dispatch.domain.sla_clock import SlaDueTimes, add_covered_time, covered_time_between

PauseSpan = tuple[datetime, datetime | None]
"""When a pause began and when it ended (``None``: not yet)."""


@dataclass(frozen=True, slots=True)
class PausedDueTimes:
    """Due times moved by the pauses, and how much time the pauses took (covered and on the wall clock)."""

    due: SlaDueTimes
    paused_covered: timedelta
    paused_wall: timedelta


def closed_spans(pauses: Iterable[PauseSpan], now: datetime) -> list[tuple[datetime, datetime]]:
    """The pauses as ``[start, end)`` spans in time order, open ones ended at ``now``, overlaps merged."""
    spans: list[tuple[datetime, datetime]] = []
    for paused_at, resumed_at in pauses:
        end = now if resumed_at is None else resumed_at
        if end < paused_at:
            raise DomainError(
                f"a pause cannot end ({end.isoformat()}) before it began ({paused_at.isoformat()})"
            )
        if end > paused_at:
            spans.append((paused_at, end))
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def due_after_pauses(
    due: datetime,
    pauses: Iterable[PauseSpan],
    now: datetime,
    coverage: Coverage,
    tz: str,
    subdivision: str | None = None,
) -> datetime:
    """``due`` moved later by the covered time of every pause that began before it fell due."""
    for start, end in closed_spans(pauses, now):
        if start >= due:
            break
        paused = covered_time_between(start, end, coverage, tz, subdivision)
        if paused > timedelta(0):
            due = add_covered_time(due, paused, coverage, tz, subdivision)
    return due


def paused_due_times(
    due: SlaDueTimes,
    pauses: Iterable[PauseSpan],
    now: datetime,
    coverage: Coverage,
    tz: str,
    subdivision: str | None = None,
) -> PausedDueTimes:
    """Both due times of a ticket after its pauses, with the time paused in total."""
    spans = closed_spans(pauses, now)
    covered = sum(
        (covered_time_between(start, end, coverage, tz, subdivision) for start, end in spans), timedelta(0)
    )
    return PausedDueTimes(
        due=SlaDueTimes(
            response_due=due_after_pauses(due.response_due, spans, now, coverage, tz, subdivision),
            resolution_due=due_after_pauses(due.resolution_due, spans, now, coverage, tz, subdivision),
        ),
        paused_covered=covered,
        paused_wall=sum((end - start for start, end in spans), timedelta(0)),
    )
