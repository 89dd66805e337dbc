"""Contracts and the SLA tiers they are made under, as dispatchers keep them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatch.domain.contracts import Contract, SlaPolicy
from dispatch.domain.errors import DomainError
from dispatch.domain.listings import ContractFilter, Page
from dispatch.persistence.repositories import ContractRepository, SlaPolicyRepository
from dispatch.services.records import Records

contract_records = Records(ContractRepository)
sla_policy_records = Records(SlaPolicyRepository)


def sla_policy(session: Session, tier: str) -> SlaPolicy:
    """The SLA policy of ``tier``, which a new or changed contract must name; refused if there is none."""
    policy = SlaPolicyRepository(session).get(tier)
    if policy is None:
        raise DomainError(f"no SLA tier {tier!r}; see GET /sla-policies")
    return policy


def find_contracts(session: Session, filters: ContractFilter, *, limit: int, offset: int) -> Page[Contract]:
    """A page of the contracts matching ``filters``, by id."""
    return ContractRepository(session).find(filters, limit=limit, offset=offset)
