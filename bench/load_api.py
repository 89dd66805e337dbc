"""Load test of the technicians' job sheet and the customers' tracking page, beside ``/health``.

    python bench/load_api.py [--clients 50] [--duration 20] [--database-url URL] [--workers N]

A fresh PostGIS database gets the demo day, planned and published, the demo logins and a tracking link
per planned ticket; the app runs under uvicorn in its own process on a free loopback port; wrk drives it
(see ``bench/_wrk.py`` for why wrk). The clients are split evenly over five endpoints that run at the
same time, so ``/health`` is measured under the very load the sheet sees:

- ``health``      ``GET /health`` (a database round trip, no login)
- ``sheet_html``  ``GET /tech/sheet?day=`` with each routed technician's session cookie in turn
- ``sheet_json``  ``GET /technicians/{id}/sheet?day=`` with each one's bearer token in turn
- ``track_json``  ``GET /track/{token}.json`` over every tracking link in turn
- ``track_html``  ``GET /track/{token}`` over every tracking link in turn

Two runs: ``closed`` (each client sends its next request as soon as the last is answered: saturation,
where latency = clients / throughput) and ``paced`` (each client waits 1.5-2.5 s between requests, as
phones polling). Output: CSV rows, then a verdict against the target (job sheet p99 under 50 ms and
under 5x ``/health`` p99, no errors), judged on the paced run.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench._load_day import BenchDay, prepare_day, recreate_database  # noqa: E402
from bench._load_server import (  # noqa: E402
    free_loopback_port,
    machine_busy_s,
    process_tree_cpu_s,
    running_server,
)
from bench._load_verdict import CSV_HEADER, csv_row, verdict  # noqa: E402
from bench._wrk import Figures, Pace, Scenario, Target, require_wrk, run_scenarios  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dispatch_perf_bench"
SESSION_COOKIE = "dispatch_session"
ENDPOINTS = ("health", "sheet_html", "sheet_json", "track_json", "track_html")
PACE = Pace(low_ms=1500, high_ms=2500)
LOGIN_TIMEOUT_S = 30.0
BENCH_RATE_LIMIT = 1_000_000
"""Tracking requests per client and minute during the run: every wrk connection comes from 127.0.0.1."""


@dataclass(frozen=True, slots=True)
class Login:
    technician_id: str
    token: str


def _next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients in all (default 50)")
    parser.add_argument("--duration", type=int, default=20, help="seconds of each run (default 20)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="dropped and recreated")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    parser.add_argument("--seed", type=int, default=7, help="demo data seed")
    parser.add_argument("--day", type=date.fromisoformat, default=None, help="demo day (next weekday)")
    parser.add_argument("--plan-time-limit", type=float, default=5.0, help="solver seconds (default 5)")
    parser.add_argument(
        "--runs", default="closed,paced", help="closed, paced or both, comma-separated (default both)"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="py-spy profile of the server in the first run: a flame graph (.svg) or collapsed stacks",
    )
    args = parser.parse_args(argv)
    if args.clients < len(ENDPOINTS):
        parser.error(f"--clients must be at least {len(ENDPOINTS)} (one per endpoint)")
    if not 1 <= args.duration <= 600:
        parser.error("--duration must be between 1 and 600 seconds")
    if not 1 <= args.workers <= 16:
        parser.error("--workers must be between 1 and 16")
    runs = [run.strip() for run in args.runs.split(",") if run.strip()]
    if not runs or any(run not in ("closed", "paced") for run in runs):
        parser.error("--runs takes closed, paced or closed,paced")
    args.runs = runs
    return args


def log_in_all(base_url: str, bench_day: BenchDay) -> list[Login]:
    """Each routed technician logs in through the form; the session cookie carries their JWT."""
    logins = []
    with httpx.Client(base_url=base_url, timeout=LOGIN_TIMEOUT_S) as client:
        for email, password, technician_id in bench_day.technician_logins:
            answer = client.post("/auth/login", data={"username": email, "password": password})
            token = answer.cookies.get(SESSION_COOKIE)
            if answer.status_code >= 400 or not token:
                raise SystemExit(f"login of {email} failed: {answer.status_code} {answer.text[:200]}")
            logins.append(Login(technician_id, token))
    return logins


def scenarios(clients: int, day: date, logins: Sequence[Login], tokens: Sequence[str]) -> list[Scenario]:
    """The clients split evenly over the endpoints (the first ones take any remainder)."""
    targets = {
        "health": [Target("/health", {})],
        "sheet_html": [
            Target(f"/tech/sheet?day={day}", {"Cookie": f"{SESSION_COOKIE}={login.token}"})
            for login in logins
        ],
        "sheet_json": [
            Target(
                f"/technicians/{login.technician_id}/sheet?day={day}",
                {"Authorization": f"Bearer {login.token}"},
            )
            for login in logins
        ],
        "track_json": [Target(f"/track/{token}.json", {}) for token in tokens],
        "track_html": [Target(f"/track/{token}", {}) for token in tokens],
    }
    share, extra = divmod(clients, len(ENDPOINTS))
    return [
        Scenario(endpoint, share + (1 if index < extra else 0), targets[endpoint])
        for index, endpoint in enumerate(ENDPOINTS)
    ]


def check_every_target(base_url: str, plan: Sequence[Scenario]) -> None:
    """Each request once before the load: all must answer 200 (and the first-use costs are paid)."""
    with httpx.Client(base_url=base_url, timeout=LOGIN_TIMEOUT_S) as client:
        for scenario in plan:
            for target in scenario.targets:
                answer = client.get(target.path, headers=dict(target.headers))
                if answer.status_code != 200:
                    raise SystemExit(f"{target.path} answered {answer.status_code}: {answer.text[:200]}")


def measured_run(
    name: str, base_url: str, plan: Sequence[Scenario], server_pid: int, duration_s: int
) -> list[Figures]:
    """One run of every scenario at once; prints its CSV rows and where the CPU went."""
    server_before = process_tree_cpu_s(server_pid)
    busy_before, total_before = machine_busy_s()
    figures = run_scenarios(base_url, plan, duration_s=duration_s, pace=PACE if name == "paced" else None)
    busy_after, total_after = machine_busy_s()
    server_cpu = process_tree_cpu_s(server_pid) - server_before
    wall = max(f.duration_s for f in figures)
    for row in figures:
        print(csv_row(name, row))
    generator_cpu = sum(f.generator_cpu_s for f in figures)
    machine_busy = (busy_after - busy_before) / max(total_after - total_before, 1e-9)
    requests = sum(f.requests for f in figures)
    print(
        f"# {name}: machine {100 * machine_busy:.0f}% busy; server {server_cpu / wall:.2f} cores "
        f"({1000 * server_cpu / max(requests, 1):.1f} ms CPU per request), "
        f"load generator (wrk) {generator_cpu / wall:.2f} cores, over {wall:.1f} s",
        flush=True,
    )
    return figures


@contextmanager
def profiled(pid: int, svg: Path | None, duration_s: int) -> Iterator[None]:
    """Sample the server's stacks with py-spy while the block runs, if ``svg`` is given."""
    if svg is None:
        yield
        return
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy is None:
        raise SystemExit("--profile needs py-spy: pip install py-spy")
    output_format = "flamegraph" if svg.suffix == ".svg" else "raw"
    command = [spy, "record", "--pid", str(pid), "--subprocesses", "--format", output_format]
    command += ["--duration", str(duration_s), "--output", str(svg)]
    recorder = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        yield
    finally:
        recorder.wait(timeout=duration_s + 60)
        print(f"# profile of the server written to {svg}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    require_wrk()
    day = args.day or _next_weekday(date.today())
    print(f"# preparing {args.database_url.rpartition('/')[2]}: demo day {day}, seed {args.seed}", flush=True)
    recreate_database(args.database_url)
    bench_day = prepare_day(
        args.database_url, day=day, seed=args.seed, plan_time_limit_s=args.plan_time_limit
    )
    print(
        f"# {len(bench_day.technician_logins)} technicians with routes, {bench_day.planned_jobs} planned "
        f"jobs, {len(bench_day.tracking_tokens)} tracking links",
        flush=True,
    )
    port = free_loopback_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {
        "DISPATCH_DATABASE_URL": args.database_url,
        "DISPATCH_JWT_SECRET": secrets.token_urlsafe(48),
        "DISPATCH_TRACKING_REQUESTS_PER_MINUTE": str(BENCH_RATE_LIMIT),
    }
    results: dict[str, list[Figures]] = {}
    with running_server(PROJECT_ROOT, port, workers=args.workers, environment=environment) as server:
        print(f"# server: uvicorn, {args.workers} worker(s), {base_url}", flush=True)
        logins = log_in_all(base_url, bench_day)
        plan = scenarios(args.clients, day, logins, bench_day.tracking_tokens)
        check_every_target(base_url, plan)
        print(CSV_HEADER, flush=True)
        for index, name in enumerate(args.runs):
            profile = args.profile if index == 0 else None
            with profiled(server.pid, profile, args.duration):
                results[name] = measured_run(name, base_url, plan, server.pid, args.duration)
    lines, passed = verdict(results)
    print("\n".join(lines))
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
