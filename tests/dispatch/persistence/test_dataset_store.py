"""A whole data set saved with save_dataset comes back equal from load_dataset."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatch.persistence.dataset_store import load_dataset, save_dataset
from tests.dispatch.persistence.sample_data import small_dataset


def test_dataset_round_trips(session: Session) -> None:
    """Every entity list comes back equal (ordered by id), with the same counts."""
    data = small_dataset()
    save_dataset(session, data)
    loaded = load_dataset(session)
    assert loaded.counts() == data.counts()
    assert loaded.skills == sorted(data.skills, key=lambda s: s.code)
    assert loaded.parts == sorted(data.parts, key=lambda p: p.sku)
    for name in ("customers", "sites", "contracts", "depots", "technicians", "tickets", "jobs"):
        assert getattr(loaded, name) == sorted(getattr(data, name), key=lambda item: item.id), name


def test_empty_database_loads_an_empty_dataset(session: Session) -> None:
    """load_dataset on a freshly migrated database returns no entities at all."""
    assert sum(load_dataset(session).counts().values()) == 0
