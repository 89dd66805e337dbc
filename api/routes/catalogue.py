"""The catalogue: parts (editable) and skills (read-only here) for dispatchers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy import ColumnElement

from api.deps import PageDep, SessionDep, require_dispatcher
from api.schemas.catalogue import PartChange, PartIn, PartOut, SkillOut
from api.schemas.common import Page, page_out
from api.schemas.values import Category, RecordId, SearchText
from dispatch.domain.catalogue import Part
from dispatch.persistence.repositories import PartRepository, SkillRepository
from dispatch.persistence.repositories.paging import contains, delete_record, page_of

router = APIRouter(tags=["catalogue"], dependencies=[Depends(require_dispatcher)])


@router.get("/parts", response_model=Page[PartOut])
def list_parts(
    session: SessionDep,
    paging: PageDep,
    category: Annotated[Category | None, Query()] = None,
    name: Annotated[SearchText | None, Query(description="Part of the name, any case.")] = None,
) -> Page[PartOut]:
    """Parts by SKU, filtered by category or name."""
    repository = PartRepository(session)
    conditions: list[ColumnElement[bool]] = []
    if category is not None:
        conditions.append(repository.table.c.category == category)
    if name:
        conditions.append(contains(repository.table.c.name, name))
    return page_out(page_of(repository, conditions, limit=paging.limit, offset=paging.offset), PartOut.of)


@router.post("/parts", response_model=PartOut, status_code=status.HTTP_201_CREATED)
def create_part(body: PartIn, session: SessionDep) -> PartOut:
    part = body.to_domain()
    PartRepository(session).add(part)
    return PartOut.of(part)


@router.get("/parts/{sku}", response_model=PartOut)
def get_part(sku: RecordId, session: SessionDep) -> PartOut:
    return PartOut.of(PartRepository(session).require(sku))


@router.put("/parts/{sku}", response_model=PartOut)
def update_part(sku: RecordId, body: PartChange, session: SessionDep) -> PartOut:
    part = Part(sku=sku, name=body.name, category=body.category, unit_cost_cents=body.unit_cost_cents)
    PartRepository(session).update(part)
    return PartOut.of(part)


@router.delete("/parts/{sku}", status_code=status.HTTP_204_NO_CONTENT)
def delete_part(sku: RecordId, session: SessionDep) -> None:
    """Delete a part that no stock or job requirement refers to (409 otherwise)."""
    delete_record(PartRepository(session), sku)


@router.get("/skills", response_model=Page[SkillOut])
def list_skills(session: SessionDep, paging: PageDep) -> Page[SkillOut]:
    """Skill codes technicians hold and jobs require."""
    repository = SkillRepository(session)
    return page_out(page_of(repository, [], limit=paging.limit, offset=paging.offset), SkillOut.of)
