"""Manual control of the plan (dispatchers only): assign, pin, unassign, lock a day, re-plan the rest.

Each edit publishes a new plan only if ``optimizer.validate`` accepts it; otherwise 409 with its reasons.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Response, status
from sqlalchemy.orm import Session

from api.deps import DispatcherUser, SessionDep, require_dispatcher
from api.routes.plan_jobs import QueueDep, SessionFactoryDep
from api.schemas.common import RecordId
from api.schemas.plan_control import AssignmentIn, LocksOut, ResolveIn
from api.schemas.plan_jobs import PlanJobOut
from api.schemas.plans import PublishedPlanOut
from dispatch.domain.plans import Plan
from dispatch.persistence.repositories import JobRepository
from dispatch.persistence.repositories.plan_jobs import DayLockRepository
from dispatch.services.plan_edits import assign_job, lock_day, unassign_job, unlock_day
from dispatch.services.plan_jobs import enqueue_plan_job, request_plan

router = APIRouter(prefix="/plans/{day}", tags=["plan control"], dependencies=[Depends(require_dispatcher)])

Region = Annotated[str | None, Query(min_length=1, max_length=40, description="The regional plan.")]


def _plan_out(session: Session, plan: Plan) -> PublishedPlanOut:
    jobs = JobRepository(session).get_many(plan.planned_job_ids)
    return PublishedPlanOut.of(plan, {j.id: j for j in jobs})


def _locks(session: Session, day: date) -> LocksOut:
    return LocksOut(day=day, technician_ids=sorted(DayLockRepository(session).locked(day)))


@router.post("/assignments", response_model=PublishedPlanOut)
def assign(day: date, body: AssignmentIn, session: SessionDep) -> PublishedPlanOut:
    """Put a job on a technician's day (optionally at a time, pinned by default); 409 if a rule breaks."""
    plan = assign_job(
        session,
        day,
        job_id=body.job_id,
        technician_id=body.technician_id,
        region=body.region,
        start=body.start,
        pin=body.pin,
    )
    return _plan_out(session, plan)


@router.delete("/assignments/{job_id}", response_model=PublishedPlanOut)
def unassign(day: date, job_id: RecordId, session: SessionDep, region: Region = None) -> PublishedPlanOut:
    """Take a job out of the day's plan and clear its pin."""
    return _plan_out(session, unassign_job(session, day, job_id=job_id, region=region))


@router.get("/locks", response_model=LocksOut)
def locks(day: date, session: SessionDep) -> LocksOut:
    """Technicians whose day is kept as published."""
    return _locks(session, day)


@router.put("/locks/{technician_id}", response_model=LocksOut)
def lock(day: date, technician_id: RecordId, session: SessionDep, user: DispatcherUser) -> LocksOut:
    """Keep the technician's day as published through later solves and edits."""
    lock_day(session, day, technician_id, by=user.id)
    return _locks(session, day)


@router.delete("/locks/{technician_id}", response_model=LocksOut)
def unlock(day: date, technician_id: RecordId, session: SessionDep) -> LocksOut:
    unlock_day(session, day, technician_id)
    return _locks(session, day)


@router.post("/resolve", response_model=PlanJobOut, status_code=status.HTTP_202_ACCEPTED)
def resolve(
    day: date,
    body: ResolveIn,
    user: DispatcherUser,
    session: SessionDep,
    queue: QueueDep,
    factory: SessionFactoryDep,
    response: Response,
    after_commit: BackgroundTasks,
) -> PlanJobOut:
    """Re-plan the rest of the day as a plan job, keeping locked days and pinned jobs (409 if one runs)."""
    job = request_plan(
        session, day=day, region=body.region, time_limit_s=body.time_limit_s, requested_by=user.id
    )
    after_commit.add_task(enqueue_plan_job, factory, queue, job.id)
    response.headers["Location"] = f"/plans/{job.id}"
    return PlanJobOut.of(job)
