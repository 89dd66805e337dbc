"""Technicians and their van stock (dispatchers only)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy import ColumnElement

from api.deps import NowDep, PageDep, SessionDep, require_dispatcher
from api.schemas.common import Page, page_out
from api.schemas.technicians import TechnicianChange, TechnicianIn, TechnicianOut
from api.schemas.values import RecordId, Region, SearchText, SkillLevel, StockChange, StockLine, stock_lines
from dispatch.domain.catalogue import with_stock_line, without_stock_line
from dispatch.domain.errors import Conflict
from dispatch.domain.technicians import Technician
from dispatch.persistence.repositories import RecordNotFound, TechnicianRepository
from dispatch.persistence.repositories.paging import contains, delete_record, page_of
from dispatch.persistence.repositories.technicians import holders_of
from dispatch.services.report_effects import van_stock_now

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
    repository = TechnicianRepository(session)
    c = repository.table.c
    conditions: list[ColumnElement[bool]] = []
    if region is not None:
        conditions.append(c.region == region)
    if skill is not None:
        conditions.append(c.id.in_(holders_of(skill, min_level)))
    if name:
        conditions.append(contains(c.name, name))
    return page_out(
        page_of(repository, conditions, limit=paging.limit, offset=paging.offset), TechnicianOut.of
    )


@router.post("", response_model=TechnicianOut, status_code=status.HTTP_201_CREATED)
def create_technician(body: TechnicianIn, session: SessionDep) -> TechnicianOut:
    """Add a technician; the skills and stocked parts must exist, and the e-mail be no one else's (409)."""
    technician = body.to_domain(body.id)
    repository = TechnicianRepository(session)
    _refuse_a_taken_email(repository, technician)
    repository.add(technician)
    return TechnicianOut.of(technician)


@router.get("/{technician_id}", response_model=TechnicianOut)
def get_technician(technician_id: RecordId, session: SessionDep) -> TechnicianOut:
    return TechnicianOut.of(TechnicianRepository(session).require(technician_id))


@router.put("/{technician_id}", response_model=TechnicianOut)
def update_technician(technician_id: RecordId, body: TechnicianChange, session: SessionDep) -> TechnicianOut:
    """Replace the technician, calendar, skills and van stock included; another's e-mail is a 409."""
    technician = body.to_domain(technician_id)
    repository = TechnicianRepository(session)
    _refuse_a_taken_email(repository, technician)
    repository.update(technician)
    return TechnicianOut.of(technician)


@router.delete("/{technician_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_technician(technician_id: RecordId, session: SessionDep) -> None:
    """Delete a technician that no plan, pinned job or login refers to (409 otherwise)."""
    delete_record(TechnicianRepository(session), technician_id)


@router.get("/{technician_id}/van-stock", response_model=list[StockLine])
def get_van_stock(technician_id: RecordId, session: SessionDep) -> list[StockLine]:
    """What the technician's van carries, by SKU."""
    return stock_lines(TechnicianRepository(session).require(technician_id).van_stock)


@router.get("/{technician_id}/van-stock-now", response_model=list[StockLine])
def get_van_stock_now(technician_id: RecordId, session: SessionDep, now: NowDep) -> list[StockLine]:
    """What the van carries now: the stored stock plus the parts recorded since as used at visits or
    picked up at depots (the stored stock changes only when the day is settled)."""
    TechnicianRepository(session).require(technician_id)
    return stock_lines(van_stock_now(session, technician_id, now))


@router.put("/{technician_id}/van-stock/{sku}", response_model=list[StockLine])
def set_van_stock(
    technician_id: RecordId, sku: RecordId, body: StockChange, session: SessionDep
) -> list[StockLine]:
    """Set how many of one part the van carries (0 keeps the line, DELETE removes it)."""
    repository = TechnicianRepository(session)
    technician = repository.require(technician_id)
    changed = replace(technician, van_stock=with_stock_line(technician.van_stock, sku, body.quantity))
    repository.update(changed)
    return stock_lines(changed.van_stock)


@router.delete("/{technician_id}/van-stock/{sku}", response_model=list[StockLine])
def remove_van_stock(technician_id: RecordId, sku: RecordId, session: SessionDep) -> list[StockLine]:
    """Remove one part from the van's stock list; a part not listed is a 404."""
    repository = TechnicianRepository(session)
    technician = repository.require(technician_id)
    try:
        changed = replace(
            technician,
            van_stock=without_stock_line(technician.van_stock, sku, f"technician {technician_id}'s van"),
        )
    except LookupError as missing:
        raise RecordNotFound(str(missing)) from None
    repository.update(changed)
    return stock_lines(changed.van_stock)


def _refuse_a_taken_email(repository: TechnicianRepository, technician: Technician) -> None:
    """A 409 naming the holder, before the database's unique index would refuse the write less plainly."""
    holder = repository.holder_of_email(technician.email, other_than=technician.id)
    if holder is not None:
        raise Conflict(f"e-mail {technician.email} is already technician {holder}'s login")
