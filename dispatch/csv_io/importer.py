"""Loading a directory of CSV files into the database: all of it, or (on any error) none of it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from dispatch.csv_io.errors import DEFAULT_MAX_ERRORS
from dispatch.csv_io.reader import read_dataset
from dispatch.persistence import save_dataset


def import_directory(
    session: Session, directory: Path, *, max_errors: int = DEFAULT_MAX_ERRORS
) -> dict[str, int]:
    """Validate all of ``directory``, then add the whole data set to ``session``; returns rows per entity.

    Validation finishes before the first write, so bad files raise ``CsvValidationError`` with the session
    untouched. The rows are flushed, so a clash with stored data (an id already taken) raises here too;
    the caller's session scope then rolls everything back, and commits only when the import succeeded.
    """
    dataset = read_dataset(directory, max_errors=max_errors)
    save_dataset(session, dataset)
    session.flush()
    return dataset.counts()
