"""Manual control of the plan (dispatchers only): assign, pin, unassign, lock a day, re-plan the rest.

Each edit publishes a new plan only if ``optimizer.validate`` accepts it; otherwise 409 with its reasons.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Header, Response, status

from api.deps import DispatcherUser, NowDep, SessionDep, require_dispatcher
from api.routes.plan_jobs import QueueDep, SessionFactoryDep
from api.schemas.common import RecordId
from api.schemas.plan_control import (
    AssignmentIn,
    LocksOut,
    ReassignedOut,
    ResolveIn,
    UrgentJobIn,
    UrgentPlacementOut,
)
from api.schemas.plan_jobs import PlanJobOut
from api.schemas.plans import PublishedPlanOut
from api.schemas.values import Day
from dispatch.domain.plan_jobs import MIN_TIME_LIMIT_S
from dispatch.domain.plans import Plan
from dispatch.services.day_events import report_off_sick
from dispatch.services.plan_edits import assign_job, lock_day, locked_technicians, unassign_job, unlock_day
from dispatch.services.plan_jobs import enqueue_plan_job, improve_later, request_plan
from dispatch.services.plan_proposals import accept_proposal, discard_proposal
from dispatch.services.published_plan import view_of
from dispatch.services.urgent import place_urgent_job

router = APIRouter(prefix="/plans/{day}", tags=["plan control"], dependencies=[Depends(require_dispatcher)])

IfMatch = Annotated[
    str | None,
    Header(
        description="The plan's version (its ETag) the edit was made from; a replaced version answers 412.",
        max_length=80,
    ),
]


def _version(if_match: str | None) -> str | None:
    """The version named by an ``If-Match`` header (``*`` or none: whatever is published now)."""
    if if_match is None or if_match.strip() == "*":
        return None
    return if_match.strip().removeprefix("W/").strip('"')


def _plan_out(session: SessionDep, plan: Plan, response: Response) -> PublishedPlanOut:
    view = view_of(session, plan)
    response.headers["ETag"] = f'"{view.version}"'
    return PublishedPlanOut.of(view.plan, view.jobs)


def _locks(session: SessionDep, day: date) -> LocksOut:
    return LocksOut(day=day, technician_ids=locked_technicians(session, day))


@router.post("/assignments", response_model=PublishedPlanOut)
def assign(
    day: Day,
    body: AssignmentIn,
    session: SessionDep,
    response: Response,
    now: NowDep,
    if_match: IfMatch = None,
) -> PublishedPlanOut:
    """Put a job on a technician's day (optionally at a time, pinned by default); 409 if a rule breaks,
    412 if the plan was replaced since the version in ``If-Match``."""
    plan = assign_job(
        session,
        day,
        job_id=body.job_id,
        technician_id=body.technician_id,
        start=body.start,
        pin=body.pin,
        version=_version(if_match),
        now=now,
    )
    return _plan_out(session, plan, response)


@router.delete("/assignments/{job_id}", response_model=PublishedPlanOut)
def unassign(
    day: Day,
    job_id: RecordId,
    session: SessionDep,
    response: Response,
    now: NowDep,
    if_match: IfMatch = None,
) -> PublishedPlanOut:
    """Take a job out of the day's plan and clear its pin; 412 if the plan was replaced since
    ``If-Match``."""
    plan = unassign_job(session, day, job_id=job_id, version=_version(if_match), now=now)
    return _plan_out(session, plan, response)


@router.post("/urgent-jobs", response_model=UrgentPlacementOut)
def place_urgent(
    day: Day,
    body: UrgentJobIn,
    user: DispatcherUser,
    session: SessionDep,
    now: NowDep,
    queue: QueueDep,
    factory: SessionFactoryDep,
    response: Response,
    after_commit: BackgroundTasks,
    if_match: IfMatch = None,
) -> UrgentPlacementOut:
    """Place an urgent job (an emergency) at once where it adds least to the day, then search for a
    better plan of its region in the background, published only if better."""
    placed = place_urgent_job(session, day, body.job_id, now=now, version=_version(if_match))
    improvement = None
    if body.improve_for_s >= MIN_TIME_LIMIT_S:
        improvement = improve_later(session, day, body.improve_for_s, user.id, now, region=placed.region)
        if improvement is not None:
            after_commit.add_task(enqueue_plan_job, factory, queue, improvement.id)
    return UrgentPlacementOut(
        technician_id=placed.technician_id,
        plan=_plan_out(session, placed.plan, response),
        improvement=None if improvement is None else PlanJobOut.of(improvement),
    )


@router.post("/technicians/{technician_id}/off-sick", response_model=ReassignedOut)
def off_sick(
    day: Day,
    technician_id: RecordId,
    session: SessionDep,
    now: NowDep,
    response: Response,
    if_match: IfMatch = None,
) -> ReassignedOut:
    """The technician stops for the rest of the day now; their visits not yet started go to others."""
    done = report_off_sick(session, day, technician_id, now=now, version=_version(if_match))
    return ReassignedOut(plan=_plan_out(session, done.plan, response), moved_to=done.moved_to)


@router.get("/locks", response_model=LocksOut)
def locks(day: Day, session: SessionDep) -> LocksOut:
    """Technicians whose day is kept as published."""
    return _locks(session, day)


@router.put("/locks/{technician_id}", response_model=LocksOut)
def lock(day: Day, technician_id: RecordId, session: SessionDep, user: DispatcherUser) -> LocksOut:
    """Keep the technician's day as published through later solves and edits."""
    lock_day(session, day, technician_id, by=user.id)
    return _locks(session, day)


