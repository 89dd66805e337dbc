"""Importing into the database, on SQLite and on PostGIS: a directory with any error loads nothing."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch.csv_io import CsvValidationError, import_directory
from dispatch.domain.catalogue import Skill
from dispatch.domain.customers import Customer
from dispatch.domain.dataset import Dataset
from dispatch.persistence import load_dataset, save_dataset
from dispatch.persistence.models import Base
from tests.dispatch.csv_io.editing import set_cell

ALREADY_STORED = Dataset(
    skills=[Skill("storage", "Storage arrays")], customers=[Customer("C9", "Corvid Labs")]
)


def _row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def _import_in_scope(session: Session, directory: Path) -> dict[str, int]:
    """Import as the application does: commit on success, roll back on any error."""
    try:
        counts = import_directory(session, directory)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return counts


@pytest.fixture
def stored(session: Session) -> dict[str, int]:
    """A database already holding some data; returns its row counts per table."""
    save_dataset(session, ALREADY_STORED)
    session.commit()
    return _row_counts(session)


def test_valid_directory_loads_every_entity(
    session: Session, stored: dict[str, int], exported: Path, dataset: Dataset
) -> None:
    """A valid directory is stored whole, next to what was there, and reads back equal."""
    assert _import_in_scope(session, exported) == dataset.counts()
    assert _row_counts(session)["skills"] == stored["skills"] + len(dataset.skills)
    loaded = load_dataset(session)
    for entity in fields(Dataset):
        imported = [x for x in getattr(loaded, entity.name) if x not in getattr(ALREADY_STORED, entity.name)]
        assert sorted(imported, key=repr) == sorted(getattr(dataset, entity.name), key=repr), entity.name


def test_one_bad_row_loads_nothing(session: Session, stored: dict[str, int], exported: Path) -> None:
    """A bad coordinate on one site leaves every table's row count as it was."""
    set_cell(exported / "sites.csv", 3, "lat", "123.4")
    with pytest.raises(CsvValidationError, match=r"sites\.csv line 3, field lat"):
        _import_in_scope(session, exported)
    assert _row_counts(session) == stored


def test_clash_with_stored_data_rolls_back_the_tables_already_written(
    session: Session, stored: dict[str, int], exported: Path
) -> None:
    """A customer id already stored fails the insert after skills and parts were written; none remain."""
    (exported / "customers.csv").write_text(
        "customer_id,customer_name\nC1,Acme Retail\nC2,Bluebird Clinics\nC9,Corvid Labs\n", encoding="utf-8"
    )
    with pytest.raises(IntegrityError):
        _import_in_scope(session, exported)
    assert _row_counts(session) == stored
