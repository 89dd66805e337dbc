"""Records a dispatcher edits one at a time: read, add, replace and delete by id, or page through them.

Each works inside the caller's unit of work and never commits; a missing id is ``RecordNotFound``, and a
clash with the stored data is explained when the unit of work ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from dispatch.domain.listings import Page
from dispatch.persistence.repositories import Repository

T = TypeVar("T")


class Records(Generic[T]):
    """The use cases every stored kind of record shares, over the repository of ``T``."""

    def __init__(self, repository: Callable[[Session], Repository[T]]) -> None:
        self._repository = repository

    def of(self, session: Session) -> Repository[T]:
        return self._repository(session)

    def get(self, session: Session, key: str) -> T:
        """The record stored under ``key``; ``RecordNotFound`` if there is none."""
        return self.of(session).require(key)

    def add(self, session: Session, item: T) -> T:
        """Store a new record; an id already used is a ``Conflict`` when the unit of work ends."""
        self.of(session).add(item)
        return item

    def replace(self, session: Session, item: T) -> T:
        """Replace the stored record with the same id; ``RecordNotFound`` if there is none."""
        self.of(session).update(item)
        return item

    def delete(self, session: Session, key: str) -> None:
        """Delete the record; one that others still refer to is a ``Conflict``."""
        self.of(session).delete(key)

    def page(self, session: Session, *, limit: int, offset: int) -> Page[T]:
        """Every record, by id, from ``offset`` (at most ``limit``), with how many there are."""
        return self.of(session).page(limit=limit, offset=offset)
