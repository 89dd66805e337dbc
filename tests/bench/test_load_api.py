"""The load benchmark's own helpers: the verdict, the clients' split and the wrk script."""

from __future__ import annotations

from datetime import date

from bench._load_verdict import csv_row, verdict
from bench._wrk import Figures, Pace, Target, lua_script
from bench.load_api import ENDPOINTS, Login, scenarios


def _figures(endpoint: str, p99_ms: float, errors: int = 0) -> Figures:
    return Figures(
        endpoint=endpoint,
        clients=10,
        requests=100,
        errors=errors,
        duration_s=10.0,
        p50_ms=p99_ms / 3,
        p90_ms=p99_ms / 2,
        p99_ms=p99_ms,
        max_ms=p99_ms * 2,
        generator_cpu_s=0.1,
    )


def _run(sheet_p99_ms: float, health_p99_ms: float, errors: int = 0) -> list[Figures]:
    return [
        _figures("health", health_p99_ms),
        _figures("sheet_html", sheet_p99_ms, errors),
        _figures("sheet_json", sheet_p99_ms),
        _figures("track_json", 20.0),
    ]


def test_the_paced_run_passes_when_the_sheet_is_fast_and_error_free() -> None:
    """Sheet p99 under 50 ms and under 5x /health's, no errors: PASS, even if the closed run misses."""
    lines, passed = verdict({"closed": _run(400.0, 300.0), "paced": _run(30.0, 10.0)})
    assert passed
    assert lines[-1] == "VERDICT (paced run): PASS"


def test_a_sheet_p99_over_50_ms_fails() -> None:
    """A p99 of 50 ms or more fails, whatever /health does."""
    _, passed = verdict({"paced": _run(50.0, 40.0)})
    assert not passed


def test_a_sheet_p99_over_five_times_health_fails() -> None:
    """A sheet 5x slower than /health fails even under 50 ms."""
    _, passed = verdict({"paced": _run(30.0, 5.0)})
    assert not passed


def test_any_error_fails() -> None:
    """One error anywhere fails the run."""
    _, passed = verdict({"paced": _run(10.0, 10.0, errors=1)})
    assert not passed


def test_the_closed_run_is_judged_when_it_alone_ran() -> None:
    """Without a paced run, the verdict names and judges the closed run."""
    lines, passed = verdict({"closed": _run(10.0, 10.0)})
    assert passed and lines[-1] == "VERDICT (closed run): PASS"


def test_a_csv_row_has_the_columns_of_the_header() -> None:
    """Run, endpoint, clients, requests, errors, throughput, p50, p90, p99, max."""
    row = csv_row("paced", _figures("health", 9.0))
    assert row == "paced,health,10,100,0,10.0,3.0,4.5,9.0,18.0"


def test_the_clients_are_split_over_every_endpoint() -> None:
    """51 clients over five endpoints: 11 for the first, 10 for the others, each with its own targets."""
    logins = [Login("T-1", "tok1"), Login("T-2", "tok2")]
    plan = scenarios(51, date(2026, 11, 26), logins, ["a" * 43, "b" * 43])
    assert [s.endpoint for s in plan] == list(ENDPOINTS)
    assert [s.connections for s in plan] == [11, 10, 10, 10, 10]
    sheet_json = plan[2]
    assert [t.path for t in sheet_json.targets] == [
        "/technicians/T-1/sheet?day=2026-11-26",
        "/technicians/T-2/sheet?day=2026-11-26",
    ]
    assert sheet_json.targets[0].headers == {"Authorization": "Bearer tok1"}
    assert plan[1].targets[1].headers == {"Cookie": "dispatch_session=tok2"}


def test_the_wrk_script_waits_only_in_the_paced_run() -> None:
    """The script rotates through every target; a ``delay`` function exists only when paced."""
    targets = [Target("/health", {}), Target("/track/x", {"Cookie": 'a"b'})]
    closed = lua_script(targets, None)
    paced = lua_script(targets, Pace(1500, 2500))
    assert '{"/track/x", {["Cookie"] = "a\\"b"}}' in closed
    assert "function delay" not in closed
    assert "math.random(1500, 2500)" in paced
