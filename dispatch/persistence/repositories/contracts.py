"""Repositories of SLA policies and the contracts that reference them."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from sqlalchemy import ColumnElement, or_
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from dispatch.domain.contracts import Contract, Coverage, Priority, SlaPolicy, SlaTarget
from dispatch.domain.errors import DomainError
from dispatch.domain.listings import ContractFilter, Page
from dispatch.persistence.models import (
    ContractRow,
    SlaCoverageHoursRow,
    SlaPolicyRow,
    SlaTargetRow,
    table_of,
)
from dispatch.persistence.repositories._base import Child, ChildRows, Repository, RowsByTable
from dispatch.persistence.repositories._conversions import (
    weekly_hours_from_rows,
    weekly_hours_rows,
    whole_seconds,
)

_TARGETS = table_of(SlaTargetRow)
_COVERAGE_HOURS = table_of(SlaCoverageHoursRow)


class SlaPolicyRepository(Repository[SlaPolicy]):
    """SLA tiers, stored once and shared by every contract of that tier."""

    table = table_of(SlaPolicyRow)
    key = "tier"
    children = (
        Child(_TARGETS, "tier", "priority"),
        Child(_COVERAGE_HOURS, "tier", "weekday", "position"),
    )

    def key_of(self, item: SlaPolicy) -> str:
        return item.tier

    def to_rows(self, item: SlaPolicy) -> RowsByTable:
        targets = [
            {
                "tier": item.tier,
                "priority": priority.value,
                "response_s": whole_seconds(target.response),
                "resolution_s": whole_seconds(target.resolution),
            }
            for priority, target in item.targets.items()
        ]
        return {
            self.table: [
                {
                    "tier": item.tier,
                    "holiday_country": item.coverage.holiday_country,
                    "hard_deadlines": item.hard_deadlines,
                    "maintenance_every_days": item.maintenance_every_days,
                }
            ],
            _TARGETS: targets,
            _COVERAGE_HOURS: weekly_hours_rows(item.coverage.hours, tier=item.tier),
        }

    def from_rows(self, row: RowMapping, children: ChildRows) -> SlaPolicy:
        targets = {
            Priority(target["priority"]): SlaTarget(
                response=timedelta(seconds=target["response_s"]),
                resolution=timedelta(seconds=target["resolution_s"]),
            )
            for target in children[_TARGETS]
        }
        coverage = Coverage(
            hours=weekly_hours_from_rows(children[_COVERAGE_HOURS]), holiday_country=row["holiday_country"]
        )
        return SlaPolicy(
            tier=row["tier"],
            targets=targets,
            coverage=coverage,
            hard_deadlines=bool(row["hard_deadlines"]),
            maintenance_every_days=row["maintenance_every_days"],
        )

    def list(self, *, limit: int | None = None, offset: int = 0) -> builtins.list[SlaPolicy]:
        """SLA policies by tier."""
        return self._select([], limit=limit, offset=offset)

    def ensure(self, policies: Iterable[SlaPolicy]) -> None:
        """Store the policies not stored yet; a tier stored with other terms is refused, not overwritten."""
        wanted: dict[str, SlaPolicy] = {}
        for policy in policies:
            known = wanted.setdefault(policy.tier, policy)
            if known != policy:
                raise DomainError(f"SLA tier {policy.tier!r} is given with two different sets of terms")
        stored = {policy.tier: policy for policy in self.get_many(builtins.list(wanted))}
        for tier, policy in stored.items():
            if wanted[tier] != policy:
                raise DomainError(
                    f"SLA tier {tier!r} is stored with other terms; update the policy itself to change them"
                )
        self.add_many(policy for tier, policy in wanted.items() if tier not in stored)


class ContractRepository(Repository[Contract]):
    """Contracts; their SLA policy is stored by tier on first use and shared afterwards."""

    table = table_of(ContractRow)
    key = "id"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.policies = SlaPolicyRepository(self.session)
        self._policy_cache: dict[str, SlaPolicy] = {}

    def key_of(self, item: Contract) -> str:
        return item.id

    def to_rows(self, item: Contract) -> RowsByTable:
        row = {
            "id": item.id,
            "customer_id": item.customer_id,
            "name": item.name,
            "sla_tier": item.sla.tier,
            "starts_on": item.starts_on,
            "ends_on": item.ends_on,
        }
        return {self.table: [row]}

    def from_rows(self, row: RowMapping, children: ChildRows) -> Contract:
        tier = row["sla_tier"]
        if tier not in self._policy_cache:
            self._policy_cache[tier] = self.policies.require(tier)
        return Contract(
            id=row["id"],
            customer_id=row["customer_id"],
            name=row["name"],
            sla=self._policy_cache[tier],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
        )

    def add_many(self, items: Iterable[Contract]) -> None:
        contracts = builtins.list(items)
        self.policies.ensure(contract.sla for contract in contracts)
        super().add_many(contracts)

    def update(self, item: Contract) -> None:
        self.policies.ensure([item.sla])
        super().update(item)

    def _select(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int | None = None, offset: int = 0
    ) -> builtins.list[Contract]:
        # Reading every contract reads every policy once; a page reads only the tiers it meets.
        if not conditions and limit is None:
            self._policy_cache = {policy.tier: policy for policy in self.policies.all()}
        else:
            self._policy_cache = {}
        return super()._select(conditions, limit=limit, offset=offset)

    def list(
        self,
        *,
        customer_id: str | None = None,
        tier: str | None = None,
        active_on: date | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> builtins.list[Contract]:
        """Contracts by id, optionally of one customer, of one SLA tier, or in force on a day."""
        filters = ContractFilter(customer_id=customer_id, tier=tier, active_on=active_on)
        return self._select(self._matching(filters), limit=limit, offset=offset)

    def find(self, filters: ContractFilter, *, limit: int, offset: int) -> Page[Contract]:
        """A page of the contracts matching ``filters``, by id."""
        return self._page(self._matching(filters), limit=limit, offset=offset)

    def _matching(self, filters: ContractFilter) -> builtins.list[ColumnElement[bool]]:
        c = self.table.c
        conditions: builtins.list[ColumnElement[bool]] = []
        if filters.customer_id is not None:
            conditions.append(c.customer_id == filters.customer_id)
        if filters.tier is not None:
            conditions.append(c.sla_tier == filters.tier)
        if filters.active_on is not None:
            conditions.append(c.starts_on <= filters.active_on)
            conditions.append(or_(c.ends_on.is_(None), c.ends_on >= filters.active_on))
        return conditions
