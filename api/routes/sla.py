"""SLA views for dispatchers: tickets at risk of breach on a day, and compliance reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import NowDep, SessionDep, require_dispatcher
from api.schemas.sla import TicketAtRiskOut
from api.schemas.values import Day
from dispatch.services.sla_risk import tickets_at_risk

router = APIRouter(tags=["sla"], dependencies=[Depends(require_dispatcher)])


@router.get("/tickets/at-risk", response_model=list[TicketAtRiskOut])
def at_risk(
    session: SessionDep, now: NowDep, day: Annotated[Day, Query(description="The day, YYYY-MM-DD.")]
) -> list[TicketAtRiskOut]:
    """Open tickets the day's published plan, moved by the reports so far, will reach after their response
    due time or complete after their resolution due time, latest first; then open tickets on no route
    that fall due by the end of the day at their site."""
    return [TicketAtRiskOut.of(r) for r in tickets_at_risk(session, day, now)]
