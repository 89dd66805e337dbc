"""The benchmark's CSV rows and summary table."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bench._report import Result, format_summary, summary_lines, write_csv_row, write_routes


def _result(solver: str, instance: str, group: str, gap: float | None, feasible: bool = True) -> Result:
    return Result(solver, instance, group, 10.0, 10.2, 1000.0, 10, gap, feasible)


def test_csv_row_has_the_documented_columns() -> None:
    """solver, instance, time limit, wall, distance, vehicles, gap %, feasible, in that order."""
    out = io.StringIO()
    write_csv_row(out, _result("pyvrp", "C101", "C1", 0.5))
    assert out.getvalue() == "pyvrp,C101,10,10.20,1000.0000,10,0.500,true\n"


def test_summary_excludes_infeasible_plans_from_gaps() -> None:
    """An infeasible plan counts against 'feasible' but not in the mean or worst gap."""
    results = [
        _result("ours", "R101", "R1", 1.0),
        _result("ours", "R102", "R1", 3.0),
        _result("ours", "R103", "R1", -5.0, feasible=False),
    ]
    [r1, overall] = summary_lines(results, ["ours"])
    assert (r1.group, r1.feasible, r1.instances) == ("R1", 2, 3)
    assert (r1.mean_gap_pct, r1.worst_gap_pct) == (2.0, 3.0)
    assert overall.group == "all"


def test_summary_orders_solomon_classes_then_homberger() -> None:
    """C1, C2, R1, R2, RC1, RC2 in the usual order, Homberger groups after them, overall last."""
    groups = ["R1_10", "RC2", "C1", "R2", "C1_2"]
    results = [_result("vroom", f"X{i}", g, 0.0) for i, g in enumerate(groups)]
    order = [line.group for line in summary_lines(results, ["vroom"])]
    assert order == ["C1", "R2", "RC2", "C1_2", "R1_10", "all"]
    assert "vroom" in format_summary(summary_lines(results, ["vroom"]))


def test_routes_file_holds_the_customer_ids(tmp_path: Path) -> None:
    """DIR/<solver>/<instance>.json holds {"routes": [[...], ...]}."""
    write_routes(tmp_path, "ours", "C101", [[1, 2], [3]])
    assert json.loads((tmp_path / "ours" / "C101.json").read_text()) == {"routes": [[1, 2], [3]]}
