"""Parts and skills as the API shows and accepts them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import RequestModel
from api.schemas.values import Category, Name, RecordId, WholeNumber
from dispatch.domain.catalogue import Part, Skill


class PartChange(RequestModel):
    name: Name
    category: Category = ""
    unit_cost_cents: WholeNumber = Field(default=0, ge=0, le=100_000_000)


class PartIn(PartChange):
    sku: RecordId

    def to_domain(self) -> Part:
        return Part(
            sku=self.sku, name=self.name, category=self.category, unit_cost_cents=self.unit_cost_cents
        )


class PartOut(BaseModel):
    sku: str
    name: str
    category: str
    unit_cost_cents: int

    @classmethod
    def of(cls, part: Part) -> PartOut:
        return cls(sku=part.sku, name=part.name, category=part.category, unit_cost_cents=part.unit_cost_cents)


class SkillOut(BaseModel):
    code: str
    name: str

    @classmethod
    def of(cls, skill: Skill) -> SkillOut:
        return cls(code=skill.code, name=skill.name)
