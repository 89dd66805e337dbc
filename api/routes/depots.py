"""Depots and their stock of spare parts (dispatchers only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.deps import PageDep, SessionDep, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.technicians import DepotChange, DepotIn, DepotOut
from api.schemas.values import RecordId, SearchText, StockChange, StockLine, stock_lines
from dispatch.domain.listings import DepotFilter
from dispatch.services.depots import (
    depot_records,
    find_depots,
    remove_depot_stock_line,
    set_depot_stock_line,
)

router = APIRouter(prefix="/depots", tags=["depots"], dependencies=[Depends(require_dispatcher)])


@router.get("", response_model=Page[DepotOut])
def list_depots(
    session: SessionDep,
    paging: PageDep,
    name: Annotated[SearchText | None, Query(description="Part of the name, any case.")] = None,
) -> Page[DepotOut]:
    """Depots by id, optionally by name."""
    found = find_depots(session, DepotFilter(name=name), limit=paging.limit, offset=paging.offset)
    return page_out(found, DepotOut.of)


@router.post("", response_model=DepotOut, status_code=status.HTTP_201_CREATED)
def create_depot(body: DepotIn, session: SessionDep) -> DepotOut:
    return DepotOut.of(depot_records.add(session, body.to_domain(body.id)))


@router.get("/{depot_id}", response_model=DepotOut)
def get_depot(depot_id: RecordId, session: SessionDep) -> DepotOut:
    return DepotOut.of(depot_records.get(session, depot_id))


@router.put("/{depot_id}", response_model=DepotOut)
def update_depot(depot_id: RecordId, body: DepotChange, session: SessionDep) -> DepotOut:
    return DepotOut.of(depot_records.replace(session, body.to_domain(depot_id)))


@router.delete("/{depot_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_depot(depot_id: RecordId, session: SessionDep) -> None:
    """Delete a depot that no plan visits (409 otherwise)."""
    depot_records.delete(session, depot_id)


@router.get("/{depot_id}/stock", response_model=list[StockLine])
def get_depot_stock(depot_id: RecordId, session: SessionDep) -> list[StockLine]:
    """What the depot holds, by SKU."""
    return stock_lines(depot_records.get(session, depot_id).stock)


@router.put("/{depot_id}/stock/{sku}", response_model=list[StockLine])
def set_depot_stock(
    depot_id: RecordId, sku: RecordId, body: StockChange, session: SessionDep
) -> list[StockLine]:
    """Set how many of one part the depot holds."""
    return stock_lines(set_depot_stock_line(session, depot_id, sku, body.quantity))


@router.delete("/{depot_id}/stock/{sku}", response_model=list[StockLine])
def remove_depot_stock(depot_id: RecordId, sku: RecordId, session: SessionDep) -> list[StockLine]:
    """Remove one part from the depot's stock list; a part not listed is a 404."""
    return stock_lines(remove_depot_stock_line(session, depot_id, sku))
