"""Standby agreements in the CSV layout: exported with their skills, read back equal, bad lines named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dispatch.csv_io import CsvValidationError, export_dataset, read_dataset
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import SkillRequirement
from dispatch.domain.standby import StandbyAgreement
from tests.dispatch.csv_io.editing import set_cell


@pytest.fixture
def with_standby(dataset: Dataset) -> Dataset:
    site = dataset.sites[0]
    dataset.standby_agreements.append(
        StandbyAgreement(
            "SB-1",
            site.customer_id,
            site.id,
            datetime(2026, 3, 7, 13, tzinfo=UTC),
            datetime(2026, 3, 9, 1, tzinfo=UTC),
            (SkillRequirement("network", 3), SkillRequirement("pos", 1)),
            timedelta(hours=2),
        )
    )
    return dataset


def test_a_standby_agreement_round_trips_with_its_skills(with_standby: Dataset, tmp_path: Path) -> None:
    counts = export_dataset(with_standby, tmp_path)
    assert counts["standby_agreements.csv"] == 1 and counts["standby_skills.csv"] == 2
    assert read_dataset(tmp_path) == with_standby


def test_a_period_ending_before_it_starts_is_named_by_file_line_and_field(
    with_standby: Dataset, tmp_path: Path
) -> None:
    export_dataset(with_standby, tmp_path)
    set_cell(tmp_path / "standby_agreements.csv", 2, "ends_at", "2026-03-01T00:00:00Z")
    with pytest.raises(CsvValidationError) as caught:
        read_dataset(tmp_path)
    text = str(caught.value)
    assert text.startswith("standby_agreements.csv line 2, field ends_at:") and "not after it starts" in text


def test_the_standby_files_are_optional(dataset: Dataset, tmp_path: Path) -> None:
    export_dataset(dataset, tmp_path)
    for file in ("standby_agreements.csv", "standby_skills.csv"):
        (tmp_path / file).unlink()
    assert read_dataset(tmp_path) == dataset
