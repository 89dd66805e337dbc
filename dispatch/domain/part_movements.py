"""Parts moving during a day: onto a van at a depot pickup, off it at a visit that used them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from dispatch.domain.errors import DomainError


class MovementKind(StrEnum):
    USED = "used"
    """Taken off the van by a completed visit (negative quantity)."""
    PICKED_UP = "picked_up"
    """Taken from a depot onto the van (positive quantity)."""


@dataclass(frozen=True, slots=True)
class PartMovement:
    """One part's movement, signed as the van sees it; ``settled_at`` once applied to the stock tables."""

    id: str
    day: date
    technician_id: str
    sku: str
    quantity: int
    kind: MovementKind
    at: datetime
    job_id: str | None = None
    depot_id: str | None = None
    settled_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise DomainError("a part movement's time must carry a time zone")
        if self.kind is MovementKind.USED and (self.quantity >= 0 or self.job_id is None):
            raise DomainError("a part used leaves the van (negative quantity) at a job")
        if self.kind is MovementKind.PICKED_UP and (self.quantity <= 0 or self.depot_id is None):
            raise DomainError("a part picked up comes onto the van (positive quantity) from a depot")
