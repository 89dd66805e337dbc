"""Planning jobs as dispatchers request and follow them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas.common import RequestModel
from api.schemas.plans import PublishedPlanOut
from api.schemas.values import Day
from dispatch.domain.plan_jobs import MAX_TIME_LIMIT_S, MIN_TIME_LIMIT_S, PlanJob, PlanJobStatus


class PlanJobIn(RequestModel):
    day: Day = Field(description="The day to plan, YYYY-MM-DD.")
    region: str | None = Field(
        default=None, min_length=1, max_length=40, description="One region; left out: all regions."
    )
    time_limit_s: float = Field(
        default=10.0,
        ge=MIN_TIME_LIMIT_S,
        le=MAX_TIME_LIMIT_S,
        description="Wall-clock limit of the solve; the best plan found by then is published.",
    )


class PlanSummaryOut(BaseModel):
    """The best plan so far: objective and counts while the solve runs; the published plan's once done."""

    objective: int | None = Field(description="Cost of the best plan found so far (optimizer cost units).")
    solutions_found: int
    assigned: int | None = Field(description="Jobs in the best plan so far (none before the first plan).")
    unassigned: int | None = Field(description="Jobs the best plan so far leaves out.")
    p1_assigned: int | None = Field(default=None, description="P1 jobs in the best plan so far.")
    groups_done: int | None = Field(
        default=None, description="Independent groups (regions, or parts of one) whose search has finished."
    )
    groups_total: int | None = Field(default=None, description="Independent groups the day is solved in.")


class PlanJobOut(BaseModel):
    id: str
    day: date
    region: str | None
    status: PlanJobStatus
    time_limit_s: float
    progress: float = Field(description="Share of the time limit used, 0..1 (1 once finished with a plan).")
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None = Field(description="Last sign of life of the worker solving it.")
    stop_requested: bool
    error: str | None
    plan_id: str | None = Field(
        description="The plan this job published, or proposed when ``preview`` (see /plans/{day}/proposals)."
    )
    preview: bool = Field(default=False, description="Whether the plan is proposed rather than published.")
    best_so_far: PlanSummaryOut
    plan: PublishedPlanOut | None = Field(
        default=None, description="The plan itself, once published (or proposed, for a preview)."
    )

    @classmethod
    def of(cls, job: PlanJob, plan: PublishedPlanOut | None = None) -> PlanJobOut:
        return cls(
            id=job.id,
            day=job.day,
            region=job.region,
            status=job.status,
            time_limit_s=job.time_limit_s,
            progress=job.progress,
            requested_at=job.requested_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            heartbeat_at=job.heartbeat_at,
            stop_requested=job.cancel_requested,
            error=job.error,
            plan_id=job.plan_id,
            preview=job.preview,
            best_so_far=PlanSummaryOut(
                objective=job.best_objective,
                solutions_found=job.solutions_found,
                assigned=job.assigned_count,
                unassigned=job.unassigned_count,
                p1_assigned=job.p1_assigned_count,
                groups_done=job.groups_done,
                groups_total=job.groups_total,
            ),
            plan=plan,
        )
