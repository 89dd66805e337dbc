"""The catalogue: parts (editable) and skills (read-only here) for dispatchers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.deps import PageDep, SessionDep, require_dispatcher
from api.schemas.catalogue import PartChange, PartIn, PartOut, SkillOut
from api.schemas.common import Page, page_out
from api.schemas.values import Category, RecordId, SearchText
from dispatch.domain.catalogue import Part
from dispatch.domain.listings import PartFilter
from dispatch.services.catalogue import find_parts, part_records, skill_records

router = APIRouter(tags=["catalogue"], dependencies=[Depends(require_dispatcher)])


@router.get("/parts", response_model=Page[PartOut])
def list_parts(
    session: SessionDep,
    paging: PageDep,
    category: Annotated[Category | None, Query()] = None,
    name: Annotated[SearchText | None, Query(description="Part of the name, any case.")] = None,
) -> Page[PartOut]:
    """Parts by SKU, filtered by category or name."""
    filters = PartFilter(category=category, name=name)
    return page_out(find_parts(session, filters, limit=paging.limit, offset=paging.offset), PartOut.of)


@router.post("/parts", response_model=PartOut, status_code=status.HTTP_201_CREATED)
def create_part(body: PartIn, session: SessionDep) -> PartOut:
    return PartOut.of(part_records.add(session, body.to_domain()))


@router.get("/parts/{sku}", response_model=PartOut)
def get_part(sku: RecordId, session: SessionDep) -> PartOut:
    return PartOut.of(part_records.get(session, sku))


@router.put("/parts/{sku}", response_model=PartOut)
def update_part(sku: RecordId, body: PartChange, session: SessionDep) -> PartOut:
    part = Part(sku=sku, name=body.name, category=body.category, unit_cost_cents=body.unit_cost_cents)
    return PartOut.of(part_records.replace(session, part))


@router.delete("/parts/{sku}", status_code=status.HTTP_204_NO_CONTENT)
def delete_part(sku: RecordId, session: SessionDep) -> None:
    """Delete a part that no stock or job requirement refers to (409 otherwise)."""
    part_records.delete(session, sku)


@router.get("/skills", response_model=Page[SkillOut])
def list_skills(session: SessionDep, paging: PageDep) -> Page[SkillOut]:
    """Skill codes technicians hold and jobs require."""
    return page_out(skill_records.page(session, limit=paging.limit, offset=paging.offset), SkillOut.of)
