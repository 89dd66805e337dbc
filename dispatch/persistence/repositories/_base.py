"""What every repository shares: rows in and out through Core statements, children loaded in bulk.

A repository works inside the caller's session and never commits: the caller's unit of work decides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, Table, delete, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from dispatch.domain.errors import RecordNotFound
from dispatch.domain.listings import Page

T = TypeVar("T")

Row = dict[str, Any]
RowsByTable = dict[Table, list[Row]]
ChildRows = Mapping[Table, Sequence[RowMapping]]


class Child:
    """A table whose rows belong to one parent row, read back in ``order`` within each parent."""

    def __init__(self, table: Table, parent_column: str, *order: str) -> None:
        self.table = table
        self.parent_column = parent_column
        self.order = order


class Repository(Generic[T]):
    """Get, list, add and update one kind of domain object stored as a main row plus child rows."""

    table: ClassVar[Table]
    key: ClassVar[str]
    children: ClassVar[tuple[Child, ...]] = ()

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- what each repository says about its entity ---------------------------------------------

    def key_of(self, item: T) -> str:
        raise NotImplementedError

    def to_rows(self, item: T) -> RowsByTable:
        """The main row (under ``table``) and the child rows of one object."""
        raise NotImplementedError

    def from_rows(self, row: RowMapping, children: ChildRows) -> T:
        raise NotImplementedError

    # --- shared behaviour -----------------------------------------------------------------------

    def get(self, key: str) -> T | None:
        """The object stored under ``key``, or ``None``."""
        found = self._select([self.table.c[self.key] == key])
        return found[0] if found else None

    def require(self, key: str) -> T:
        """The object stored under ``key``; ``RecordNotFound`` if there is none."""
        found = self.get(key)
        if found is None:
            raise RecordNotFound(f"{self.table.name}: no record {key!r}")
        return found

    def add(self, item: T) -> None:
        """Insert one object and its children."""
        self.add_many([item])

    def add_many(self, items: Iterable[T]) -> None:
        """Insert many objects with one multi-row statement per table (fast for whole data sets)."""
        batches: RowsByTable = {self.table: [], **{child.table: [] for child in self.children}}
        for item in items:
            for table, rows in self.to_rows(item).items():
                batches[table].extend(rows)
        for table, rows in batches.items():
            if rows:
                self.session.execute(insert(table), rows)

    def update(self, item: T) -> None:
        """Replace the stored object with the same id, children included; ``RecordNotFound`` if absent."""
        key = self.key_of(item)
        rows = self.to_rows(item)
        main = {name: value for name, value in rows[self.table][0].items() if name != self.key}
        result = self.session.execute(update(self.table).where(self.table.c[self.key] == key).values(main))
        if getattr(result, "rowcount", 0) == 0:
            raise RecordNotFound(f"{self.table.name}: no record {key!r} to update")
        for child in self.children:
            self.session.execute(delete(child.table).where(child.table.c[child.parent_column] == key))
            if rows.get(child.table):
                self.session.execute(insert(child.table), rows[child.table])

    def delete(self, key: str) -> None:
        """Delete one stored object (its children go with it); ``RecordNotFound`` if absent.

        A row that others still reference raises ``IntegrityError`` from the database: the caller reports it.
        """
        result = self.session.execute(delete(self.table).where(self.table.c[self.key] == key))
        if getattr(result, "rowcount", 0) == 0:
            raise RecordNotFound(f"{self.table.name}: no record {key!r}")

    def page(self, *, limit: int, offset: int) -> Page[T]:
        """Every stored object from ``offset`` (at most ``limit``), with the count of all of them."""
        return self._page([], limit=limit, offset=offset)

    def _page(self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int) -> Page[T]:
        """Objects matching ``conditions`` from ``offset`` (at most ``limit``), and how many match."""
        total = self.session.scalar(select(func.count()).select_from(self.table).where(*conditions)) or 0
        items = self._select(conditions, limit=limit, offset=offset) if total > offset else []
        return Page(items=items, total=total, limit=limit, offset=offset)

    def all(self) -> list[T]:
        """Every stored object, ordered by id."""
        return self._select([])

    def where(self, *conditions: ColumnElement[bool]) -> list[T]:
        """The stored objects matching every one of ``conditions``, ordered by id."""
        return self._select(conditions)

    def get_many(self, keys: Sequence[str]) -> list[T]:
        """The stored objects among ``keys``, in the order of ``keys``."""
        if not keys:
            return []
        found = {self.key_of(item): item for item in self._select([self.table.c[self.key].in_(keys)])}
        return [found[key] for key in keys if key in found]

    def _select(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int | None = None, offset: int = 0
    ) -> list[T]:
        """Main rows matching ``conditions`` (ordered by id, paged), with their children."""
        key_column = self.table.c[self.key]
        statement = select(self.table).where(*conditions).order_by(key_column).limit(limit).offset(offset)
        rows = self.session.execute(statement).mappings().all()
        if not rows:
            return []
        everything = not conditions and limit is None and offset == 0
        keys = select(key_column).where(*conditions).order_by(key_column).limit(limit).offset(offset)
        grouped: dict[Table, dict[Any, list[RowMapping]]] = {}
        for child in self.children:
            parent = child.table.c[child.parent_column]
            child_statement = select(child.table).order_by(parent, *(child.table.c[c] for c in child.order))
            if not everything:
                child_statement = child_statement.where(parent.in_(keys.scalar_subquery()))
            by_parent: dict[Any, list[RowMapping]] = defaultdict(list)
            for child_row in self.session.execute(child_statement).mappings():
                by_parent[child_row[child.parent_column]].append(child_row)
            grouped[child.table] = by_parent
        return [
            self.from_rows(
                row, {table: by_parent.get(row[self.key], []) for table, by_parent in grouped.items()}
            )
            for row in rows
        ]
