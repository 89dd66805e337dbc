"""Reading one CSV file into rows whose cells are already parsed, logging each bad cell where it is."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import pandas as pd

from dispatch.csv_io.errors import ErrorLog
from dispatch.csv_io.layout import Table
from dispatch.domain.errors import DomainError

T = TypeVar("T")
P = ParamSpec("P")

HEADER_LINE = 1
_PARSER_LINE = re.compile(r"line (\d+)")


class Row:
    """One record of a table: its spreadsheet line and its parsed values (``None`` for empty or bad cells)."""

    def __init__(self, table: Table, line: int, raw: dict[str, str], log: ErrorLog) -> None:
        self.table = table
        self.line = line
        self.ok = True
        self._log = log
        self._values: dict[str, object] = {}
        for column in table.columns:
            text = raw.get(column.name, "")
            if not text.strip():
                if column.required:
                    self.error(column.name, "is empty; a value is required")
                self._values[column.name] = column.default
                continue
            try:
                self._values[column.name] = column.parse(text)
            except ValueError as error:
                self._values[column.name] = None
                self.error(column.name, str(error))

    def error(self, column: str, message: str) -> None:
        """Log a problem with this row's ``column``; the row will not become an entity."""
        self.ok = False
        self._log.add(self.table.file, self.line, column, message)

    def value(self, column: str) -> object:
        """The parsed value, whatever its type; ``None`` when the cell is empty or bad."""
        return self._values[column]

    def get(self, column: str, kind: type[T]) -> T:
        """The parsed value of a required (or defaulted) column of a valid row."""
        value = self._values[column]
        if not isinstance(value, kind):
            raise TypeError(
                f"{self.table.file} line {self.line}: {column} holds {value!r}, not {kind.__name__}"
            )
        return value

    def optional(self, column: str, kind: type[T]) -> T | None:
        """The parsed value of a column whose cell may be empty."""
        return None if self._values[column] is None else self.get(column, kind)

    def key(self) -> tuple[object, ...] | None:
        """The values identifying this row, or ``None`` when a key cell is empty or bad."""
        values = tuple(self._values[name] for name in self.table.key)
        return None if any(value is None for value in values) else values

    def build(self, column: str, make: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """Call a domain constructor; a ``DomainError`` it raises is logged against ``column``."""
        try:
            return make(*args, **kwargs)
        except DomainError as error:
            self.error(column, str(error))
            return None


def read_rows(directory: Path, table: Table, log: ErrorLog) -> list[Row] | None:
    """Every non-blank record of ``table``'s file, or ``None`` when the file or a required column is missing.

    A missing optional file reads as no rows. Blank lines are skipped but still counted, so line numbers
    match what a spreadsheet shows.
    """
    path = directory / table.file
    if not path.is_file():
        if table.optional:
            return []
        log.add(table.file, HEADER_LINE, "", "file is missing")
        return None
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
        )
    except pd.errors.EmptyDataError:
        log.add(table.file, HEADER_LINE, "", "file is empty; it needs at least the header line")
        return None
    except pd.errors.ParserError as error:
        match = _PARSER_LINE.search(str(error))
        line = int(match.group(1)) if match else HEADER_LINE
        log.add(table.file, line, "", f"cannot be read as CSV: {error}")
        return None
    except UnicodeDecodeError as error:
        log.add(table.file, HEADER_LINE, "", f"is not UTF-8 text: {error}")
        return None
    frame.columns = pd.Index([str(name).strip() for name in frame.columns])
    missing = [
        column.name for column in table.columns if column.required and column.name not in frame.columns
    ]
    for name in missing:
        log.add(table.file, HEADER_LINE, name, "column is missing")
    if missing:
        return None
    rows = []
    for index, record in enumerate(frame.to_dict("records")):
        raw = {str(name): "" if not isinstance(value, str) else value for name, value in record.items()}
        if any(value.strip() for value in raw.values()):
            rows.append(Row(table, index + HEADER_LINE + 1, raw, log))
    return rows
