"""The board's standby panel: who covers which part of each standby agreement, and the gaps, in words.

The plan view carries the cover as segments (``PlanDayView.standby``); the dispatcher reads it as lines in
the board's time zone, with each gap and why, so a guarantee about to be broken is seen beside the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dispatch.domain.standby import StandbyCoverSegment


@dataclass(frozen=True, slots=True)
class CoverLine:
    """One part of an agreement's period: who covers it (empty for a gap), when, and why not."""

    who: str
    when: str
    gap: bool
    reason: str


@dataclass(frozen=True, slots=True)
class StandbyPanel:
    agreement_id: str
    terms: str
    """What the customer bought, in words: site, skills, response time."""
    lines: tuple[CoverLine, ...]

    @property
    def gaps(self) -> int:
        return sum(1 for line in self.lines if line.gap)


def standby_panels(
    segments: Iterable[StandbyCoverSegment],
    names: Mapping[str, str],
    terms: Mapping[str, str],
    tz: ZoneInfo,
) -> list[StandbyPanel]:
    """The segments grouped by agreement with its ``terms``, in order, each a line in ``tz`` naming the
    technician."""
    by_agreement: dict[str, list[CoverLine]] = {}
    for segment in sorted(segments, key=lambda s: (s.agreement_id, s.start)):
        who = "" if segment.technician_id is None else names.get(segment.technician_id, segment.technician_id)
        if segment.technician_id is not None and who != segment.technician_id:
            who = f"{who} ({segment.technician_id})"
        by_agreement.setdefault(segment.agreement_id, []).append(
            CoverLine(who, span_words(segment, tz), segment.is_gap, segment.reason)
        )
    return [
        StandbyPanel(agreement, terms.get(agreement, ""), tuple(lines))
        for agreement, lines in by_agreement.items()
    ]


def span_words(segment: StandbyCoverSegment, tz: ZoneInfo) -> str:
    """``Sat 08:00 – Sun 08:00 EST``: both ends with their weekday, in ``tz``."""
    start, end = segment.start.astimezone(tz), segment.end.astimezone(tz)
    return f"{start:%a %H:%M} – {end:%a %H:%M} {end:%Z}"
