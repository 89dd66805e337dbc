"""Procedures in the CSV files: written with their steps in order, read back equal, bad cells named."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch.csv_io import CsvValidationError, export_dataset, read_dataset
from dispatch.domain.dataset import Dataset
from dispatch.domain.procedures import Procedure, ProcedureStep, StepKind
from dispatch.domain.tickets import TicketKind
from tests.dispatch.csv_io.editing import set_cell


def _with_procedures(dataset: Dataset) -> Dataset:
    category = dataset.skills[0].code
    dataset.procedures = [
        Procedure(
            "PROC-A",
            category,
            "break-fix",
            (
                ProcedureStep("test", "Test the repair"),
                ProcedureStep("diagnose", "Diagnose"),
                ProcedureStep("serial", "Serial number fitted", kind=StepKind.TEXT),
                ProcedureStep("notes", "Notes, if any", mandatory=False, kind=StepKind.TEXT),
            ),
        ),
        Procedure("PROC-B", category, "upkeep", (ProcedureStep("clean", "Clean"),), TicketKind.MAINTENANCE),
    ]
    return dataset


def test_procedures_round_trip_with_their_steps_in_order(dataset: Dataset, tmp_path: Path) -> None:
    """Steps keep their order (not alphabetical), kinds, mandatory flags; the ticket kind survives."""
    original = _with_procedures(dataset)
    export_dataset(original, tmp_path)
    assert read_dataset(tmp_path).procedures == original.procedures
    assert "serial,Serial number fitted,yes,text" in (tmp_path / "procedure_steps.csv").read_text()


def test_bad_procedure_cells_are_named_by_file_line_and_field(dataset: Dataset, tmp_path: Path) -> None:
    """An unknown step kind, a mandatory cell that is not yes/no, an unknown category: each named."""
    export_dataset(_with_procedures(dataset), tmp_path)
    set_cell(tmp_path / "procedure_steps.csv", 3, "kind", "photo")
    set_cell(tmp_path / "procedure_steps.csv", 4, "mandatory", "maybe")
    set_cell(tmp_path / "procedures.csv", 3, "category", "plumbing")
    with pytest.raises(CsvValidationError) as caught:
        read_dataset(tmp_path)
    found = {(e.file, e.row, e.field) for e in caught.value.errors}
    assert ("procedure_steps.csv", 3, "kind") in found
    assert ("procedure_steps.csv", 4, "mandatory") in found
    assert ("procedures.csv", 3, "category") in found
    assert "'maybe' is not yes or no" in str(caught.value)


def test_a_procedure_without_steps_is_refused(dataset: Dataset, tmp_path: Path) -> None:
    """Its line in procedures.csv says it needs a step."""
    export_dataset(_with_procedures(dataset), tmp_path)
    steps = tmp_path / "procedure_steps.csv"
    steps.write_text(
        "\n".join(line for line in steps.read_text().splitlines() if not line.startswith("PROC-B")) + "\n"
    )
    with pytest.raises(
        CsvValidationError, match=r"procedures\.csv line 3, field procedure_id: .*at least one step"
    ):
        read_dataset(tmp_path)
