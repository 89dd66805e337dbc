"""Bad input is reported by file, line and column, every problem at once, and nothing is returned."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch.csv_io import CsvError, CsvValidationError, read_dataset
from tests.dispatch.csv_io.editing import append_record, copy_record, delete_record, drop_column, set_cell


def _errors(directory: Path, *, max_errors: int = 100) -> CsvValidationError:
    with pytest.raises(CsvValidationError) as caught:
        read_dataset(directory, max_errors=max_errors)
    return caught.value


def _only(directory: Path) -> CsvError:
    errors = _errors(directory).errors
    assert len(errors) == 1, errors
    return errors[0]


def test_missing_column_is_reported_on_the_header_line(exported: Path) -> None:
    """A missing required column gives line 1 and the column's name, with no knock-on errors."""
    drop_column(exported / "sites.csv", "lat")
    assert _only(exported) == CsvError("sites.csv", 1, "lat", "column is missing")


def test_bad_latitude_names_file_line_and_field(exported: Path) -> None:
    """A latitude outside -90..90 is reported in the documented one-line form."""
    set_cell(exported / "sites.csv", 3, "lat", "123.4")
    assert str(_errors(exported)) == "sites.csv line 3, field lat: 123.4 is not a latitude (-90..90)"


def test_unknown_skill_is_reported_where_it_is_used(exported: Path) -> None:
    """A technician skill that skills.csv does not list is an unknown reference."""
    set_cell(exported / "technician_skills.csv", 4, "skill_code", "netwrk")
    error = _only(exported)
    assert (error.file, error.row, error.field) == ("technician_skills.csv", 4, "skill_code")
    assert error.message == "unknown skill_code 'netwrk': not in skills.csv"


def test_duplicate_id_names_the_first_occurrence(exported: Path) -> None:
    """A repeated id is reported on the repeat, naming the line of the first one."""
    line = copy_record(exported / "customers.csv", 2, customer_name="Acme again")
    assert _only(exported) == CsvError(
        "customers.csv", line, "customer_id", "duplicate customer_id C1 (first on line 2)"
    )


def test_duplicate_of_a_composite_key(exported: Path) -> None:
    """The same skill listed twice for one technician is a duplicate of the pair."""
    line = copy_record(exported / "technician_skills.csv", 2, level="1")
    error = _only(exported)
    assert (error.file, error.row, error.field) == ("technician_skills.csv", line, "skill_code")
    assert error.message == "duplicate technician_id T1, skill_code network (first on line 2)"


def test_several_errors_are_all_reported_one_per_line(exported: Path) -> None:
    """Errors in several files are all collected, listed in file order, one per line."""
    drop_column(exported / "depots.csv", "timezone")
    set_cell(exported / "sites.csv", 2, "lon", "-200")
    set_cell(exported / "sites.csv", 3, "timezone", "America/Springfield")
    set_cell(exported / "job_skills.csv", 2, "skill_code", "printers")
    copy_record(exported / "jobs.csv", 3)
    error = _errors(exported)
    assert [(e.file, e.row, e.field) for e in error.errors] == [
        ("sites.csv", 2, "lon"),
        ("sites.csv", 3, "timezone"),
        ("depots.csv", 1, "timezone"),
        ("jobs.csv", 4, "job_id"),
        ("job_skills.csv", 2, "skill_code"),
    ]
    assert str(error).splitlines()[1] == (
        "sites.csv line 3, field timezone: 'America/Springfield' is not an IANA time zone name, "
        "such as America/Chicago"
    )


def test_all_bad_cells_of_one_row_are_reported(exported: Path) -> None:
    """Two bad cells on the same line give two errors, not one."""
    set_cell(exported / "depots.csv", 2, "lat", "north")
    set_cell(exported / "depots.csv", 2, "opens_at", "7am")
    assert [(e.row, e.field) for e in _errors(exported).errors] == [(2, "lat"), (2, "opens_at")]


def test_missing_file_is_reported_without_knock_on_errors(exported: Path) -> None:
    """Without skills.csv, its absence is the one error; references to skills are not also flagged."""
    (exported / "skills.csv").unlink()
    assert _only(exported) == CsvError("skills.csv", 1, "", "file is missing")
    assert str(CsvValidationError([CsvError("skills.csv", 1, "", "file is missing")])) == (
        "skills.csv line 1: file is missing"
    )


def test_unknown_enum_value_lists_the_allowed_ones(exported: Path) -> None:
    """A priority that does not exist names the allowed priorities."""
    set_cell(exported / "tickets.csv", 2, "priority", "P5")
    assert _only(exported) == CsvError("tickets.csv", 2, "priority", "'P5' is not one of: P1, P2, P3, P4")


def test_multi_line_cell_does_not_shift_line_numbers(exported: Path) -> None:
    """The record after a cell holding a line break is still the spreadsheet row number."""
    set_cell(exported / "tickets.csv", 3, "kind", "repair")
    error = _only(exported)
    assert (error.row, error.field) == (3, "kind")
    assert error.message == "'repair' is not one of: support, maintenance"


