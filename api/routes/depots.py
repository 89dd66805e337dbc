"""Depots and their stock of spare parts (dispatchers only)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy import ColumnElement

from api.deps import PageDep, SessionDep, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.technicians import DepotChange, DepotIn, DepotOut
from api.schemas.values import RecordId, SearchText, StockChange, StockLine, stock_lines
from dispatch.domain.catalogue import with_stock_line, without_stock_line
from dispatch.persistence.repositories import DepotRepository, RecordNotFound
from dispatch.persistence.repositories.paging import contains, delete_record, page_of

router = APIRouter(prefix="/depots", tags=["depots"], dependencies=[Depends(require_dispatcher)])


@router.get("", response_model=Page[DepotOut])
def list_depots(
    session: SessionDep,
    paging: PageDep,
    name: Annotated[SearchText | None, Query(description="Part of the name, any case.")] = None,
) -> Page[DepotOut]:
    """Depots by id, optionally by name."""
    repository = DepotRepository(session)
    conditions: list[ColumnElement[bool]] = []
    if name:
        conditions.append(contains(repository.table.c.name, name))
    return page_out(page_of(repository, conditions, limit=paging.limit, offset=paging.offset), DepotOut.of)


@router.post("", response_model=DepotOut, status_code=status.HTTP_201_CREATED)
def create_depot(body: DepotIn, session: SessionDep) -> DepotOut:
    depot = body.to_domain(body.id)
    DepotRepository(session).add(depot)
    return DepotOut.of(depot)


@router.get("/{depot_id}", response_model=DepotOut)
def get_depot(depot_id: RecordId, session: SessionDep) -> DepotOut:
    return DepotOut.of(DepotRepository(session).require(depot_id))


@router.put("/{depot_id}", response_model=DepotOut)
def update_depot(depot_id: RecordId, body: DepotChange, session: SessionDep) -> DepotOut:
    depot = body.to_domain(depot_id)
    DepotRepository(session).update(depot)
    return DepotOut.of(depot)


@router.delete("/{depot_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_depot(depot_id: RecordId, session: SessionDep) -> None:
    """Delete a depot that no plan visits (409 otherwise)."""
    delete_record(DepotRepository(session), depot_id)


@router.get("/{depot_id}/stock", response_model=list[StockLine])
def get_depot_stock(depot_id: RecordId, session: SessionDep) -> list[StockLine]:
    """What the depot holds, by SKU."""
    return stock_lines(DepotRepository(session).require(depot_id).stock)


@router.put("/{depot_id}/stock/{sku}", response_model=list[StockLine])
def set_depot_stock(
    depot_id: RecordId, sku: RecordId, body: StockChange, session: SessionDep
) -> list[StockLine]:
    """Set how many of one part the depot holds."""
    repository = DepotRepository(session)
    depot = repository.require(depot_id)
    changed = replace(depot, stock=with_stock_line(depot.stock, sku, body.quantity))
    repository.update(changed)
    return stock_lines(changed.stock)


@router.delete("/{depot_id}/stock/{sku}", response_model=list[StockLine])
def remove_depot_stock(depot_id: RecordId, sku: RecordId, session: SessionDep) -> list[StockLine]:
    """Remove one part from the depot's stock list; a part not listed is a 404."""
    repository = DepotRepository(session)
    depot = repository.require(depot_id)
    try:
        changed = replace(depot, stock=without_stock_line(depot.stock, sku, f"depot {depot_id}"))
    except LookupError as missing:
        raise RecordNotFound(str(missing)) from None
    repository.update(changed)
    return stock_lines(changed.stock)
