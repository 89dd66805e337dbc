"""The day's plan as a dispatcher reads it (dispatchers only): what the board and the map draw."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api.deps import NowDep, SessionDep, SettingsDep, require_dispatcher
from api.schemas.plan_view import PlanDayViewOut
from api.schemas.values import Day
from dispatch.domain.contracts import Priority
from dispatch.services.plan_view import ViewFilters, plan_day_view

router = APIRouter(prefix="/plans/{day}", tags=["plans"], dependencies=[Depends(require_dispatcher)])


class ViewQuery:
    """The board's filters: region, skill, priority and contract tier."""

    def __init__(
        self,
        region: Annotated[
            str | None, Query(min_length=1, max_length=80, description="Only this region.")
        ] = None,
        skill: Annotated[
            str | None,
            Query(min_length=1, max_length=80, description="Technicians holding it, jobs needing it."),
        ] = None,
        priority: Annotated[Priority | None, Query(description="Only jobs of this priority.")] = None,
        tier: Annotated[
            str | None,
            Query(min_length=1, max_length=80, description="Only jobs under contracts of this SLA tier."),
        ] = None,
    ) -> None:
        self.filters = ViewFilters(region=region, skill=skill, priority=priority, tier=tier)


ViewQueryDep = Annotated[ViewQuery, Depends()]


@router.get("/view", response_model=PlanDayViewOut)
def plan_view(
    day: Day,
    query: ViewQueryDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    response: Response,
    proposal: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            description="A proposed re-plan's id (a preview plan job's ``plan_id``): show it instead.",
        ),
    ] = None,
) -> PlanDayViewOut:
    """The published plan of ``day`` with names, addresses, coordinates and local time zones: each
    technician's shift, route (estimated and planned times, priorities, SLA outlook, the customer's
    window), last known position; the jobs left out with the reason in plain words and the nearest
    technicians with what each lacks; depots; and the day's key figures.

    The ``ETag`` is the plan's version, to send as ``If-Match`` with an edit. With ``proposal``, the
    proposed re-plan is shown in its place, with the plan in force's figures beside it."""
    view = plan_day_view(
        session,
        day,
        now=now,
        filters=query.filters,
        provider_timezone=settings.provider_timezone,
        proposal_id=proposal,
    )
    response.headers["ETag"] = f'"{view.version}"'
    return PlanDayViewOut.of(view)
