"""Customers: the businesses the provider serves (dispatchers only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.deps import PageDep, SessionDep, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.customers import CustomerChange, CustomerIn, CustomerOut
from api.schemas.values import RecordId, SearchText
from dispatch.domain.customers import Customer
from dispatch.domain.listings import CustomerFilter
from dispatch.services.customers import customer_records, find_customers

router = APIRouter(prefix="/customers", tags=["customers"], dependencies=[Depends(require_dispatcher)])


@router.get("", response_model=Page[CustomerOut])
def list_customers(
    session: SessionDep,
    paging: PageDep,
    name: Annotated[SearchText | None, Query(description="Part of the name, any case.")] = None,
) -> Page[CustomerOut]:
    """Customers by id, optionally those whose name contains ``name``."""
    found = find_customers(session, CustomerFilter(name=name), limit=paging.limit, offset=paging.offset)
    return page_out(found, CustomerOut.of)


@router.post("", response_model=CustomerOut, status_code=status.HTTP_201_CREATED)
def create_customer(body: CustomerIn, session: SessionDep) -> CustomerOut:
    """Add a customer; an id already used is a 409."""
    return CustomerOut.of(customer_records.add(session, body.to_domain()))


@router.get("/{customer_id}", response_model=CustomerOut)
def get_customer(customer_id: RecordId, session: SessionDep) -> CustomerOut:
    return CustomerOut.of(customer_records.get(session, customer_id))


@router.put("/{customer_id}", response_model=CustomerOut)
def update_customer(customer_id: RecordId, body: CustomerChange, session: SessionDep) -> CustomerOut:
    """Replace the customer's details."""
    return CustomerOut.of(customer_records.replace(session, Customer(id=customer_id, name=body.name)))


@router.delete("/{customer_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_customer(customer_id: RecordId, session: SessionDep) -> None:
    """Delete a customer that no site or contract refers to (409 otherwise)."""
    customer_records.delete(session, customer_id)
