"""A published day plan: who goes where, in which order, when, and which jobs are left and why.

Instants are aware UTC datetimes; the optimizer's seconds never leave the planning service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class PlanStatus(StrEnum):
    PUBLISHED = "published"
    """The plan technicians and customers see for its day and region."""
    SUPERSEDED = "superseded"
    """Replaced by a later published plan for the same day and region; kept for the record."""
    PROPOSED = "proposed"
    """A re-plan a dispatcher asked to see before it replaces the published plan; nobody else sees it."""
    ACCEPTED = "accepted"
    """A proposal a dispatcher accepted: it was published (re-timed on the day as it then stood)."""
    DISCARDED = "discarded"
    """A proposal a dispatcher turned down; kept for the record."""


class VisitKind(StrEnum):
    JOB = "job"
    DEPOT_PICKUP = "depot_pickup"


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    """One stop: travel there, arrive, maybe wait, serve from ``start`` to ``end``."""

    sequence: int
    kind: VisitKind
    arrival: datetime
    start: datetime
    end: datetime
    travel_s: int
    distance_m: int
    job_id: str | None = None
    depot_id: str | None = None
    parts_picked: dict[str, int] = field(default_factory=dict)
    sla_lateness_s: int = 0


@dataclass(frozen=True, slots=True)
class PlannedRoute:
    """A technician's day in the plan, from leaving home to coming back."""

    technician_id: str
    start: datetime
    end: datetime
    travel_s: int
    distance_m: int
    overtime_s: int
    visits: tuple[PlannedVisit, ...]
    lunch_start: datetime | None = None
    lunch_end: datetime | None = None

    @property
    def job_ids(self) -> tuple[str, ...]:
        return tuple(v.job_id for v in self.visits if v.job_id is not None)


@dataclass(frozen=True, slots=True)
class UnplannedJob:
    """A job the plan leaves out, with a machine-readable reason and a sentence for the dispatcher."""

    job_id: str
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class PlanCost:
    """The objective the plan was chosen by, and its parts (cost units of the optimizer's weights)."""

    travel: int
    lateness: int
    drops: int
    overtime: int

    @property
    def total(self) -> int:
        return self.travel + self.lateness + self.drops + self.overtime


@dataclass(frozen=True, slots=True)
class MovedVisit:
    """A job the new plan gives another technician, or whose customer window moves (or both)."""

    job_id: str
    technician_before: str | None
    technician_after: str | None
    window_before: tuple[datetime, datetime] | None
    window_after: tuple[datetime, datetime] | None


@dataclass(frozen=True, slots=True)
class PlanChanges:
    """What a plan changes from the one it replaces, as technicians and customers feel it."""

    replaces: str
    reassigned: tuple[MovedVisit, ...] = ()
    """Visits now with another technician (or newly on a route, or taken off every route)."""
    windows_moved: tuple[MovedVisit, ...] = ()
    """Visits kept by the same technician whose customer window moved."""

    @property
    def disrupted(self) -> int:
        return len(self.reassigned) + len(self.windows_moved)


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    day: date
    region: str | None
    created_at: datetime
    status: PlanStatus
    solver_status: str
    solve_ms: int
    cost: PlanCost
    routes: tuple[PlannedRoute, ...]
    unplanned: tuple[UnplannedJob, ...]
    changes: PlanChanges | None = None
    """What this plan changed from the one it replaced (``None``: the day's first plan)."""

    @property
    def planned_job_ids(self) -> tuple[str, ...]:
        return tuple(j for r in self.routes for j in r.job_ids)
