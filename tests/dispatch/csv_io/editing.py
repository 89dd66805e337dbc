"""Small edits to exported CSV files, the way a person would make them in a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path


def _load(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _save(path: Path, header: list[str], records: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Overwrite one cell; ``line`` counts as a spreadsheet does (header = 1, first record = 2)."""
    header, records = _load(path)
    records[line - 2][column] = value
    _save(path, header, records)


def drop_column(path: Path, column: str) -> None:
    header, records = _load(path)
    header.remove(column)
    _save(path, header, [{k: v for k, v in r.items() if k != column} for r in records])


def append_record(path: Path, **values: str) -> int:
    """Add a record (unnamed columns empty) and return its line number."""
    header, records = _load(path)
    records.append({name: values.get(name, "") for name in header})
    _save(path, header, records)
    return len(records) + 1


def copy_record(path: Path, line: int, **changes: str) -> int:
    """Append a copy of the record on ``line`` with some cells changed; returns the new line number."""
    header, records = _load(path)
    records.append({**records[line - 2], **changes})
    _save(path, header, records)
    return len(records) + 1


def delete_record(path: Path, line: int) -> None:
    header, records = _load(path)
    del records[line - 2]
    _save(path, header, records)
