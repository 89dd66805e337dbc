"""What the planner returns: routes, unassigned jobs with reasons, the objective and how the search went.

Infeasibility is a status and a list of unassigned jobs with machine-readable reasons, never an exception.
Times are seconds from the problem's origin, distances in the problem's distance unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"
    """Proven optimal (only on trivial problems, e.g. nothing to route)."""
    FEASIBLE = "feasible"
    """A plan the search finished with before the time limit (e.g. by its solution limit)."""
    TIMED_OUT = "timed_out"
    """The time limit ended the search; the plan is the best found so far."""
    CANCELLED = "cancelled"
    """The caller stopped the search early; the plan is the best found so far."""
    NO_SOLUTION = "no_solution"
    """The search found no plan at all; every job is unassigned."""
    INVALID_PROBLEM = "invalid_problem"
    """The problem could not be modelled (e.g. travel times could not be built); see ``message``."""


class VisitKind(StrEnum):
    JOB = "job"
    DEPOT_PICKUP = "depot_pickup"


class UnassignedReason(StrEnum):
    """Why a job is not in the plan, from feasibility checks, not guesses."""

    NO_SKILLED_TECHNICIAN = "no_skilled_technician"
    """No technician holds every required skill at the required level."""
    NO_PARTS = "no_parts"
    """No skilled technician carries the parts, and no depot they could visit holds them."""
    OUT_OF_REACH = "out_of_reach"
    """No skilled technician with the parts can reach the job inside their shift and one of its windows."""
    PINNED_TECHNICIAN_UNABLE = "pinned_technician_unable"
    """The job is pinned to a technician who lacks the skills or parts, or cannot reach it in time."""
    SLA_UNREACHABLE = "sla_unreachable"
    """In hard-SLA mode, no capable technician can start it before its due time."""
    CAPACITY = "capacity"
    """Capable technicians exist, but their days (time, parts or working limits) are full."""
    MANUAL = "manual"
    """A dispatcher took the job out of the plan."""
    LOCKED_ELSEWHERE = "locked_elsewhere"
    """The job's route could not be built (a locked prefix that cannot be kept)."""
    NO_TECHNICIAN_ON_SHIFT = "no_technician_on_shift"
    """No technician of the problem may take the job at all: nobody works (or is allowed to) that day."""


@dataclass(frozen=True, slots=True)
class Visit:
    """One stop of a route: arrive (after travelling from the previous stop), wait, serve, leave.

    For a depot pickup, ``depot_id`` is set and ``parts_picked`` says what is collected.
    ``lateness_s`` is how far the start lies past the job's SLA due time (0 if on time or no SLA).
    """

    kind: VisitKind
    arrival_s: int
    start_s: int
    end_s: int
    travel_s: int
    distance_m: int
    job_id: str | None = None
    depot_id: str | None = None
    parts_picked: Mapping[str, int] = field(default_factory=dict)
    lateness_s: int = 0

    @property
    def wait_s(self) -> int:
        return self.start_s - self.arrival_s

    @property
    def stop_id(self) -> str:
        return self.job_id if self.job_id is not None else f"depot:{self.depot_id}"


@dataclass(frozen=True, slots=True)
class BreakPlacement:
    start_s: int
    end_s: int


@dataclass(frozen=True, slots=True)
class Route:
    """A technician's day: leave ``start_s``, visit in order, return ``end_s``.

    ``end_travel_s``/``end_distance_m`` are the leg home. ``travel_s`` and ``distance_m`` total every leg.
    ``work_s`` is ``end_s - start_s``; ``overtime_s`` is how far ``end_s`` lies past the shift end.
    """

    technician_id: str
    visits: tuple[Visit, ...]
    start_s: int
    end_s: int
    end_travel_s: int
    end_distance_m: int
    travel_s: int
    distance_m: int
    work_s: int
    overtime_s: int = 0
    lunch: BreakPlacement | None = None

    @property
    def job_ids(self) -> tuple[str, ...]:
        return tuple(v.job_id for v in self.visits if v.job_id is not None)


@dataclass(frozen=True, slots=True)
class UnassignedJob:
    job_id: str
    reason: UnassignedReason
    detail: str


@dataclass(frozen=True, slots=True)
class ObjectiveBreakdown:
    """The objective and its parts, in cost units (see ``CostWeights``)."""

    travel: int = 0
    distance: int = 0
    lateness: int = 0
    breaches: int = 0
    """What starting visits past the latest start their SLA allows costs (``Job.sla_breach_s``)."""
    drops: int = 0
    overtime: int = 0
    fixed: int = 0
    """The fixed costs of the technicians whose routes have visits (``Technician.fixed_cost``)."""
    reassignment: int = 0
    """What giving jobs to someone other than their preferred technician costs."""
    broken_promises: int = 0
    """What starting visits outside the windows their customers were promised costs."""

    @property
    def total(self) -> int:
        parts = self.travel + self.distance + self.lateness + self.breaches + self.drops + self.overtime
        return parts + self.fixed + self.reassignment + self.broken_promises


@dataclass(frozen=True, slots=True)
class SolvePart:
    """One part of a day split geographically: its technicians, how many jobs it was given, and how many
    independent groups it held; the plan view can show which part each route came from."""

    technician_ids: tuple[str, ...]
    jobs: int
    groups: int = 0


@dataclass(frozen=True, slots=True)
class SolveStats:
    """How the search went: wall time, first solution, objective over time (seconds, objective)."""

    wall_time_s: float = 0.0
    time_to_first_solution_s: float | None = None
    objective_over_time: tuple[tuple[float, int], ...] = ()
    solutions_found: int = 0
    groups: int = 0
    parts: tuple[SolvePart, ...] = ()
    """How a large day was split (empty when it was solved whole)."""
    cut_repairs: tuple[int, int] = (0, 0)
    """Pairs of neighbouring parts re-solved together across their cut: (tried, kept because better)."""


@dataclass(frozen=True, slots=True)
class Solution:
    status: SolveStatus
    routes: tuple[Route, ...]
    unassigned: tuple[UnassignedJob, ...]
    objective: ObjectiveBreakdown
    stats: SolveStats = field(default_factory=SolveStats)
    message: str = ""

    @property
    def assigned_job_ids(self) -> tuple[str, ...]:
        return tuple(j for r in self.routes for j in r.job_ids)

    def route_of(self, technician_id: str) -> Route | None:
        return next((r for r in self.routes if r.technician_id == technician_id), None)

    def unassigned_reason(self, job_id: str) -> UnassignedReason | None:
        return next((u.reason for u in self.unassigned if u.job_id == job_id), None)
