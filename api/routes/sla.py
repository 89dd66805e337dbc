"""SLA views for dispatchers: tickets at risk of breach on a day, and compliance reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import NowDep, SessionDep, require_dispatcher
from api.schemas.common import RecordId
from api.schemas.sla import ContractMonthOut, Month, TicketAtRiskOut
from api.schemas.values import Day
from dispatch.services.sla_report import sla_compliance
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


@router.get("/reports/sla", response_model=list[ContractMonthOut])
def sla_report(
    session: SessionDep,
    now: NowDep,
    month: Annotated[Month, Query(description="The month, YYYY-MM; tickets opened in it (UTC).")],
    contract: Annotated[RecordId | None, Query(description="Only this contract.")] = None,
) -> list[ContractMonthOut]:
    """SLA compliance of the tickets opened in ``month``, per contract: targets met, breached and pending
    (overall and by priority), response and resolution times on the SLA clock (mean, 90th percentile) and
    time paused waiting on the customer. Without ``contract``, every contract with tickets that month."""
    return [ContractMonthOut.of(r) for r in sla_compliance(session, month, now, contract_id=contract)]
