"""The published day plan, read-only (dispatchers only); planning jobs live beside it under /plans."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api.deps import SessionDep, require_dispatcher
from api.schemas.plans import PublishedPlanOut
from api.schemas.tickets import AuditEntryOut
from api.schemas.values import Day, Region
from dispatch.services.audit import plan_trail
from dispatch.services.published_plan import published_plan

router = APIRouter(prefix="/plans", tags=["plans"], dependencies=[Depends(require_dispatcher)])


@router.get("/published", response_model=PublishedPlanOut)
def published(
    session: SessionDep,
    response: Response,
    day: Annotated[Day, Query(description="The planned day, YYYY-MM-DD.")],
    region: Annotated[Region | None, Query(description="Only this region's part of the day's plan.")] = None,
) -> PublishedPlanOut:
    """The plan technicians and customers see for ``day``: routes in visit order and jobs left out.

    The ``ETag`` is the plan's version: send it as ``If-Match`` with an edit, so that an edit made from a
    plan someone else has replaced meanwhile is refused (412) instead of undoing their change.
    """
    view = published_plan(session, day, region)
    response.headers["ETag"] = f'"{view.version}"'
    return PublishedPlanOut.of(view.plan, view.jobs)


@router.get("/{day}/audit", response_model=list[AuditEntryOut])
def plan_audit(day: Day, session: SessionDep) -> list[AuditEntryOut]:
    """Every change to the plan of ``day``: plans published (by whom, from which version to which, why),
    days locked and unlocked, oldest first. Pins and job changes are on each ticket's trail."""
    return [AuditEntryOut.of(e) for e in plan_trail(session, day)]