def test_blank_lines_are_skipped_but_counted(exported: Path) -> None:
    """A blank line is ignored, and the lines below keep their spreadsheet numbers."""
    text = "customer_id,customer_name\n\nC1,Acme Retail\nC2,Bluebird Clinics\nC2,Bluebird again\n"
    (exported / "customers.csv").write_text(text, encoding="utf-8")
    assert _only(exported) == CsvError(
        "customers.csv", 5, "customer_id", "duplicate customer_id C2 (first on line 4)"
    )


def test_level_outside_one_to_five(exported: Path) -> None:
    """A skill level of 6 is refused with the allowed range."""
    set_cell(exported / "technician_skills.csv", 2, "level", "6")
    assert _only(exported) == CsvError("technician_skills.csv", 2, "level", "6 is not a skill level (1..5)")


def test_job_skill_level_must_be_a_whole_number(exported: Path) -> None:
    """A level written as text is a type error on that cell."""
    set_cell(exported / "job_skills.csv", 3, "min_level", "high")
    assert _only(exported) == CsvError("job_skills.csv", 3, "min_level", "'high' is not a whole number")


def test_negative_quantity(exported: Path) -> None:
    """Van stock cannot be negative."""
    set_cell(exported / "van_stock.csv", 2, "quantity", "-1")
    assert _only(exported) == CsvError("van_stock.csv", 2, "quantity", "-1 is a negative quantity")


def test_required_part_quantity_of_zero(exported: Path) -> None:
    """A job needing zero of a part is refused."""
    set_cell(exported / "job_parts.csv", 2, "quantity", "0")
    assert _only(exported).field == "quantity"


def test_window_ending_before_it_starts(exported: Path) -> None:
    """A job window whose end is before its start is reported on window_end."""
    set_cell(exported / "job_windows.csv", 2, "window_end", "2026-03-04T07:00:00-05:00")
    error = _only(exported)
    assert (error.file, error.row, error.field) == ("job_windows.csv", 2, "window_end")
    assert "not after it starts" in error.message


def test_instant_without_offset_is_refused(exported: Path) -> None:
    """A date and time without a UTC offset is ambiguous and refused."""
    set_cell(exported / "tickets.csv", 2, "opened_at", "2026-03-02T15:05:00")
    error = _only(exported)
    assert (error.row, error.field) == (2, "opened_at")
    assert error.message.startswith("2026-03-02T15:05:00 has no UTC offset")


def test_empty_required_field(exported: Path) -> None:
    """An empty name where one is required is reported on that cell."""
    set_cell(exported / "customers.csv", 3, "customer_name", " ")
    assert _only(exported) == CsvError("customers.csv", 3, "customer_name", "is empty; a value is required")


def test_bad_money_amount(exported: Path) -> None:
    """A cost with fractions of a cent is refused."""
    set_cell(exported / "parts.csv", 2, "unit_cost_usd", "12.345")
    assert _only(exported).field == "unit_cost_usd"


def test_bad_weekly_hours(exported: Path) -> None:
    """Unreadable access hours name the bad part and show the expected form."""
    set_cell(exported / "sites.csv", 2, "access_hours", "weekdays 9-5")
    error = _only(exported)
    assert (error.row, error.field) == (2, "access_hours")
    assert "mon-fri 08:00-18:00" in error.message


def test_domain_rule_becomes_a_csv_error(exported: Path) -> None:
    """An SLA resolution shorter than its response breaks a domain rule, reported on the cell."""
    set_cell(exported / "sla_targets.csv", 2, "resolution_minutes", "30")
    assert _only(exported) == CsvError(
        "sla_targets.csv",
        2,
        "resolution_minutes",
        "an SLA resolution target cannot be shorter than its response target",
    )


def test_ticket_due_before_it_was_opened(exported: Path) -> None:
    """The ticket's own domain check is reported against resolution_due."""
    set_cell(exported / "tickets.csv", 2, "resolution_due", "2026-03-01T00:00:00+00:00")
    error = _only(exported)
    assert (error.file, error.row, error.field) == ("tickets.csv", 2, "resolution_due")
    assert error.message == "ticket TK1: resolution due before it was opened"


def test_tier_without_all_priorities(exported: Path) -> None:
    """An SLA tier missing its P4 line is reported on the tier."""
    delete_record(exported / "sla_targets.csv", 5)
    assert _only(exported) == CsvError(
        "sla_policies.csv", 2, "sla_tier", "tier Gold has no line in sla_targets.csv for P4"
    )


def test_unknown_sla_tier_on_a_contract(exported: Path) -> None:
    """A contract naming a tier that sla_policies.csv lacks is an unknown reference."""
    set_cell(exported / "contracts.csv", 2, "sla_tier", "Platinum")
    assert _only(exported) == CsvError(
        "contracts.csv", 2, "sla_tier", "unknown sla_tier 'Platinum': not in sla_policies.csv"
    )


