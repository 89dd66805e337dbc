"""SLA answers: tickets the plan will deliver late, and the compliance report per contract and month."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema

from api.schemas.values import FIRST_YEAR, LAST_YEAR
from dispatch.domain.contracts import Priority
from dispatch.domain.sla_compliance import TargetCounts, TargetOutcome, TimeFigures
from dispatch.services.sla_report import ContractMonth
from dispatch.services.sla_risk import TicketAtRisk


class TicketAtRiskOut(BaseModel):
    ticket_id: str
    priority: Priority
    contract_id: str
    site_id: str
    planned: bool = Field(description="Whether a route of the published plan visits the ticket.")
    job_id: str | None
    technician_id: str | None
    response_due: datetime | None = Field(description="None once the ticket has had its response.")
    resolution_due: datetime
    expected_arrival: datetime | None = Field(description="Estimated from the plan and the reports so far.")
    expected_completion: datetime | None
    response_late_s: int | None = Field(
        description="How late the arrival will be for the response target (unplanned: how late it is now)."
    )
    resolution_late_s: int | None = Field(
        description="How late the completion will be for the resolution target (unplanned: how late now)."
    )

    @classmethod
    def of(cls, risk: TicketAtRisk) -> TicketAtRiskOut:
        return cls(
            ticket_id=risk.ticket_id,
            priority=risk.priority,
            contract_id=risk.contract_id,
            site_id=risk.site_id,
            planned=risk.planned,
            job_id=risk.job_id,
            technician_id=risk.technician_id,
            response_due=risk.response_due,
            resolution_due=risk.resolution_due,
            expected_arrival=risk.expected_arrival,
            expected_completion=risk.expected_completion,
            response_late_s=None
            if risk.response_late_by is None
            else int(risk.response_late_by.total_seconds()),
            resolution_late_s=(
                None if risk.resolution_late_by is None else int(risk.resolution_late_by.total_seconds())
            ),
        )


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 4)


def _parse_month(value: object) -> date:
    if isinstance(value, date):
        return value.replace(day=1)
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}", text) is None:
        raise ValueError(f"{text!r} is not a month; write it as YYYY-MM, e.g. 2026-11")
    year, month = int(text[:4]), int(text[5:])
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} has no month {month}; months run from 01 to 12")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"{text!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}")
    return date(year, month, 1)


Month = Annotated[
    date,
    BeforeValidator(_parse_month),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}$", "examples": ["2026-11"]}),
]
"""A calendar month, ``YYYY-MM``."""


class CountsOut(BaseModel):
    met: int
    breached: int
    pending: int = Field(description="Not reached yet, and not yet due.")

    @classmethod
    def of(cls, counts: TargetCounts) -> CountsOut:
        return cls(met=counts.met, breached=counts.breached, pending=counts.pending)


class PriorityOut(BaseModel):
    priority: Priority
    tickets: int
    response: CountsOut
    resolution: CountsOut


class TimeOut(BaseModel):
    count: int = Field(description="Tickets that reached the target, with a time.")
    mean_h: float | None
    p90_h: float | None = Field(description="90th percentile.")

    @classmethod
    def of(cls, figures: TimeFigures) -> TimeOut:
        return cls(count=figures.count, mean_h=_hours(figures.mean), p90_h=_hours(figures.p90))


class TicketComplianceOut(BaseModel):
    ticket_id: str
    priority: Priority
    response: TargetOutcome
    resolution: TargetOutcome
    response_due: datetime = Field(description="After pauses.")
    resolution_due: datetime
    response_time_h: float | None = Field(description="SLA-clock hours: covered time, pauses excluded.")
    resolution_time_h: float | None
    paused_h: float


class ContractMonthOut(BaseModel):
    contract_id: str
    contract_name: str
    tier: str
    month: str = Field(description="YYYY-MM; tickets opened in it (UTC).")
    tickets: int
    response: CountsOut
    resolution: CountsOut
    by_priority: list[PriorityOut]
    response_time: TimeOut
    resolution_time: TimeOut
    paused_h: float = Field(description="Covered hours spent waiting on the customer.")
    ticket_details: list[TicketComplianceOut]

    @classmethod
    def of(cls, report: ContractMonth) -> ContractMonthOut:
        f = report.figures
        return cls(
            contract_id=report.contract_id,
            contract_name=report.contract_name,
            tier=report.tier,
            month=f"{report.month:%Y-%m}",
            tickets=f.tickets,
            response=CountsOut.of(f.response),
            resolution=CountsOut.of(f.resolution),
            by_priority=[
                PriorityOut(
                    priority=p.priority,
                    tickets=p.tickets,
                    response=CountsOut.of(p.response),
                    resolution=CountsOut.of(p.resolution),
                )
                for p in f.by_priority
            ],
            response_time=TimeOut.of(f.response_time),
            resolution_time=TimeOut.of(f.resolution_time),
            paused_h=_hours(f.paused) or 0.0,
            ticket_details=[
                TicketComplianceOut(
                    ticket_id=t.ticket_id,
                    priority=t.priority,
                    response=t.response,
                    resolution=t.resolution,
                    response_due=t.due.response_due,
                    resolution_due=t.due.resolution_due,
                    response_time_h=_hours(t.response_time),
                    resolution_time_h=_hours(t.resolution_time),
                    paused_h=_hours(t.paused) or 0.0,
                )
                for t in report.tickets
            ],
        )
