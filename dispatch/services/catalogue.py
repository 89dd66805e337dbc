"""The catalogue dispatchers keep: spare parts (editable) and the skills technicians hold."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatch.domain.catalogue import Part
from dispatch.domain.listings import Page, PartFilter
from dispatch.persistence.repositories import PartRepository, SkillRepository
from dispatch.services.records import Records

part_records = Records(PartRepository)
skill_records = Records(SkillRepository)


def find_parts(session: Session, filters: PartFilter, *, limit: int, offset: int) -> Page[Part]:
    """A page of the parts matching ``filters``, by SKU."""
    return PartRepository(session).find(filters, limit=limit, offset=offset)