def test_ticket_under_another_customers_contract(exported: Path) -> None:
    """A ticket whose contract belongs to a different customer than its site is refused."""
    set_cell(exported / "tickets.csv", 2, "contract_id", "K2")
    error = _only(exported)
    assert (error.file, error.row, error.field) == ("tickets.csv", 2, "contract_id")


def test_unknown_technician_and_ticket_references(exported: Path) -> None:
    """A job pinned to a missing technician, for a missing ticket, gives both errors."""
    set_cell(exported / "jobs.csv", 3, "pinned_technician_id", "T9")
    set_cell(exported / "jobs.csv", 3, "ticket_id", "TK9")
    assert [(e.row, e.field) for e in _errors(exported).errors] == [
        (3, "ticket_id"),
        (3, "pinned_technician_id"),
    ]


def test_half_a_lunch_break(exported: Path) -> None:
    """A lunch break needs all three lunch columns; the empty one is named."""
    set_cell(exported / "technician_shifts.csv", 2, "lunch_minutes", "")
    error = _only(exported)
    assert (error.file, error.row, error.field) == ("technician_shifts.csv", 2, "lunch_minutes")


def test_ragged_line_is_reported_with_its_line(exported: Path) -> None:
    """A line with more cells than the header cannot be read, and the line is named."""
    with (exported / "skills.csv").open("a", encoding="utf-8") as handle:
        handle.write("printers,Printers,extra\n")
    error = _only(exported)
    assert (error.file, error.row) == ("skills.csv", 4)


def test_error_cap_stops_reading_and_says_so(exported: Path) -> None:
    """With more errors than the cap, only the cap is listed and the message says there may be more."""
    for _ in range(5):
        append_record(exported / "skills.csv", skill_code="", skill_name="")
        append_record(exported / "parts.csv", sku="X", part_name="")
    error = _errors(exported, max_errors=3)
    assert len(error.errors) == 3
    assert error.truncated
    assert str(error).splitlines()[-1] == "(stopped after 3 errors; there may be more)"


def test_day_off_with_a_lunch_break(exported: Path) -> None:
    """An exception marking a day off cannot also give a lunch break."""
    set_cell(exported / "technician_shift_exceptions.csv", 2, "lunch_minutes", "30")
    assert _only(exported) == CsvError(
        "technician_shift_exceptions.csv",
        2,
        "lunch_minutes",
        "a day off (no shift_start, no shift_end) takes no lunch break",
    )


def test_empty_file_needs_its_header(exported: Path) -> None:
    """A zero-byte file is reported as missing its header line."""
    (exported / "depots.csv").write_text("", encoding="utf-8")
    error = _only(exported)
    assert (error.file, error.row, error.field) == ("depots.csv", 1, "")
    assert "header" in error.message


def test_duplicate_email_names_the_first_technician(exported: Path) -> None:
    """An e-mail is a login: the same address in another letter case is reported on the repeat."""
    set_cell(exported / "technicians.csv", 3, "email", "Sam@FieldOps.example")
    assert _only(exported) == CsvError(
        "technicians.csv",
        3,
        "email",
        "duplicate e-mail Sam@FieldOps.example (first on line 2, technician T1): "
        "an e-mail is a login, so it must be unique",
    )


def test_on_call_duty_ending_before_it_starts(exported: Path) -> None:
    """A duty whose end is not after its start is refused on its line, with the domain's reason."""
    set_cell(exported / "on_call_duties.csv", 2, "ends_at", "2026-03-07T07:00:00-06:00")
    error = _only(exported)
    assert (error.file, error.row, error.field) == ("on_call_duties.csv", 2, "ends_at")
    assert "not after it starts" in error.message


def test_on_call_duty_of_an_unknown_technician_and_a_bad_cost(exported: Path) -> None:
    """A duty names a known technician, and its call-out cost is a whole number of cost units, not below 0."""
    set_cell(exported / "on_call_duties.csv", 2, "technician_id", "T9")
    set_cell(exported / "on_call_duties.csv", 3, "call_out_cost", "-10")
    assert [str(e) for e in _errors(exported).errors] == [
        "on_call_duties.csv line 2, field technician_id: unknown technician_id 'T9': not in technicians.csv",
        "on_call_duties.csv line 3, field call_out_cost: -10 is a negative cost",
    ]


def test_technician_on_call_twice_at_once(exported: Path) -> None:
    """A second duty of the same technician that overlaps the first is reported on the later line."""
    line = append_record(
        exported / "on_call_duties.csv",
        technician_id="T1",
        region="Midwest",
        starts_at="2026-03-07T20:00:00-06:00",
        ends_at="2026-03-08T20:00:00-06:00",
    )
    assert _only(exported) == CsvError(
        "on_call_duties.csv",
        line,
        "starts_at",
        "technician T1 is already on call then "
        "(line 2, 2026-03-07T08:00:00-06:00 to 2026-03-08T08:00:00-05:00)",
    )
