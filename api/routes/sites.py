"""Customer sites: where onsite work happens (dispatchers only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy import ColumnElement

from api.deps import PageDep, SessionDep, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.customers import SiteChange, SiteIn, SiteOut
from api.schemas.values import RecordId, Region, SearchText, UsState
from dispatch.persistence.repositories import SiteRepository
from dispatch.persistence.repositories.paging import contains, delete_record, page_of

router = APIRouter(prefix="/sites", tags=["sites"], dependencies=[Depends(require_dispatcher)])


@router.get("", response_model=Page[SiteOut])
def list_sites(
    session: SessionDep,
    paging: PageDep,
    customer_id: Annotated[RecordId | None, Query()] = None,
    region: Annotated[Region | None, Query()] = None,
    state: Annotated[UsState | None, Query()] = None,
    city: Annotated[SearchText | None, Query(description="Part of the city, any case.")] = None,
) -> Page[SiteOut]:
    """Sites by id, filtered by customer, dispatch region, US state or city."""
    repository = SiteRepository(session)
    c = repository.table.c
    conditions: list[ColumnElement[bool]] = []
    if customer_id is not None:
        conditions.append(c.customer_id == customer_id)
    if region is not None:
        conditions.append(c.region == region)
    if state is not None:
        conditions.append(c.state == state)
    if city:
        conditions.append(contains(c.city, city))
    return page_out(page_of(repository, conditions, limit=paging.limit, offset=paging.offset), SiteOut.of)


@router.post("", response_model=SiteOut, status_code=status.HTTP_201_CREATED)
def create_site(body: SiteIn, session: SessionDep) -> SiteOut:
    """Add a site of an existing customer."""
    site = body.to_domain(body.id)
    SiteRepository(session).add(site)
    return SiteOut.of(site)


@router.get("/{site_id}", response_model=SiteOut)
def get_site(site_id: RecordId, session: SessionDep) -> SiteOut:
    return SiteOut.of(SiteRepository(session).require(site_id))


@router.put("/{site_id}", response_model=SiteOut)
def update_site(site_id: RecordId, body: SiteChange, session: SessionDep) -> SiteOut:
    """Replace the site's details, access hours included."""
    site = body.to_domain(site_id)
    SiteRepository(session).update(site)
    return SiteOut.of(site)


@router.delete("/{site_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_site(site_id: RecordId, session: SessionDep) -> None:
    """Delete a site that no ticket or job refers to (409 otherwise)."""
    delete_record(SiteRepository(session), site_id)
