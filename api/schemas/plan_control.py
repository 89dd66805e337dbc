"""A dispatcher's edits of the published plan, and the locked days."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from api.schemas.common import RecordId, RequestModel
from api.schemas.plan_jobs import PlanJobOut
from api.schemas.plans import PublishedPlanOut
from api.schemas.values import Instant
from dispatch.domain.plan_jobs import MAX_TIME_LIMIT_S, MIN_TIME_LIMIT_S


class AssignmentIn(RequestModel):
    job_id: RecordId
    technician_id: RecordId
    start: Instant | None = Field(
        default=None, description="Start the visit at this instant; left out: where the route costs least."
    )
    pin: bool = Field(
        default=True, description="Keep the job with this technician (and start) in later solves."
    )


class ResolveIn(RequestModel):
    region: str | None = Field(
        default=None, min_length=1, max_length=40, description="Re-plan only this region's part of the day."
    )
    time_limit_s: float = Field(default=10.0, ge=MIN_TIME_LIMIT_S, le=MAX_TIME_LIMIT_S)
    preview: bool = Field(
        default=False,
        description="Propose the new plan for a dispatcher to accept or discard, instead of publishing it.",
    )


class LocksOut(BaseModel):
    day: date
    technician_ids: list[str] = Field(description="Technicians whose day is kept as published.")


class UrgentJobIn(RequestModel):
    job_id: RecordId = Field(description="The job to place now (created first, e.g. for a P1 ticket).")
    improve_for_s: float = Field(
        default=10.0,
        ge=0,
        le=MAX_TIME_LIMIT_S,
        description="Search this long afterwards for a better plan, published only if better (0: none).",
    )


class UrgentPlacementOut(BaseModel):
    technician_id: str | None = Field(description="Who takes the job; none if it fits nowhere now.")
    plan: PublishedPlanOut
    improvement: PlanJobOut | None = Field(
        description="The search for a better plan, to follow at its Location (none if not started)."
    )


class ReassignedOut(BaseModel):
    plan: PublishedPlanOut
    moved_to: dict[str, str | None] = Field(
        description="Each visit that lost its place: the technician who now has it, or null if left to plan."
    )


class CancelledOut(BaseModel):
    job_id: str
    status: str
    plan: PublishedPlanOut | None = Field(description="The day's plan without the visit, if one had it.")
