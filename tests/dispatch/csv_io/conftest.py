"""Fixtures for the CSV tests: the hand-made data set, and a directory holding its export."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch.csv_io import export_dataset
from dispatch.domain.dataset import Dataset
from tests.dispatch.csv_io.sample import small_dataset


@pytest.fixture
def dataset() -> Dataset:
    return small_dataset()


@pytest.fixture
def exported(tmp_path: Path, dataset: Dataset) -> Path:
    """A directory holding a valid export of the small data set, ready to be spoiled by a test."""
    directory = tmp_path / "csv"
    export_dataset(dataset, directory)
    return directory
