"""Contracts and the SLA tiers they use (dispatchers only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import Session

from api.deps import PageDep, SessionDep, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.contracts import ContractChange, ContractIn, ContractOut, SlaPolicyOut
from api.schemas.values import Day, RecordId
from dispatch.domain.contracts import Contract
from dispatch.domain.errors import DomainError
from dispatch.persistence.repositories import ContractRepository, SlaPolicyRepository
from dispatch.persistence.repositories.paging import delete_record, page_of

router = APIRouter(tags=["contracts"], dependencies=[Depends(require_dispatcher)])


@router.get("/contracts", response_model=Page[ContractOut])
def list_contracts(
    session: SessionDep,
    paging: PageDep,
    customer_id: Annotated[RecordId | None, Query()] = None,
    tier: Annotated[RecordId | None, Query(description="SLA tier.")] = None,
    active_on: Annotated[Day | None, Query(description="In force on this day.")] = None,
) -> Page[ContractOut]:
    """Contracts by id, filtered by customer, SLA tier, or being in force on a day."""
    repository = ContractRepository(session)
    c = repository.table.c
    conditions: list[ColumnElement[bool]] = []
    if customer_id is not None:
        conditions.append(c.customer_id == customer_id)
    if tier is not None:
        conditions.append(c.sla_tier == tier)
    if active_on is not None:
        conditions += [c.starts_on <= active_on, or_(c.ends_on.is_(None), c.ends_on >= active_on)]
    return page_out(page_of(repository, conditions, limit=paging.limit, offset=paging.offset), ContractOut.of)


def _contract(session: Session, contract_id: str, body: ContractChange) -> Contract:
    policy = SlaPolicyRepository(session).get(body.sla_tier)
    if policy is None:
        raise DomainError(f"no SLA tier {body.sla_tier!r}; see GET /sla-policies")
    return body.to_domain(contract_id, policy)


@router.post("/contracts", response_model=ContractOut, status_code=status.HTTP_201_CREATED)
def create_contract(body: ContractIn, session: SessionDep) -> ContractOut:
    """Add a contract of an existing customer under an existing SLA tier."""
    contract = _contract(session, body.id, body)
    ContractRepository(session).add(contract)
    return ContractOut.of(contract)


@router.get("/contracts/{contract_id}", response_model=ContractOut)
def get_contract(contract_id: RecordId, session: SessionDep) -> ContractOut:
    return ContractOut.of(ContractRepository(session).require(contract_id))


@router.put("/contracts/{contract_id}", response_model=ContractOut)
def update_contract(contract_id: RecordId, body: ContractChange, session: SessionDep) -> ContractOut:
    contract = _contract(session, contract_id, body)
    ContractRepository(session).update(contract)
    return ContractOut.of(contract)


@router.delete("/contracts/{contract_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_contract(contract_id: RecordId, session: SessionDep) -> None:
    """Delete a contract that no ticket refers to (409 otherwise)."""
    delete_record(ContractRepository(session), contract_id)


@router.get("/sla-policies", response_model=Page[SlaPolicyOut], tags=["contracts"])
def list_sla_policies(session: SessionDep, paging: PageDep) -> Page[SlaPolicyOut]:
    """SLA tiers with their targets per priority and coverage hours."""
    repository = SlaPolicyRepository(session)
    return page_out(page_of(repository, [], limit=paging.limit, offset=paging.offset), SlaPolicyOut.of)