@router.delete("/locks/{technician_id}", response_model=LocksOut)
def unlock(day: Day, technician_id: RecordId, session: SessionDep) -> LocksOut:
    unlock_day(session, day, technician_id)
    return _locks(session, day)


@router.post("/resolve", response_model=PlanJobOut, status_code=status.HTTP_202_ACCEPTED)
def resolve(
    day: Day,
    body: ResolveIn,
    user: DispatcherUser,
    session: SessionDep,
    queue: QueueDep,
    factory: SessionFactoryDep,
    response: Response,
    after_commit: BackgroundTasks,
) -> PlanJobOut:
    """Re-plan the rest of the day as a plan job, keeping locked days and pinned jobs (409 if one runs).

    With ``preview`` the plan is proposed, not published: read it with ``GET /plans/{day}/view?proposal=``
    (the job's ``plan_id``), then accept or discard it."""
    job = request_plan(
        session,
        day=day,
        region=body.region,
        time_limit_s=body.time_limit_s,
        requested_by=user.id,
        preview=body.preview,
    )
    after_commit.add_task(enqueue_plan_job, factory, queue, job.id)
    response.headers["Location"] = f"/plans/{job.id}"
    return PlanJobOut.of(job)


@router.post("/proposals/{plan_id}/accept", response_model=PublishedPlanOut)
def accept(
    day: Day,
    plan_id: RecordId,
    session: SessionDep,
    response: Response,
    now: NowDep,
    if_match: IfMatch = None,
) -> PublishedPlanOut:
    """Publish a proposed re-plan, timed again on the day as it stands; 412 if the plan in force is no
    longer the one it was proposed from (or the version in ``If-Match``), 409 if what happened since
    makes it break a rule."""
    plan = accept_proposal(session, day, plan_id, version=_version(if_match), now=now)
    return _plan_out(session, plan, response)


@router.delete("/proposals/{plan_id}", status_code=status.HTTP_204_NO_CONTENT)
def discard(day: Day, plan_id: RecordId, session: SessionDep, now: NowDep) -> None:
    """Turn a proposed re-plan down; the plan in force is untouched."""
    discard_proposal(session, day, plan_id, now=now)
