"""The load test's CSV rows and its verdict against the target.

Target: the job sheet's p99 under 50 ms and under five times ``/health``'s p99 in the same run, and no
errors on any endpoint. It is judged on the paced run (phones polling), the load the service is for; the
closed-loop run shows the saturation throughput, where every latency is mostly time spent queueing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

SHEET_P99_LIMIT_MS = 50.0
HEALTH_MULTIPLE = 5.0
SHEET_ENDPOINTS = ("sheet_html", "sheet_json")
JUDGED_RUN = "paced"

CSV_HEADER = "run,endpoint,clients,requests,errors,throughput_rps,p50_ms,p90_ms,p99_ms,max_ms"


class RunFigures(Protocol):
    @property
    def endpoint(self) -> str: ...
    @property
    def clients(self) -> int: ...
    @property
    def requests(self) -> int: ...
    @property
    def errors(self) -> int: ...
    @property
    def throughput_rps(self) -> float: ...
    @property
    def p50_ms(self) -> float: ...
    @property
    def p90_ms(self) -> float: ...
    @property
    def p99_ms(self) -> float: ...
    @property
    def max_ms(self) -> float: ...


def csv_row(run: str, row: RunFigures) -> str:
    return (
        f"{run},{row.endpoint},{row.clients},{row.requests},{row.errors},{row.throughput_rps:.1f},"
        f"{row.p50_ms:.1f},{row.p90_ms:.1f},{row.p99_ms:.1f},{row.max_ms:.1f}"
    )


def judge_run(run: str, rows: Sequence[RunFigures]) -> tuple[list[str], bool]:
    """Lines saying how one run fares against the target, and whether it meets it."""
    by_endpoint = {row.endpoint: row for row in rows}
    health = by_endpoint.get("health")
    lines = []
    passed = health is not None
    if health is None:
        lines.append(f"{run}: no /health figures, so no comparison")
    for name in SHEET_ENDPOINTS:
        sheet = by_endpoint.get(name)
        if sheet is None or health is None:
            passed = False
            continue
        under_limit = sheet.p99_ms < SHEET_P99_LIMIT_MS
        relative_limit = HEALTH_MULTIPLE * health.p99_ms
        under_relative = sheet.p99_ms < relative_limit
        passed = passed and under_limit and under_relative
        lines.append(
            f"{run}: {name} p99 {sheet.p99_ms:.1f} ms: "
            f"{'under' if under_limit else 'NOT under'} {SHEET_P99_LIMIT_MS:.0f} ms, "
            f"{'under' if under_relative else 'NOT under'} {HEALTH_MULTIPLE:.0f}x /health p99 "
            f"({relative_limit:.1f} ms)"
        )
    errors = sum(row.errors for row in rows)
    requests = sum(row.requests for row in rows)
    passed = passed and errors == 0 and requests > 0
    lines.append(f"{run}: {errors} errors in {requests} requests")
    return lines, passed


def verdict(results: Mapping[str, Sequence[RunFigures]]) -> tuple[list[str], bool]:
    """Every run's lines, then the verdict, judged on the paced run (the closed run if it alone ran)."""
    lines = ["# verdict (target: job sheet p99 < 50 ms and < 5x /health p99, zero errors)"]
    outcome: dict[str, bool] = {}
    for run, rows in results.items():
        run_lines, outcome[run] = judge_run(run, rows)
        lines += run_lines
    judged = JUDGED_RUN if JUDGED_RUN in outcome else next(iter(outcome), None)
    if judged is None:
        return [*lines, "VERDICT: nothing ran"], False
    passed = outcome[judged]
    lines.append(f"VERDICT ({judged} run): {'PASS' if passed else 'FAIL'}")
    return lines, passed
