"""Repositories of the catalogue: skills and parts."""

from __future__ import annotations

import builtins

from sqlalchemy import ColumnElement
from sqlalchemy.engine import RowMapping

from dispatch.domain.catalogue import Part, Skill
from dispatch.domain.listings import Page, PartFilter
from dispatch.persistence.models import PartRow, SkillRow, table_of
from dispatch.persistence.repositories._base import ChildRows, Repository, RowsByTable
from dispatch.persistence.repositories.paging import contains


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
        return self._select(self._matching(PartFilter(category=category)), limit=limit, offset=offset)

    def find(self, filters: PartFilter, *, limit: int, offset: int) -> Page[Part]:
        """A page of the parts matching ``filters``, by SKU."""
        return self._page(self._matching(filters), limit=limit, offset=offset)

    def _matching(self, filters: PartFilter) -> builtins.list[ColumnElement[bool]]:
        conditions: builtins.list[ColumnElement[bool]] = []
        if filters.category is not None:
            conditions.append(self.table.c.category == filters.category)
        if filters.name:
            conditions.append(contains(self.table.c.name, filters.name))
        return conditions
