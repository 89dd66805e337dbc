"""Contracts and the SLA tiers they use (dispatchers only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.deps import PageDep, SessionDep, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.contracts import ContractChange, ContractIn, ContractOut, SlaPolicyOut
from api.schemas.values import Day, RecordId
from dispatch.domain.contracts import Contract
from dispatch.domain.listings import ContractFilter
from dispatch.services.contracts import contract_records, find_contracts, sla_policy, sla_policy_records

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
    filters = ContractFilter(customer_id=customer_id, tier=tier, active_on=active_on)
    return page_out(
        find_contracts(session, filters, limit=paging.limit, offset=paging.offset), ContractOut.of
    )


def _contract(session: SessionDep, contract_id: str, body: ContractChange) -> Contract:
    return body.to_domain(contract_id, sla_policy(session, body.sla_tier))


@router.post("/contracts", response_model=ContractOut, status_code=status.HTTP_201_CREATED)
def create_contract(body: ContractIn, session: SessionDep) -> ContractOut:
    """Add a contract of an existing customer under an existing SLA tier."""
    return ContractOut.of(contract_records.add(session, _contract(session, body.id, body)))


@router.get("/contracts/{contract_id}", response_model=ContractOut)
def get_contract(contract_id: RecordId, session: SessionDep) -> ContractOut:
    return ContractOut.of(contract_records.get(session, contract_id))


@router.put("/contracts/{contract_id}", response_model=ContractOut)
def update_contract(contract_id: RecordId, body: ContractChange, session: SessionDep) -> ContractOut:
    return ContractOut.of(contract_records.replace(session, _contract(session, contract_id, body)))


@router.delete("/contracts/{contract_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_contract(contract_id: RecordId, session: SessionDep) -> None:
    """Delete a contract that no ticket refers to (409 otherwise)."""
    contract_records.delete(session, contract_id)


@router.get("/sla-policies", response_model=Page[SlaPolicyOut], tags=["contracts"])
def list_sla_policies(session: SessionDep, paging: PageDep) -> Page[SlaPolicyOut]:
    """SLA tiers with their targets per priority and coverage hours."""
    return page_out(
        sla_policy_records.page(session, limit=paging.limit, offset=paging.offset), SlaPolicyOut.of
    )
