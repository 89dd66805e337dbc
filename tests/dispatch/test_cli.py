"""The ``dispatch`` command line on both back ends: demo, summary, export, import, and refused input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dispatch.cli import main
from dispatch.config import Settings
from dispatch.persistence.db import make_engine
from dispatch.persistence.models import Base

DAY = "2026-03-10"


def _settings(url: str) -> Settings:
    return Settings(database_url=url)


def _row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                t.name: connection.scalar(select(func.count()).select_from(t)) or 0
                for t in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def _edit_cell(path: Path, line: int, column: str, value: str) -> None:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0].keys())
    rows[line - 2][column] = value
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_demo_summary_export_and_import_round_trip(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Generate the demo, print the day, export it, re-import it with --replace: the same rows come back."""
    settings = _settings(database_url)
    assert main(["demo", "generate", "--day", DAY, "--scale", "0.3", "--replace"], settings) == 0
    loaded = _row_counts(database_url)
    assert loaded["technicians"] > 0 and loaded["jobs"] > 0 and loaded["visit_reports"] > 0

    assert main(["summary", DAY], settings) == 0
    out = capsys.readouterr().out
    assert "Workload for Tuesday 10 March 2026" in out and "BY SLA TIER" in out

    assert main(["export", str(tmp_path / "csv")], settings) == 0
    assert (tmp_path / "csv" / "jobs.csv").exists()
    assert main(["import", str(tmp_path / "csv"), "--replace"], settings) == 0
    # Visit reports (the history durations are learned from) are not part of the CSV layout.
    assert _row_counts(database_url) == {**loaded, "visit_reports": 0}


def test_a_bad_file_names_file_line_and_field_and_loads_nothing(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A latitude of 123.4 on line 3 of sites.csv is reported as such, and the database stays as it was."""
    settings = _settings(database_url)
    assert main(["demo", "generate", "--day", DAY, "--scale", "0.2", "--replace"], settings) == 0
    assert main(["export", str(tmp_path)], settings) == 0
    before = _row_counts(database_url)
    _edit_cell(tmp_path / "sites.csv", 3, "lat", "123.4")
    capsys.readouterr()

    assert main(["import", str(tmp_path), "--replace"], settings) == 2
    err = capsys.readouterr().err
    assert "sites.csv line 3, field lat" in err
    assert _row_counts(database_url) == before


def test_importing_rows_that_already_exist_is_refused_whole(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --replace, an import clashing with stored ids fails with a message and changes nothing."""
    settings = _settings(database_url)
    assert main(["demo", "generate", "--day", DAY, "--scale", "0.2", "--replace"], settings) == 0
    assert main(["export", str(tmp_path)], settings) == 0
    before = _row_counts(database_url)
    capsys.readouterr()
    assert main(["import", str(tmp_path)], settings) == 2
    assert "nothing imported" in capsys.readouterr().err
    assert _row_counts(database_url) == before


def test_demo_generate_refuses_to_mix_into_existing_data(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second demo without --replace is refused instead of mixing two data sets."""
    settings = _settings(database_url)
    assert main(["demo", "generate", "--day", DAY, "--scale", "0.2", "--replace"], settings) == 0
    capsys.readouterr()
    assert main(["demo", "generate", "--day", DAY, "--scale", "0.2"], settings) == 2
    assert "--replace" in capsys.readouterr().err


def test_a_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """``dispatch summary 2026-13-01`` exits 2 with a message naming the value."""
    with pytest.raises(SystemExit) as exit_info:
        main(["summary", "2026-13-01"], Settings())
    assert exit_info.value.code == 2
    assert "'2026-13-01' is not a date" in capsys.readouterr().err


def test_admin_create_makes_an_admin_login_that_opens(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``dispatch admin create`` reads the password from the environment; a weak one is refused."""
    from dispatch.persistence.db import make_session_factory, session_scope
    from dispatch.services.accounts import authenticate

    settings = _settings(database_url)
    monkeypatch.setenv("DISPATCH_ADMIN_PASSWORD", "short")
    assert main(["admin", "create", "boss@fieldops.example"], settings) == 2
    assert "a password needs at least 10 characters" in capsys.readouterr().err
    monkeypatch.setenv("DISPATCH_ADMIN_PASSWORD", "the boss's own password")
    assert main(["admin", "create", "Boss@fieldops.example", "--name", "The boss"], settings) == 0
    assert "admin login boss@fieldops.example created" in capsys.readouterr().out
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            account = authenticate(session, "boss@fieldops.example", "the boss's own password")
            assert account is not None and account.is_admin and account.display_name == "The boss"
    finally:
        engine.dispose()


def test_a_pause_ending_before_it_began_is_named_by_line_and_field(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's tickets waiting on the customer export their pauses; one edited to end before it began
    is reported as ticket_pauses.csv line 2, field resumed_at, and nothing is loaded."""
    settings = _settings(database_url)
    assert main(["demo", "generate", "--day", DAY, "--scale", "0.3", "--replace"], settings) == 0
    assert main(["export", str(tmp_path)], settings) == 0
    with (tmp_path / "ticket_pauses.csv").open(newline="") as handle:
        pauses = list(csv.DictReader(handle))
    assert pauses and all(p["reason"] and not p["resumed_at"] for p in pauses)
    before = _row_counts(database_url)
    _edit_cell(tmp_path / "ticket_pauses.csv", 2, "resumed_at", "2000-01-01T00:00:00Z")
    capsys.readouterr()
    assert main(["import", str(tmp_path), "--replace"], settings) == 2
    err = capsys.readouterr().err
    assert "ticket_pauses.csv line 2, field resumed_at" in err and "cannot end before it began" in err
    assert _row_counts(database_url) == before


def test_the_worker_takes_parts_only_when_told() -> None:
    """``dispatch worker`` takes plan jobs; ``--parts`` adds the parts queue, ``--parts-only`` takes only
    parts; the two flags exclude each other."""
    from dispatch.cli import build_parser

    parser = build_parser()
    plain = parser.parse_args(["worker"])
    assert not plain.parts and not plain.parts_only
    assert parser.parse_args(["worker", "--parts"]).parts
    assert parser.parse_args(["worker", "--parts-only"]).parts_only
    with pytest.raises(SystemExit):
        parser.parse_args(["worker", "--parts", "--parts-only"])
