"""Customer sites: where onsite work happens (dispatchers; a customer user reads their organisation's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.deps import PageDep, SessionDep, ViewerUser, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.customers import SiteChange, SiteIn, SiteOut
from api.schemas.values import RecordId, Region, SearchText, UsState
from dispatch.domain.listings import SiteFilter
from dispatch.services.customer_scope import site_seen_by, sites_seen_by
from dispatch.services.customers import site_records

router = APIRouter(prefix="/sites", tags=["sites"])
_DISPATCHERS = [Depends(require_dispatcher)]


@router.get("", response_model=Page[SiteOut])
def list_sites(
    session: SessionDep,
    viewer: ViewerUser,
    paging: PageDep,
    customer_id: Annotated[RecordId | None, Query()] = None,
    region: Annotated[Region | None, Query()] = None,
    state: Annotated[UsState | None, Query()] = None,
    city: Annotated[SearchText | None, Query(description="Part of the city, any case.")] = None,
) -> Page[SiteOut]:
    """Sites by id, filtered by customer, dispatch region, US state or city (a customer user's: their
    organisation's only)."""
    filters = SiteFilter(customer_id=customer_id, region=region, state=state, city=city)
    found = sites_seen_by(session, viewer, filters, limit=paging.limit, offset=paging.offset)
    return page_out(found, SiteOut.of)


@router.post("", response_model=SiteOut, status_code=status.HTTP_201_CREATED, dependencies=_DISPATCHERS)
def create_site(body: SiteIn, session: SessionDep) -> SiteOut:
    """Add a site of an existing customer."""
    return SiteOut.of(site_records.add(session, body.to_domain(body.id)))


@router.get("/{site_id}", response_model=SiteOut)
def get_site(site_id: RecordId, session: SessionDep, viewer: ViewerUser) -> SiteOut:
    """The site (404 for another organisation's, to a customer user)."""
    return SiteOut.of(site_seen_by(session, viewer, site_id))


@router.put("/{site_id}", response_model=SiteOut, dependencies=_DISPATCHERS)
def update_site(site_id: RecordId, body: SiteChange, session: SessionDep) -> SiteOut:
    """Replace the site's details, access hours included."""
    return SiteOut.of(site_records.replace(session, body.to_domain(site_id)))


@router.delete("/{site_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=_DISPATCHERS)
def delete_site(site_id: RecordId, session: SessionDep) -> None:
    """Delete a site that no ticket or job refers to (409 otherwise)."""
    site_records.delete(session, site_id)
