"""The published day plan, read-only (dispatchers only); planning jobs live beside it under /plans."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import SessionDep, require_dispatcher
from api.schemas.plans import PublishedPlanOut
from api.schemas.values import Day, Region
from dispatch.persistence.repositories import JobRepository, PlanRepository, RecordNotFound

router = APIRouter(prefix="/plans", tags=["plans"], dependencies=[Depends(require_dispatcher)])


@router.get("/published", response_model=PublishedPlanOut)
def published_plan(
    session: SessionDep,
    day: Annotated[Day, Query(description="The planned day, YYYY-MM-DD.")],
    region: Annotated[Region | None, Query(description="A regional plan; left out: all regions.")] = None,
) -> PublishedPlanOut:
    """The plan technicians and customers see for ``day``: routes in visit order and jobs left out."""
    plan = PlanRepository(session).published(day, region)
    if plan is None:
        where = f"region {region}" if region else "all regions"
        raise RecordNotFound(f"no published plan for {day} ({where})")
    jobs = JobRepository(session).get_many(plan.planned_job_ids)
    return PublishedPlanOut.of(plan, {job.id: job for job in jobs})
