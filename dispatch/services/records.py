"""Records a dispatcher edits one at a time: read, add, replace and delete by id, or page through them.

Each works inside the caller's unit of work and never commits; a missing id is ``RecordNotFound``, and a
clash with the stored data is explained when the unit of work ends. Every change is appended to the audit
trail (``audit.record_change``), under the record's table name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from dispatch.domain.listings import Page
from dispatch.persistence.repositories import Repository
from dispatch.services.audit import record_change

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
        repository = self.of(session)
        repository.add(item)
        record_change(session, repository.table.name, None, item, repository.key_of(item))
        return item

    def replace(self, session: Session, item: T) -> T:
        """Replace the stored record with the same id; ``RecordNotFound`` if there is none."""
        repository = self.of(session)
        key = repository.key_of(item)
        before = repository.get(key)
        repository.update(item)
        record_change(session, repository.table.name, before, item, key)
        return item

    def delete(self, session: Session, key: str) -> None:
        """Delete the record; one that others still refer to is a ``Conflict``."""
        repository = self.of(session)
        before = repository.get(key)
        repository.delete(key)
        record_change(session, repository.table.name, before, None, key)

    def page(self, session: Session, *, limit: int, offset: int) -> Page[T]:
        """Every record, by id, from ``offset`` (at most ``limit``), with how many there are."""
        return self.of(session).page(limit=limit, offset=offset)
