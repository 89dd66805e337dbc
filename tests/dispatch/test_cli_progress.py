"""`dispatch plan` shows its progress: a bar and the best plan so far; off a terminal, a line per tenth."""

from __future__ import annotations

import io

import optimizer as opt
from dispatch.cli_progress import describe, progress_bar


def _report(fraction: float, **extra: int) -> opt.SolveProgress:
    return opt.SolveProgress(
        elapsed_s=fraction * 10,
        best_objective=extra.pop("best", None),
        solutions_found=1,
        time_fraction=fraction,
        **extra,
    )


def test_the_line_says_time_used_best_plan_p1s_and_groups() -> None:
    line = describe(
        _report(
            0.5,
            best=1234567,
            assigned_jobs=122,
            unassigned_jobs=13,
            p1_assigned=40,
            groups_done=3,
            groups_total=5,
        )
    )
    assert line.startswith("[" + "#" * 12 + "." * 12 + "]  50%")
    assert "best 1,234,567 · 122 planned, 13 left out · P1 40 · groups 3/5" in line


def test_before_any_plan_only_the_time_is_shown() -> None:
    assert describe(_report(0.0)) == "[" + "." * 24 + "]   0%    0.0 s"


def test_off_a_terminal_one_line_per_tenth_of_the_time_limit() -> None:
    stream = io.StringIO()
    draw, end = progress_bar(stream)
    for k in range(101):
        draw(_report(k / 100))
    end()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11 and lines[-1].startswith("[" + "#" * 24 + "] 100%")
