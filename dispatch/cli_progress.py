"""The solve's progress on the command line: a bar that fills with the time limit, and the best plan so far.

On a terminal the line is redrawn in place; written to a file or a pipe, a line is written at each tenth of
the time limit (and at the end), so logs stay readable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

import optimizer as opt

WIDTH = 24
STEPS = 10


def describe(report: opt.SolveProgress) -> str:
    """``[#########...] 40%  4.0 s · best 1,234 · 122 planned, 13 left out · P1 40 · groups 3/5``."""
    filled = round(report.time_fraction * WIDTH)
    parts = [
        f"[{'#' * filled}{'.' * (WIDTH - filled)}] {report.time_fraction:4.0%} {report.elapsed_s:6.1f} s"
    ]
    if report.best_objective is not None:
        parts.append(f"best {report.best_objective:,}")
    if report.assigned_jobs is not None:
        parts.append(f"{report.assigned_jobs} planned, {report.unassigned_jobs or 0} left out")
    if report.p1_assigned is not None:
        parts.append(f"P1 {report.p1_assigned}")
    if report.groups_total:
        parts.append(f"groups {report.groups_done or 0}/{report.groups_total}")
    return " · ".join(parts)


def progress_bar(stream: TextIO) -> tuple[Callable[[opt.SolveProgress], None], Callable[[], None]]:
    """A progress callback drawing on ``stream``, and the function that ends its line."""
    live = stream.isatty()
    shown = {"step": -1, "drawn": False}

    def draw(report: opt.SolveProgress) -> None:
        if live:
            stream.write("\r" + describe(report))
            shown["drawn"] = True
        else:
            step = int(report.time_fraction * STEPS)
            if step <= shown["step"]:
                return
            shown["step"] = step
            stream.write(describe(report) + "\n")
        stream.flush()

    def end() -> None:
        if live and shown["drawn"]:
            stream.write("\n")
            stream.flush()

    return draw, end
