"""Customers: the businesses the provider serves (dispatchers only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy import ColumnElement

from api.deps import PageDep, SessionDep, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.customers import CustomerChange, CustomerIn, CustomerOut
from api.schemas.values import RecordId, SearchText
from dispatch.domain.customers import Customer
from dispatch.persistence.repositories import CustomerRepository
from dispatch.persistence.repositories.paging import contains, delete_record, page_of

router = APIRouter(prefix="/customers", tags=["customers"], dependencies=[Depends(require_dispatcher)])


@router.get("", response_model=Page[CustomerOut])
def list_customers(
    session: SessionDep,
    paging: PageDep,
    name: Annotated[SearchText | None, Query(description="Part of the name, any case.")] = None,
) -> Page[CustomerOut]:
    """Customers by id, optionally those whose name contains ``name``."""
    repository = CustomerRepository(session)
    conditions: list[ColumnElement[bool]] = []
    if name:
        conditions.append(contains(repository.table.c.name, name))
    found = page_of(repository, conditions, limit=paging.limit, offset=paging.offset)
    return page_out(found, CustomerOut.of)


@router.post("", response_model=CustomerOut, status_code=status.HTTP_201_CREATED)
def create_customer(body: CustomerIn, session: SessionDep) -> CustomerOut:
    """Add a customer; an id already used is a 409."""
    customer = body.to_domain()
    CustomerRepository(session).add(customer)
    return CustomerOut.of(customer)


@router.get("/{customer_id}", response_model=CustomerOut)
def get_customer(customer_id: RecordId, session: SessionDep) -> CustomerOut:
    return CustomerOut.of(CustomerRepository(session).require(customer_id))


@router.put("/{customer_id}", response_model=CustomerOut)
def update_customer(customer_id: RecordId, body: CustomerChange, session: SessionDep) -> CustomerOut:
    """Replace the customer's details."""
    customer = Customer(id=customer_id, name=body.name)
    CustomerRepository(session).update(customer)
    return CustomerOut.of(customer)


@router.delete("/{customer_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_customer(customer_id: RecordId, session: SessionDep) -> None:
    """Delete a customer that no site or contract refers to (409 otherwise)."""
    delete_record(CustomerRepository(session), customer_id)
