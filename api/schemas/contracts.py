"""Contracts and their SLA terms as the API shows and accepts them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from api.schemas.common import RequestModel
from api.schemas.values import Day, Name, RecordId
from dispatch.domain.contracts import Contract, Priority, SlaPolicy


class ContractChange(RequestModel):
    customer_id: RecordId
    name: Name
    sla_tier: RecordId
    starts_on: Day
    ends_on: Day | None = None

    def to_domain(self, contract_id: str, policy: SlaPolicy) -> Contract:
        return Contract(
            id=contract_id,
            customer_id=self.customer_id,
            name=self.name,
            sla=policy,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
        )


class ContractIn(ContractChange):
    id: RecordId


class SlaTargetOut(BaseModel):
    response_min: int
    resolution_min: int


class SlaPolicyOut(BaseModel):
    tier: str
    targets: dict[Priority, SlaTargetOut]
    coverage_hours: str
    holiday_country: str | None
    hard_deadlines: bool = Field(description="Due times bind the planner: no visit is planned past them.")

    @classmethod
    def of(cls, policy: SlaPolicy) -> SlaPolicyOut:
        return cls(
            tier=policy.tier,
            targets={
                priority: SlaTargetOut(
                    response_min=int(target.response.total_seconds() // 60),
                    resolution_min=int(target.resolution.total_seconds() // 60),
                )
                for priority, target in sorted(policy.targets.items())
            },
            coverage_hours=policy.coverage.hours.describe(),
            holiday_country=policy.coverage.holiday_country,
            hard_deadlines=policy.hard_deadlines,
        )


class ContractOut(BaseModel):
    id: str
    customer_id: str
    name: str
    sla: SlaPolicyOut
    starts_on: date
    ends_on: date | None

    @classmethod
    def of(cls, contract: Contract) -> ContractOut:
        return cls(
            id=contract.id,
            customer_id=contract.customer_id,
            name=contract.name,
            sla=SlaPolicyOut.of(contract.sla),
            starts_on=contract.starts_on,
            ends_on=contract.ends_on,
        )
