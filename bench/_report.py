"""Benchmark results: one CSV row per solver and instance, then a summary table per solver and class."""

from __future__ import annotations

import csv
import json
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

CSV_COLUMNS = ("solver", "instance", "time_limit_s", "wall_s", "distance", "vehicles", "gap_pct", "feasible")


@dataclass(frozen=True)
class Result:
    """One solver on one instance, as scored by the benchmark (not as the solver reports itself)."""

    solver: str
    instance: str
    group: str
    time_limit_s: float
    wall_s: float
    distance: float
    vehicles: int
    gap_pct: float | None
    feasible: bool
    error: str = ""  # the solver raised: its traceback
    problems: str = ""  # the plan breaks rules: the first few, for stderr

    def csv_row(self) -> list[str]:
        return [
            self.solver,
            self.instance,
            f"{self.time_limit_s:g}",
            f"{self.wall_s:.2f}",
            f"{self.distance:.4f}" if math.isfinite(self.distance) else "",
            str(self.vehicles),
            f"{self.gap_pct:.3f}" if self.gap_pct is not None else "",
            str(self.feasible).lower(),
        ]


def write_csv_header(out: TextIO) -> None:
    csv.writer(out, lineterminator="\n").writerow(CSV_COLUMNS)


def write_csv_row(out: TextIO, result: Result) -> None:
    csv.writer(out, lineterminator="\n").writerow(result.csv_row())
    out.flush()


@dataclass(frozen=True)
class SummaryLine:
    """Figures for one solver over a set of instances; gaps and vehicles over the feasible results only."""

    solver: str
    group: str
    instances: int
    feasible: int
    mean_gap_pct: float | None
    worst_gap_pct: float | None
    mean_vehicles: float | None
    mean_wall_s: float


def summarise(solver: str, group: str, results: list[Result]) -> SummaryLine:
    """Mean and worst gap and mean vehicles of the feasible results; infeasible ones only count as such."""
    feasible = [r for r in results if r.feasible]
    gaps = [r.gap_pct for r in feasible if r.gap_pct is not None]
    return SummaryLine(
        solver=solver,
        group=group,
        instances=len(results),
        feasible=len(feasible),
        mean_gap_pct=statistics.fmean(gaps) if gaps else None,
        worst_gap_pct=max(gaps) if gaps else None,
        mean_vehicles=statistics.fmean(r.vehicles for r in feasible) if feasible else None,
        mean_wall_s=statistics.fmean(r.wall_s for r in results) if results else 0.0,
    )


def group_order(group: str) -> tuple[int, str]:
    """Solomon classes first in their usual order, then the rest (Homberger) by name."""
    solomon = ("C1", "C2", "R1", "R2", "RC1", "RC2")
    return (solomon.index(group), "") if group in solomon else (len(solomon), group)


def summary_lines(results: Iterable[Result], solvers: list[str]) -> list[SummaryLine]:
    """Per solver: one line per class, then the overall line."""
    all_results = list(results)
    lines: list[SummaryLine] = []
    for solver in solvers:
        mine = [r for r in all_results if r.solver == solver]
        for group in sorted({r.group for r in mine}, key=group_order):
            lines.append(summarise(solver, group, [r for r in mine if r.group == group]))
        if mine:
            lines.append(summarise(solver, "all", mine))
    return lines


def _fmt(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def format_summary(lines: list[SummaryLine]) -> str:
    """A fixed-width table a person reads next to the CSV."""
    header = ("solver", "class", "n", "feasible", "mean_gap_%", "worst_gap_%", "mean_vehicles", "mean_wall_s")
    rows = [header] + [
        (
            line.solver,
            line.group,
            str(line.instances),
            f"{line.feasible}/{line.instances}",
            _fmt(line.mean_gap_pct, 2),
            _fmt(line.worst_gap_pct, 2),
            _fmt(line.mean_vehicles, 1),
            f"{line.mean_wall_s:.1f}",
        )
        for line in lines
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    text = []
    for index, row in enumerate(rows):
        cells = [
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        text.append("  ".join(cells).rstrip())
        if index == 0:
            text.append("  ".join("-" * w for w in widths))
    return "\n".join(text)


def write_routes(directory: Path, solver: str, instance: str, routes: list[list[int]]) -> None:
    """DIR/<solver>/<instance>.json holding {"routes": [[customer ids], ...]} for independent checking."""
    folder = directory / solver
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{instance}.json").write_text(json.dumps({"routes": routes}) + "\n")
