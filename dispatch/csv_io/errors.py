"""Errors found in a directory of CSV files, each pointing at the file, the line and the column to fix."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_ERRORS = 100


@dataclass(frozen=True, slots=True)
class CsvError:
    """One problem, located as a spreadsheet shows it: the header is line 1, the first record line 2."""

    file: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.row}"
        return f"{where}, field {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class CsvValidationError(ValueError):
    """The directory cannot be loaded; ``errors`` lists every problem found (up to a cap)."""

    def __init__(self, errors: list[CsvError], *, truncated: bool = False) -> None:
        self.errors = list(errors)
        self.truncated = truncated
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [str(error) for error in self.errors]
        if self.truncated:
            lines.append(f"(stopped after {len(self.errors)} errors; there may be more)")
        return "\n".join(lines)


class ErrorCapReached(Exception):
    """Raised inside the reader when enough errors were collected to stop reading."""


class ErrorLog:
    """Collects errors across all files, so a person sees everything to fix in one pass."""

    def __init__(self, max_errors: int = DEFAULT_MAX_ERRORS) -> None:
        if max_errors < 1:
            raise ValueError("max_errors must be at least 1")
        self.max_errors = max_errors
        self.errors: list[CsvError] = []

    def add(self, file: str, row: int, field: str, message: str) -> None:
        """Record one error; raises ``ErrorCapReached`` once the cap is reached."""
        self.errors.append(CsvError(file, row, field, message))
        if len(self.errors) >= self.max_errors:
            raise ErrorCapReached

    def __bool__(self) -> bool:
        return bool(self.errors)
