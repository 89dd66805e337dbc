"""Planning as a job (dispatchers only): request a solve, follow it, stop it early.

``POST /plans`` answers at once with 202 and the job; a worker solves off the request path (procrastinate
on PostgreSQL, a thread of this process on the embedded SQLite), and ``GET /plans/{id}`` shows its progress
and the best plan so far. One solve per day and region at a time: a second request gets 409.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response, status

from api.deps import DispatcherUser, SessionDep, require_dispatcher
from api.schemas.common import RecordId
from api.schemas.plan_jobs import PlanJobIn, PlanJobOut
from api.schemas.plans import PublishedPlanOut
from dispatch.domain.plan_jobs import PlanJob
from dispatch.services.job_queue import PlanJobQueue
from dispatch.services.plan_jobs import (
    enqueue_plan_job,
    plan_job_status,
    plan_of_job,
    request_plan,
    stop_plan_job,
)
from dispatch.services.unit_of_work import SessionFactory

router = APIRouter(prefix="/plans", tags=["plans"], dependencies=[Depends(require_dispatcher)])


def get_plan_queue(request: Request) -> PlanJobQueue:
    """The queue the app hands plan jobs to (started by the lifespan)."""
    queue: PlanJobQueue = request.app.state.plan_queue
    return queue


def get_session_factory(request: Request) -> SessionFactory:
    factory: SessionFactory = request.app.state.session_factory
    return factory


QueueDep = Annotated[PlanJobQueue, Depends(get_plan_queue)]
SessionFactoryDep = Annotated[SessionFactory, Depends(get_session_factory)]


def _out(session: SessionDep, job: PlanJob) -> PlanJobOut:
    view = plan_of_job(session, job)
    return PlanJobOut.of(job, None if view is None else PublishedPlanOut.of(view.plan, view.jobs))


@router.post("", response_model=PlanJobOut, status_code=status.HTTP_202_ACCEPTED)
def request_solve(
    body: PlanJobIn,
    user: DispatcherUser,
    session: SessionDep,
    queue: QueueDep,
    factory: SessionFactoryDep,
    response: Response,
    after_commit: BackgroundTasks,
) -> PlanJobOut:
    """Queue a solve of the day (409 while one for the same day and region is queued or running)."""
    job = request_plan(
        session, day=body.day, region=body.region, time_limit_s=body.time_limit_s, requested_by=user.id
    )
    after_commit.add_task(enqueue_plan_job, factory, queue, job.id)
    response.headers["Location"] = f"/plans/{job.id}"
    return PlanJobOut.of(job)


@router.get("/{plan_job_id}", response_model=PlanJobOut)
def get_plan_job(plan_job_id: RecordId, session: SessionDep) -> PlanJobOut:
    """Status, progress and the best plan so far; the plan itself once published."""
    return _out(session, plan_job_status(session, plan_job_id))


@router.delete(
    "/{plan_job_id}",
    response_model=PlanJobOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses={200: {"model": PlanJobOut, "description": "The job had already finished or was queued."}},
)
def stop_plan(plan_job_id: RecordId, session: SessionDep, response: Response) -> PlanJobOut:
    """Stop a solve early: its best plan so far is validated and published; a queued one is just cancelled."""
    job = stop_plan_job(session, plan_job_id)
    if job.status.finished:
        response.status_code = status.HTTP_200_OK
    return _out(session, job)
