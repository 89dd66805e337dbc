"""Technicians and their van stock (dispatchers only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.deps import NowDep, PageDep, SessionDep, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.technicians import TechnicianChange, TechnicianIn, TechnicianOut
from api.schemas.values import RecordId, Region, SearchText, SkillLevel, StockChange, StockLine, stock_lines
from dispatch.domain.listings import TechnicianFilter
from dispatch.services.technicians import (
    add_technician,
    carried_now,
    find_technicians,
    remove_van_stock_line,
    replace_technician,
    set_van_stock_line,
    technician_records,
)

router = APIRouter(prefix="/technicians", tags=["technicians"], dependencies=[Depends(require_dispatcher)])


@router.get("", response_model=Page[TechnicianOut])
def list_technicians(
    session: SessionDep,
    paging: PageDep,
    region: Annotated[Region | None, Query()] = None,
    skill: Annotated[RecordId | None, Query(description="Holds this skill ...")] = None,
    min_level: Annotated[SkillLevel, Query(description="... at this level or above.")] = 1,
    name: Annotated[SearchText | None, Query(description="Part of the name, any case.")] = None,
) -> Page[TechnicianOut]:
    """Technicians by id, filtered by region, skill (and minimum level) or name."""
    filters = TechnicianFilter(region=region, skill=skill, min_level=min_level, name=name)
    found = find_technicians(session, filters, limit=paging.limit, offset=paging.offset)
    return page_out(found, TechnicianOut.of)


@router.post("", response_model=TechnicianOut, status_code=status.HTTP_201_CREATED)
def create_technician(body: TechnicianIn, session: SessionDep) -> TechnicianOut:
    """Add a technician; the skills and stocked parts must exist, and the e-mail be no one else's (409)."""
    return TechnicianOut.of(add_technician(session, body.to_domain(body.id)))


@router.get("/{technician_id}", response_model=TechnicianOut)
def get_technician(technician_id: RecordId, session: SessionDep) -> TechnicianOut:
    return TechnicianOut.of(technician_records.get(session, technician_id))


@router.put("/{technician_id}", response_model=TechnicianOut)
def update_technician(technician_id: RecordId, body: TechnicianChange, session: SessionDep) -> TechnicianOut:
    """Replace the technician, calendar, skills and van stock included; another's e-mail is a 409."""
    return TechnicianOut.of(replace_technician(session, body.to_domain(technician_id)))


@router.delete("/{technician_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_technician(technician_id: RecordId, session: SessionDep) -> None:
    """Delete a technician that no plan, pinned job or login refers to (409 otherwise)."""
    technician_records.delete(session, technician_id)


@router.get("/{technician_id}/van-stock", response_model=list[StockLine])
def get_van_stock(technician_id: RecordId, session: SessionDep) -> list[StockLine]:
    """What the technician's van carries, by SKU."""
    return stock_lines(technician_records.get(session, technician_id).van_stock)


@router.get("/{technician_id}/van-stock-now", response_model=list[StockLine])
def get_van_stock_now(technician_id: RecordId, session: SessionDep, now: NowDep) -> list[StockLine]:
    """What the van carries now: the stored stock plus the parts recorded since as used at visits or
    picked up at depots (the stored stock changes only when the day is settled)."""
    return stock_lines(carried_now(session, technician_id, now))


@router.put("/{technician_id}/van-stock/{sku}", response_model=list[StockLine])
def set_van_stock(
    technician_id: RecordId, sku: RecordId, body: StockChange, session: SessionDep
) -> list[StockLine]:
    """Set how many of one part the van carries (0 keeps the line, DELETE removes it)."""
    return stock_lines(set_van_stock_line(session, technician_id, sku, body.quantity))


@router.delete("/{technician_id}/van-stock/{sku}", response_model=list[StockLine])
def remove_van_stock(technician_id: RecordId, sku: RecordId, session: SessionDep) -> list[StockLine]:
    """Remove one part from the van's stock list; a part not listed is a 404."""
    return stock_lines(remove_van_stock_line(session, technician_id, sku))
