"""Text search in listings that means what a person typed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement

from dispatch.domain.listings import Page
from dispatch.persistence.repositories._base import Repository

T = TypeVar("T")


def contains(column: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """``column`` contains ``text`` whatever the case; ``%`` and ``_`` in ``text`` match themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def page_of(
    repository: Repository[T], conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
) -> Page[T]:
    """Items matching ``conditions`` from ``offset`` (at most ``limit``), with the count of all matches."""
    return repository._page(conditions, limit=limit, offset=offset)


def delete_record(repository: Repository[T], key: str) -> None:
    """Delete one stored object (its children go with it); ``RecordNotFound`` if absent."""
    repository.delete(key)
