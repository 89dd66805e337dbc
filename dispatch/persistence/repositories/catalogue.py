"""Repositories of the catalogue: skills and parts."""

from __future__ import annotations

import builtins

from sqlalchemy.engine import RowMapping

from dispatch.domain.catalogue import Part, Skill
from dispatch.persistence.models import PartRow, SkillRow, table_of
from dispatch.persistence.repositories._base import ChildRows, Repository, RowsByTable


class SkillRepository(Repository[Skill]):
    table = table_of(SkillRow)
    key = "code"

    def key_of(self, item: Skill) -> str:
        return item.code

    def to_rows(self, item: Skill) -> RowsByTable:
        return {self.table: [{"code": item.code, "name": item.name}]}

    def from_rows(self, row: RowMapping, children: ChildRows) -> Skill:
        return Skill(code=row["code"], name=row["name"])

    def list(self, *, limit: int | None = None, offset: int = 0) -> builtins.list[Skill]:
        """Skills by code."""
        return self._select([], limit=limit, offset=offset)


class PartRepository(Repository[Part]):
    table = table_of(PartRow)
    key = "sku"

    def key_of(self, item: Part) -> str:
        return item.sku

    def to_rows(self, item: Part) -> RowsByTable:
        row = {"sku": item.sku, "name": item.name, "category": item.category}
        return {self.table: [{**row, "unit_cost_cents": item.unit_cost_cents}]}

    def from_rows(self, row: RowMapping, children: ChildRows) -> Part:
        return Part(
            sku=row["sku"], name=row["name"], category=row["category"], unit_cost_cents=row["unit_cost_cents"]
        )

    def list(
        self, *, category: str | None = None, limit: int | None = None, offset: int = 0
    ) -> builtins.list[Part]:
        """Parts by SKU, optionally of one category."""
        conditions = [] if category is None else [self.table.c.category == category]
        return self._select(conditions, limit=limit, offset=offset)
