"""Planning as a job: a dispatcher asks for a day to be planned, a worker solves it in the background.

One job per day and region may be waiting or running at a time. A job that stops reporting (its worker
crashed) is given up after a while, so the next request can start; the published plan stays in force
whatever happens to a job, until a job or a dispatcher's edit publishes a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from dispatch.domain.errors import DomainError

MIN_TIME_LIMIT_S = 1.0
MAX_TIME_LIMIT_S = 600.0


class PlanJobStatus(StrEnum):
    QUEUED = "queued"
    """Waiting for a worker."""
    RUNNING = "running"
    """A worker is solving; progress and the best objective so far are updated as it goes."""
    SUCCEEDED = "succeeded"
    """Solved, validated and published (``plan_id``), or proposed when the job is a preview."""
    FAILED = "failed"
    """Stopped by an error or a lost worker; the plan published before stays in force."""
    CANCELLED = "cancelled"
    """Stopped by a dispatcher; the best plan found so far is published if there was one."""

    @property
    def finished(self) -> bool:
        return self not in (PlanJobStatus.QUEUED, PlanJobStatus.RUNNING)


ACTIVE_STATUSES = (PlanJobStatus.QUEUED, PlanJobStatus.RUNNING)


@dataclass(frozen=True, slots=True)
class PlanJob:
    """One request to plan ``day`` (of ``region``, or all regions) and what became of it."""

    id: str
    day: date
    region: str | None
    time_limit_s: float
    status: PlanJobStatus
    requested_at: datetime
    requested_by: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    progress: float = 0.0
    best_objective: int | None = None
    solutions_found: int = 0
    cancel_requested: bool = False
    error: str | None = None
    plan_id: str | None = None
    assigned_count: int | None = None
    unassigned_count: int | None = None
    only_if_better: bool = False
    """Publish only a plan better than the one published when the solve ends (the background search
    after an emergency was placed); otherwise keep that one."""
    preview: bool = False
    """Store the plan as a proposal the dispatcher accepts or discards, instead of publishing it."""
    p1_assigned_count: int | None = None
    """P1 jobs in the best plan so far."""
    groups_done: int | None = None
    """Independent groups (regions, or parts of one) whose search has finished, of ``groups_total``."""
    groups_total: int | None = None

    def __post_init__(self) -> None:
        check_time_limit(self.time_limit_s)
        if not 0.0 <= self.progress <= 1.0:
            raise DomainError(f"plan job {self.id}: progress {self.progress} is outside 0..1")


def check_time_limit(time_limit_s: float) -> float:
    """A solve's time limit must leave the solver room and not hold a worker for long."""
    if not MIN_TIME_LIMIT_S <= time_limit_s <= MAX_TIME_LIMIT_S:
        raise DomainError(
            f"the time limit must be between {MIN_TIME_LIMIT_S:g} and {MAX_TIME_LIMIT_S:g} seconds, "
            f"not {time_limit_s:g}"
        )
    return time_limit_s


IMPROVEMENT_SCOPE = "+improve"
"""Searches that publish only a better plan wait in lanes of their own, so a dispatcher's re-plan is
never refused because one runs (both start from the day as it stands; publishing checks the version).
There is one lane per region (``+improve:<region>``) and one for the whole day: a report in one region
never waits for, nor is swallowed by, a search of another."""


def scope_of(region: str | None, *, only_if_better: bool = False) -> str:
    """The key one solve at a time is counted by: the region, or ``*`` for a plan of all regions."""
    if only_if_better:
        return IMPROVEMENT_SCOPE if region is None else f"{IMPROVEMENT_SCOPE}:{region}"
    return region if region is not None else "*"


@dataclass(frozen=True, slots=True)
class DayLock:
    """A technician's planned day that re-planning must keep exactly as published."""

    technician_id: str
    day: date
    locked_at: datetime
    locked_by: str | None = None


__all__ = ["DayLock", "PlanJob", "PlanJobStatus", "check_time_limit", "scope_of"]
