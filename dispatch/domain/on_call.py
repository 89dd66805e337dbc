"""On-call duties: who answers a region's 24x7 work outside normal shifts (nights, weekends), at what cost.

A duty is a period, as instants, during which one technician can be called out in one region. Calling a
technician out costs ``call_out_cost`` in the planner's cost units (one unit is one second of driving), on
top of their travel, so an on-call technician is used only for work that must be done then.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from dispatch.domain.errors import DomainError

DEFAULT_CALL_OUT_COST = 7_200
"""A call-out weighs as much as two hours on the road: the planner calls someone out only for work that
cannot wait, never to save a little driving."""


@dataclass(frozen=True, slots=True)
class OnCallDuty:
    """``technician_id`` can be called out in ``region`` from ``starts_at`` until ``ends_at`` (aware)."""

    technician_id: str
    region: str
    starts_at: datetime
    ends_at: datetime
    call_out_cost: int = DEFAULT_CALL_OUT_COST

    def __post_init__(self) -> None:
        who = f"on-call duty of {self.technician_id or '?'}"
        if not self.technician_id:
            raise DomainError("an on-call duty needs a technician")
        if not self.region:
            raise DomainError(f"{who}: a duty covers a region, and none is given")
        for name, value in (("start", self.starts_at), ("end", self.ends_at)):
            if value.tzinfo is None or value.utcoffset() is None:
                raise DomainError(f"{who}: its {name} must carry a time zone (got {value.isoformat()})")
        if self.ends_at <= self.starts_at:
            ends, starts = self.ends_at.isoformat(), self.starts_at.isoformat()
            raise DomainError(f"{who}: ends at {ends}, not after it starts at {starts}")
        if self.call_out_cost < 0:
            raise DomainError(f"{who}: the call-out cost cannot be negative ({self.call_out_cost})")

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether some of the duty lies in ``[start, end)``."""
        return self.starts_at < end and start < self.ends_at


def overlapping_duties(duties: Iterable[OnCallDuty]) -> list[tuple[OnCallDuty, OnCallDuty]]:
    """Pairs of duties of one technician that overlap in time: nobody is on call twice at once."""
    by_technician = sorted(duties, key=lambda d: (d.technician_id, d.starts_at))
    clashes = []
    for _, own in itertools.groupby(by_technician, key=lambda d: d.technician_id):
        for earlier, later in itertools.pairwise(own):
            if later.starts_at < earlier.ends_at:
                clashes.append((earlier, later))
    return clashes
