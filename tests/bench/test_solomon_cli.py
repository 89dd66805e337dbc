"""The Solomon command line end to end on the tiny instance: CSV rows, summary and route files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.solomon import main
from tests.bench.conftest import DATA


def test_prints_rows_summary_and_writes_routes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """VROOM on TINY1: one CSV row (gap against the .sol routes, 20), a summary, and its routes file."""
    argv = ["--time-limit", "1", "--data", str(DATA), "--solvers", "vroom", "--routes-out", str(tmp_path)]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "solver,instance,time_limit_s,wall_s,distance,vehicles,gap_pct,feasible"
    solver, instance, limit, _, distance, vehicles, gap, feasible = lines[1].split(",")
    assert (solver, instance, limit, distance, vehicles, gap, feasible) == (
        "vroom",
        "TINY1",
        "1",
        "18.0000",
        "2",
        "-10.000",
        "true",
    )
    assert any(line.startswith("vroom") and " all " in line for line in lines[3:])
    routes = json.loads((tmp_path / "vroom" / "TINY1.json").read_text())["routes"]
    assert sorted(map(sorted, routes)) == [[1], [2, 3]]


def test_unknown_instance_is_refused() -> None:
    """Asking for an instance the data folder lacks stops before any solving."""
    with pytest.raises(SystemExit, match="unknown instances"):
        main(["--time-limit", "1", "--data", str(DATA), "--instances", "C999"])


def test_parallel_runs_give_one_row_per_solver(capsys: pytest.CaptureFixture[str]) -> None:
    """With --jobs 2 each solve runs in its own process; every solver still reports one scored row."""
    argv = ["--time-limit", "0.5", "--data", str(DATA), "--solvers", "pyvrp,vroom", "--jobs", "2"]
    assert main(argv) == 0
    rows = [line.split(",") for line in capsys.readouterr().out.splitlines()[1:3]]
    assert sorted((row[0], row[4], row[7]) for row in rows) == [
        ("pyvrp", "18.0000", "true"),
        ("vroom", "18.0000", "true"),
    ]
