"""Standby cover: a customer buys guaranteed technician availability at a site over a period.

During the period, at every moment, at least one technician with the skills must be on duty and able to
be on site within the response time: free, or close enough that leaving the current visit and driving
there fits. The cover of a period is told as segments: who covers which part, and the gaps nobody does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatch.domain.errors import DomainError
from dispatch.domain.jobs import SkillRequirement

LONGEST_PERIOD = timedelta(days=31)
"""The longest period one agreement covers (its cover is checked every few minutes): agree month by month."""


@dataclass(frozen=True, slots=True)
class StandbyAgreement:
    """``customer_id`` is guaranteed a technician with ``required_skills`` on site at ``site_id`` within
    ``response`` at any moment from ``starts_at`` until ``ends_at`` (aware instants)."""

    id: str
    customer_id: str
    site_id: str
    starts_at: datetime
    ends_at: datetime
    required_skills: tuple[SkillRequirement, ...]
    response: timedelta

    def __post_init__(self) -> None:
        who = f"standby agreement {self.id or '?'}"
        if not self.id:
            raise DomainError("a standby agreement needs an id")
        if not self.customer_id or not self.site_id:
            raise DomainError(f"{who}: it needs a customer and a site")
        for name, value in (("start", self.starts_at), ("end", self.ends_at)):
            if value.tzinfo is None or value.utcoffset() is None:
                raise DomainError(f"{who}: its {name} must carry a time zone (got {value.isoformat()})")
        if self.ends_at <= self.starts_at:
            ends, starts = self.ends_at.isoformat(), self.starts_at.isoformat()
            raise DomainError(f"{who}: it ends at {ends}, not after it starts at {starts}")
        if self.ends_at - self.starts_at > LONGEST_PERIOD:
            raise DomainError(f"{who}: its period is longer than {LONGEST_PERIOD.days} days")
        if self.response <= timedelta(0):
            raise DomainError(f"{who}: the guaranteed response time must be positive (got {self.response})")
        skills = [r.skill for r in self.required_skills]
        if len(set(skills)) != len(skills):
            raise DomainError(f"{who}: a skill is required twice ({', '.join(sorted(skills))})")

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether some of the period lies in ``[start, end)``."""
        return self.starts_at < end and start < self.ends_at

    def qualifies(self, skills: dict[str, int]) -> bool:
        """Whether a technician with ``skills`` (code -> level) has every required skill at its level."""
        return all(skills.get(r.skill, 0) >= r.min_level for r in self.required_skills)

    def skills_text(self) -> str:
        """The required skills as people say them: ``network level 3 and power level 2``."""
        return " and ".join(f"{r.skill} level {r.min_level}" for r in self.required_skills) or "any skill"


@dataclass(frozen=True, slots=True)
class StandbyCoverSegment:
    """``technician_id`` covers the agreement from ``start`` until ``end``; ``None`` is a gap, with
    ``reason`` in words, and ``plan_caused`` when a technician on duty could have covered it had the plan
    kept them within reach (a gap from nobody being on duty is not the plan's doing)."""

    agreement_id: str
    technician_id: str | None
    start: datetime
    end: datetime
    reason: str = ""
    plan_caused: bool = False

    @property
    def is_gap(self) -> bool:
        return self.technician_id is None
