"""Export then read back: the same data set, in files a dispatcher can read."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from dispatch.csv_io import TABLES, describe_layout, export_dataset, read_dataset
from dispatch.domain.dataset import Dataset


def _records(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_round_trip_gives_an_equal_dataset(dataset: Dataset, tmp_path: Path) -> None:
    """Reading an export yields a Dataset equal to the one exported."""
    export_dataset(dataset, tmp_path)
    assert read_dataset(tmp_path) == dataset


def test_export_twice_writes_identical_files(dataset: Dataset, tmp_path: Path) -> None:
    """Exporting what was read back writes byte-identical files (the text form is stable)."""
    export_dataset(dataset, tmp_path / "first")
    export_dataset(read_dataset(tmp_path / "first"), tmp_path / "second")
    for table in TABLES:
        first = (tmp_path / "first" / table.file).read_bytes()
        assert first == (tmp_path / "second" / table.file).read_bytes(), table.file


def test_export_counts_rows_per_file(dataset: Dataset, tmp_path: Path) -> None:
    """The returned counts match the records in each file, and every file of the layout is written."""
    counts = export_dataset(dataset, tmp_path)
    assert set(counts) == {table.file for table in TABLES}
    for file, count in counts.items():
        assert len(_records(tmp_path / file)) == count, file
    assert counts["sla_targets.csv"] == 8
    assert counts["technician_shifts.csv"] == 11
    assert counts["job_windows.csv"] == 2


def test_export_writes_human_readable_values(exported: Path) -> None:
    """Coordinates as lat/lon, hours as text, instants with offsets, money in dollars."""
    site = _records(exported / "sites.csv")[0]
    assert (site["lat"], site["lon"]) == ("39.7817", "-89.6501")
    assert site["access_hours"] == "mon-fri 07:00-21:00; sat 09:00-13:00"
    policies = {r["sla_tier"]: r["coverage_hours"] for r in _records(exported / "sla_policies.csv")}
    assert policies == {"Gold": "24x7", "Silver": "mon-fri 08:00-18:00"}
    ticket = _records(exported / "tickets.csv")[1]
    assert ticket["opened_at"] == "2026-03-01T09:00:00-05:00"
    assert _records(exported / "parts.csv")[0]["unit_cost_usd"] == "489.50"


def test_postcode_keeps_its_leading_zero(dataset: Dataset, exported: Path) -> None:
    """A ZIP code such as 02110 stays text and is not read as the number 2110."""
    assert read_dataset(exported).sites[1].postcode == "02110"


def test_optional_files_may_be_absent(dataset: Dataset, exported: Path) -> None:
    """Without the optional files, jobs have no windows and technicians no exceptions or van stock."""
    for file in ("job_windows.csv", "technician_shift_exceptions.csv", "van_stock.csv", "depot_stock.csv"):
        (exported / file).unlink()
    read = read_dataset(exported)
    assert all(job.windows == () for job in read.jobs)
    assert all(t.calendar.exceptions == {} and t.van_stock == {} for t in read.technicians)
    assert read.depots[0].stock == {}


def test_column_order_is_free_and_extra_columns_are_ignored(dataset: Dataset, exported: Path) -> None:
    """A file whose columns are shuffled and carry a notes column reads the same."""
    path = exported / "customers.csv"
    text = "notes,customer_name,customer_id\nx,Acme Retail,C1\ny,Bluebird Clinics,C2\n"
    path.write_text(text, encoding="utf-8")
    assert read_dataset(exported) == dataset


def test_layout_is_documented_for_every_file() -> None:
    """The Markdown description names every file and column of the layout."""
    text = describe_layout()
    for table in TABLES:
        assert table.file in text
        for column in table.columns:
            assert f"`{column.name}`" in text


def test_empty_dataset_round_trips(tmp_path: Path) -> None:
    """An empty data set writes header-only files that read back as an empty data set."""
    counts = export_dataset(Dataset(), tmp_path)
    assert set(counts.values()) == {0}
    assert (tmp_path / "skills.csv").read_text(encoding="utf-8") == "skill_code,skill_name\n"
    assert read_dataset(tmp_path) == Dataset()


def test_export_refuses_two_tiers_sharing_a_name(dataset: Dataset, tmp_path: Path) -> None:
    """Contracts naming the same tier with different targets cannot share sla_policies.csv lines."""
    gold = dataset.contracts[0].sla
    other_gold = replace(gold, coverage=replace(gold.coverage, holiday_country="US"))
    dataset.contracts.append(replace(dataset.contracts[0], id="K4", sla=other_gold))
    with pytest.raises(ValueError, match="contract K4: SLA tier 'Gold' differs"):
        export_dataset(dataset, tmp_path)


def test_export_refuses_durations_in_seconds(dataset: Dataset, tmp_path: Path) -> None:
    """A job lasting 90.5 minutes cannot be written as whole minutes, so export says so."""
    dataset.jobs[0] = replace(dataset.jobs[0], duration=timedelta(minutes=90, seconds=30))
    with pytest.raises(ValueError, match="not a whole number of minutes"):
        export_dataset(dataset, tmp_path)


def test_spreadsheet_byte_order_mark_is_accepted(dataset: Dataset, exported: Path) -> None:
    """A file saved by a spreadsheet as 'CSV UTF-8' (with a byte order mark) reads the same."""
    path = exported / "skills.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_dataset(exported) == dataset


def test_hard_deadline_tiers_round_trip_and_read_as_yes_or_no(dataset: Dataset, tmp_path: Path) -> None:
    """A tier with hard deadlines is written ``yes`` and read back as such; the others ``no``."""
    hard = replace(dataset.contracts[0].sla, hard_deadlines=True)
    contracts = [replace(c, sla=hard) if c.sla.tier == hard.tier else c for c in dataset.contracts]
    changed = replace(dataset, contracts=contracts)
    export_dataset(changed, tmp_path)
    flags = {r["sla_tier"]: r["hard_deadlines"] for r in _records(tmp_path / "sla_policies.csv")}
    assert flags[hard.tier] == "yes" and set(flags.values()) == {"yes", "no"}
    assert read_dataset(tmp_path) == changed
