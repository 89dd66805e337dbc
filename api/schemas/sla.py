"""SLA answers: tickets the plan will deliver late, and the compliance report per contract and month."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from dispatch.domain.contracts import Priority
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
