"""Contracts and their service-level agreements: how fast the provider must respond and resolve."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from dispatch.domain.errors import DomainError
from dispatch.domain.weekly_hours import WeeklyHours


class Priority(StrEnum):
    """Urgency of a ticket; P1 is a business stopped, P4 is planned or cosmetic."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def rank(self) -> int:
        """1 for P1 ... 4 for P4."""
        return int(self.value[1])


@dataclass(frozen=True, slots=True)
class SlaTarget:
    """Response and resolution targets for one priority, counted in covered time only."""

    response: timedelta
    resolution: timedelta

    def __post_init__(self) -> None:
        if self.response <= timedelta(0) or self.resolution <= timedelta(0):
            raise DomainError("SLA targets must be positive")
        if self.resolution < self.response:
            raise DomainError("an SLA resolution target cannot be shorter than its response target")


@dataclass(frozen=True, slots=True)
class Coverage:
    """When the SLA clock runs: weekly hours in the site's local time, minus public holidays.

    ``holiday_country`` (ISO 3166, e.g. ``US``) selects the holiday calendar; the site's state
    is used as the subdivision. ``None`` means holidays are covered like any other day.
    """

    hours: WeeklyHours = field(default_factory=WeeklyHours.always)
    holiday_country: str | None = None

    @property
    def is_24x7(self) -> bool:
        return self.hours.is_always and self.holiday_country is None


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """A named SLA tier: a target per priority and the coverage calendar.

    ``hard_deadlines``: the contract makes its due times binding, so the planner may not plan a visit past
    them (it leaves the job unassigned instead); otherwise lateness is a cost weighed by priority.
    """

    tier: str
    targets: dict[Priority, SlaTarget]
    coverage: Coverage
    hard_deadlines: bool = False
    maintenance_every_days: int | None = None
    """Planned maintenance included: a visit to each site every this many days (``None``: none)."""

    def __post_init__(self) -> None:
        if self.maintenance_every_days is not None and not 7 <= self.maintenance_every_days <= 730:
            raise DomainError(
                f"SLA tier {self.tier!r}: maintenance is included every 7 to 730 days, "
                f"not every {self.maintenance_every_days}"
            )
        missing = [p.value for p in Priority if p not in self.targets]
        if missing:
            raise DomainError(f"SLA tier {self.tier!r} has no target for {', '.join(missing)}")

    def target(self, priority: Priority) -> SlaTarget:
        return self.targets[priority]


@dataclass(frozen=True, slots=True)
class Contract:
    """What a customer bought: an SLA policy over a period, for some or all of its sites."""

    id: str
    customer_id: str
    name: str
    sla: SlaPolicy
    starts_on: date
    ends_on: date | None = None

    def __post_init__(self) -> None:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise DomainError(f"contract {self.id} ends before it starts")

    def is_active(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
