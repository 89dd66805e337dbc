"""Onsite jobs: what the planner places (dispatchers only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.deps import NowDep, PageDep, SessionDep, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.jobs import JobChange, JobIn, JobOut
from api.schemas.plan_control import CancelledOut
from api.schemas.plans import PublishedPlanOut
from api.schemas.values import RecordId
from dispatch.domain.contracts import Priority
from dispatch.domain.jobs import JobStatus
from dispatch.domain.listings import JobFilter
from dispatch.services.day_events import cancel_visit
from dispatch.services.jobs import find_jobs, job_records
from dispatch.services.published_plan import view_of

router = APIRouter(prefix="/jobs", tags=["jobs"], dependencies=[Depends(require_dispatcher)])


@router.get("", response_model=Page[JobOut])
def list_jobs(
    session: SessionDep,
    paging: PageDep,
    ticket_id: Annotated[RecordId | None, Query()] = None,
    site_id: Annotated[RecordId | None, Query()] = None,
    status_: Annotated[JobStatus | None, Query(alias="status")] = None,
    priority: Annotated[Priority | None, Query()] = None,
    pinned_technician_id: Annotated[RecordId | None, Query()] = None,
) -> Page[JobOut]:
    """Jobs by id, filtered by ticket, site, status, priority or pinned technician."""
    filters = JobFilter(
        ticket_id=ticket_id,
        site_id=site_id,
        status=status_,
        priority=priority,
        pinned_technician_id=pinned_technician_id,
    )
    return page_out(find_jobs(session, filters, limit=paging.limit, offset=paging.offset), JobOut.of)


@router.post("", response_model=JobOut, status_code=status.HTTP_201_CREATED)
def create_job(body: JobIn, session: SessionDep) -> JobOut:
    """Add a job for an existing ticket and site; skills, parts and technician must exist."""
    return JobOut.of(job_records.add(session, body.to_domain(body.id)))


@router.get("/{job_id}", response_model=JobOut)
def get_job(job_id: RecordId, session: SessionDep) -> JobOut:
    return JobOut.of(job_records.get(session, job_id))


@router.put("/{job_id}", response_model=JobOut)
def update_job(job_id: RecordId, body: JobChange, session: SessionDep) -> JobOut:
    """Replace the job, its requirements and windows included."""
    return JobOut.of(job_records.replace(session, body.to_domain(job_id)))


@router.delete("/{job_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_job(job_id: RecordId, session: SessionDep) -> None:
    """Delete a job that no plan refers to (409 otherwise)."""
    job_records.delete(session, job_id)


@router.post("/{job_id}/cancel", response_model=CancelledOut)
def cancel(job_id: RecordId, session: SessionDep, now: NowDep) -> CancelledOut:
    """The customer no longer needs the visit: it is cancelled and leaves its day's published plan."""
    plan = cancel_visit(session, job_id, now=now)
    view = None if plan is None else view_of(session, plan)
    return CancelledOut(
        job_id=job_id,
        status=JobStatus.CANCELLED.value,
        plan=None if view is None else PublishedPlanOut.of(view.plan, view.jobs),
    )
