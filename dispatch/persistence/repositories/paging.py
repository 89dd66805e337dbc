"""Pages with a total count, and deletion, for any repository: what list screens and delete buttons need.

Filters are SQL conditions on the repository's main table, so the page and its total always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, delete, func, select

from dispatch.persistence.repositories._base import RecordNotFound, Repository

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One slice of a filtered, id-ordered listing, and how many items the whole listing holds."""

    items: list[T]
    total: int
    limit: int
    offset: int


def page_of(
    repository: Repository[T], conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
) -> Page[T]:
    """Items matching ``conditions`` from ``offset`` (at most ``limit``), with the count of all matches."""
    table = repository.table
    total = repository.session.scalar(select(func.count()).select_from(table).where(*conditions)) or 0
    items = repository._select(conditions, limit=limit, offset=offset) if total > offset else []
    return Page(items=items, total=total, limit=limit, offset=offset)


def delete_record(repository: Repository[T], key: str) -> None:
    """Delete one stored object (its children go with it); ``RecordNotFound`` if absent.

    A row that others still reference raises ``IntegrityError`` from the database: the caller reports it.
    """
    table = repository.table
    result = repository.session.execute(delete(table).where(table.c[repository.key] == key))
    if getattr(result, "rowcount", 0) == 0:
        raise RecordNotFound(f"{table.name}: no record {key!r}")


def contains(column: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """``column`` contains ``text`` whatever the case; ``%`` and ``_`` in ``text`` match themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")
