"""Onsite jobs: one visit by one technician to a site, for a ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from dispatch.domain.catalogue import check_level, check_quantity
from dispatch.domain.contracts import Priority
from dispatch.domain.errors import DomainError


@dataclass(frozen=True, slots=True)
class SkillRequirement:
    skill: str
    min_level: int

    def __post_init__(self) -> None:
        check_level(self.min_level)


@dataclass(frozen=True, slots=True)
class PartRequirement:
    sku: str
    quantity: int

    def __post_init__(self) -> None:
        if check_quantity(self.quantity) == 0:
            raise DomainError(f"part {self.sku}: a required quantity must be at least 1")


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """An interval of instants (aware datetimes) in which a visit may start."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise DomainError("time windows must carry a time zone")
        if self.end <= self.start:
            raise DomainError(f"time window ends ({self.end}) before it starts ({self.start})")


class JobStatus(StrEnum):
    """Progress of the visit, as the technician reports it; states only move forward."""

    UNSCHEDULED = "unscheduled"
    PLANNED = "planned"
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"
    COMPLETED = "completed"
    INCOMPLETE = "incomplete"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Job:
    """What the planner places: where, how long, who may do it, with what, and by when."""

    id: str
    ticket_id: str
    site_id: str
    duration: timedelta
    priority: Priority
    required_skills: tuple[SkillRequirement, ...] = ()
    required_parts: tuple[PartRequirement, ...] = ()
    windows: tuple[TimeWindow, ...] = ()
    sla_due: datetime | None = None
    pinned_technician_id: str | None = None
    status: JobStatus = JobStatus.UNSCHEDULED

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise DomainError(f"job {self.id}: duration must be positive")
        if self.sla_due is not None and self.sla_due.tzinfo is None:
            raise DomainError(f"job {self.id}: sla_due must carry a time zone")
        skills = [r.skill for r in self.required_skills]
        if len(skills) != len(set(skills)):
            raise DomainError(f"job {self.id}: a skill is required twice")
        skus = [r.sku for r in self.required_parts]
        if len(skus) != len(set(skus)):
            raise DomainError(f"job {self.id}: a part is required twice")
