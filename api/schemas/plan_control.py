"""A dispatcher's edits of the published plan, and the locked days."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from api.schemas.common import RecordId, RequestModel
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


class LocksOut(BaseModel):
    day: date
    technician_ids: list[str] = Field(description="Technicians whose day is kept as published.")
