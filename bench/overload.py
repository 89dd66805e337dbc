"""The service past its capacity, under a flood of wrong logins, and across a database restart.

    python bench/overload.py [--duration 15] [--workers 1] [--no-restart] [--phases capacity,logins,restart]
                             [--no-pin] [--database-url URL]

The database lives on a PostgreSQL cluster of the bench's own, ``15/overload`` on port 5439, created
(trust on loopback) and started when missing (``pg_createcluster``, as root); the shared cluster on port
5432 is never restarted, and the restart phase refuses a database URL on any other port. A fresh PostGIS
database there (its name must contain "bench") gets the demo day for the next weekday, planned and
published, the demo logins and tracking links; the app runs under uvicorn on a free loopback port with its
default ``DISPATCH_MAX_CONCURRENT_REQUESTS``. The load (``bench/_raw_http.py``) is the technicians' job
sheet (``GET /technicians/{id}/sheet``, every routed technician's token in turn).

Clients normally run on other machines than the server. To emulate that on one machine, the server
(with its workers and threads) is pinned to core 0 and this process, the load generator, to core 1
(``--no-pin``: both unpinned, sharing the cores); PostgreSQL and any other work on the machine are not
pinned. The output's header says which.

Four phases, each printing its figures:

1. ``capacity``: closed loop with as many clients as the server admits at once (the limit; one worker
   by default, so none is shed): the throughput it sustains is the measured capacity, with its p99.
2. ``overload``: open loop at twice that capacity (requests sent on schedule whatever the answers take):
   the excess must be answered 503 (or 429) quickly, the admitted requests within about their p99 at
   capacity, and no 500.
3. ``logins``: ``/health`` p99 at 20 requests/s alone, then beside 40 clients sending wrong passwords as
   fast as they are answered (waiting as long as a ``Retry-After`` says): the p99 may not grow more than
   2x (throttling, bounded hashing and shedding). Printed with it: the CPU the server, the load
   generator and everything else used in each half (as a share of one core), and the slowest
   ``/health`` answers beside the logins with the second of the run they were sent in.
4. ``restart`` (skipped with ``--no-restart``): technicians post reports (running late 5 min, each with
   its own idempotency key, repeated after a failure until acknowledged) while ``pg_ctlcluster 15
   overload restart`` restarts the bench's own cluster in the middle. Every failed answer must fall
   inside the restart window (plus 5 s for the pool to reconnect) and be a 503; afterwards the stored
   reports must be exactly the acknowledged keys, none lost and none twice.

``capacity`` and ``overload`` run together (``--phases capacity``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine, make_url, text

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
from bench._raw_http import Answer, Connection, Request, closed_loop, open_loop, percentile  # noqa: E402
from bench.load_api import BENCH_RATE_LIMIT, _next_weekday, log_in_all  # noqa: E402
from dispatch.config import Settings  # noqa: E402
from dispatch.persistence.db import make_engine, make_session_factory, session_scope  # noqa: E402
from dispatch.persistence.repositories import PlanRepository  # noqa: E402

CLUSTER_VERSION = "15"
CLUSTER_NAME = "overload"
CLUSTER_PORT = 5439
SHARED_PORT = 5432
DEFAULT_DATABASE_URL = f"postgresql+psycopg://postgres@127.0.0.1:{CLUSTER_PORT}/dispatch_overload_bench"
HOST = "127.0.0.1"
RESTART_COMMAND = ("pg_ctlcluster", CLUSTER_VERSION, CLUSTER_NAME, "restart")
SERVER_CPU = 0
GENERATOR_CPU = 1
RECONNECT_GRACE_S = 5.0
WRONG_LOGIN_CLIENTS = 40
T = TypeVar("T")
PHASES = ("capacity", "logins", "restart")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _summary(name: str, answers: Sequence[Answer], wall_s: float) -> str:
    statuses = Counter(a.status for a in answers)
    ok = [a.latency_s for a in answers if a.status == 200]
    return (
        f"{name}: {len(answers)} requests in {wall_s:.1f} s ({len(answers) / wall_s:.0f}/s), "
        f"200s {len(ok)} ({len(ok) / wall_s:.0f}/s) p50 {_ms(percentile(ok, 0.5))} "
        f"p99 {_ms(percentile(ok, 0.99))}; "
        f"by status {dict(sorted(statuses.items()))}"
    )


def sheet_requests(day: date, tokens: Sequence[tuple[str, str]]) -> list[Request]:
    return [
        Request("GET", f"/technicians/{technician}/sheet?day={day}", {"Authorization": f"Bearer {token}"})
        for technician, token in tokens
    ]


@dataclass(frozen=True, slots=True)
class Verdicts:
    lines: list[str]
    passed: bool


def capacity_and_overload(port: int, requests: list[Request], admitted: int, duration_s: float) -> Verdicts:
    started = time.monotonic()
    closed = asyncio.run(closed_loop(HOST, port, requests, admitted, duration_s))
    wall = time.monotonic() - started
    print(_summary(f"capacity (closed loop, {admitted} clients)", closed, wall), flush=True)
    capacity = sum(a.status == 200 for a in closed) / wall
    capacity_p99 = percentile([a.latency_s for a in closed if a.status == 200], 0.99)
    rate = 2 * capacity
    started = time.monotonic()
    over, late = asyncio.run(
        open_loop(HOST, port, requests, rate, duration_s, max_connections=4 * admitted + 200)
    )
    wall = time.monotonic() - started
    print(_summary(f"overload (open loop at {rate:.0f}/s = 2x capacity)", over, wall), flush=True)
    shed = [a.latency_s for a in over if a.status in (503, 429)]
    shed_p99 = percentile(shed, 0.99)
    admitted_ok = [a.latency_s for a in over if a.status == 200]
    server_errors = sum(a.status >= 500 and a.status != 503 for a in over)
    no_answer = sum(a.status == 0 for a in over)
    admitted_p99 = percentile(admitted_ok, 0.99)
    print(
        f"  shed (503/429): {len(shed)} of {len(over)}, answered in p50 {_ms(percentile(shed, 0.5))} "
        f"p99 {_ms(percentile(shed, 0.99))}; admitted p99 {_ms(admitted_p99)} vs {_ms(capacity_p99)} at "
        f"capacity; 500s {server_errors}; no answer {no_answer}; sent late by the generator {late}",
        flush=True,
    )
    checks = {
        "the excess was shed": len(shed) > 0,
        "shed answers quick: p99 under 250 ms and under the admitted p99": shed_p99 < min(0.25, admitted_p99),
        "admitted p99 within 1.5x of p99 at capacity": admitted_p99 <= 1.5 * capacity_p99,
        "no 500 and every request answered": server_errors == 0 and no_answer == 0,
    }
    return Verdicts(
        [f"  {'PASS' if ok else 'FAIL'}: {name}" for name, ok in checks.items()], all(checks.values())
    )


async def _health_probe(port: int, duration_s: float, rate_per_s: float = 20.0) -> list[Answer]:
    answers, _ = await open_loop(HOST, port, [Request("GET", "/health")], rate_per_s, duration_s, 20)
    return answers


async def _wrong_logins(port: int, duration_s: float) -> Counter[int]:
    statuses: Counter[int] = Counter()
    deadline = time.monotonic() + duration_s

    async def client(number: int) -> None:
        connection = Connection(HOST, port)
        body = f"username=nobody-{number}%40fieldops.example&password=wrong-{secrets.token_hex(4)}".encode()
        request = Request("POST", "/auth/token", {"Content-Type": "application/x-www-form-urlencoded"}, body)
        while time.monotonic() < deadline:
            answer = await connection.send(request)
            statuses[answer.status] += 1
            wait = float(answer.headers.get("retry-after", "0"))
            if wait:  # as told: a client that hammers on is shed for almost nothing, but not measured here
                await asyncio.sleep(min(wait, deadline - time.monotonic()))
        await connection.close()

    await asyncio.gather(*(client(n) for n in range(WRONG_LOGIN_CLIENTS)))
    return statuses


@dataclass(frozen=True, slots=True)
class CpuUse:
    """CPU seconds spent during a stretch by the server, by this load generator and by the machine."""

    wall_s: float
    server_s: float
    generator_s: float
    machine_busy_s: float

    def describe(self) -> str:
        others = max(0.0, self.machine_busy_s - self.server_s - self.generator_s)
        return (
            f"server {self.server_s / self.wall_s:.0%}, load generator {self.generator_s / self.wall_s:.0%}, "
            f"others {others / self.wall_s:.0%} of a core"
        )


def _measured(server_pid: int, run: Callable[[], T]) -> tuple[T, CpuUse]:
    started, server, generator, (busy, _) = (
        time.monotonic(),
        process_tree_cpu_s(server_pid),
        time.process_time(),
        machine_busy_s(),
    )
    result = run()
    use = CpuUse(
        time.monotonic() - started,
        process_tree_cpu_s(server_pid) - server,
        time.process_time() - generator,
        machine_busy_s()[0] - busy,
    )
    return result, use


def logins(port: int, duration_s: float, server_pid: int) -> Verdicts:
    alone, cpu_alone = _measured(server_pid, lambda: asyncio.run(_health_probe(port, duration_s)))

    async def together() -> tuple[list[Answer], Counter[int]]:
        return await asyncio.gather(_health_probe(port, duration_s), _wrong_logins(port, duration_s))

    (beside, login_statuses), cpu_beside = _measured(server_pid, lambda: asyncio.run(together()))
    p99_alone = percentile([a.latency_s for a in alone if a.status == 200], 0.99)
    p99_beside = percentile([a.latency_s for a in beside if a.status == 200], 0.99)
    print(
        f"logins: /health p99 {_ms(p99_alone)} alone, {_ms(p99_beside)} beside {WRONG_LOGIN_CLIENTS} clients "
        f"of wrong logins (answers {dict(sorted(login_statuses.items()))}); /health statuses alone "
        f"{dict(Counter(a.status for a in alone))}, beside {dict(Counter(a.status for a in beside))}",
        flush=True,
    )
    print(f"  CPU alone: {cpu_alone.describe()}; beside: {cpu_beside.describe()}", flush=True)
    first = min((a.sent_at for a in beside), default=0.0)
    slowest = sorted(beside, key=lambda a: a.latency_s, reverse=True)[:5]
    print(
        "  slowest /health beside: "
        + ", ".join(f"{_ms(a.latency_s)} at {a.sent_at - first:.1f} s" for a in slowest),
        flush=True,
    )
    floor = 0.005  # below 5 ms a ratio measures the scheduler, not the service
    ok = max(p99_beside, floor) <= 2 * max(p99_alone, floor) and all(a.status == 200 for a in beside)
    return Verdicts([f"  {'PASS' if ok else 'FAIL'}: /health p99 within 2x beside wrong logins"], ok)


@dataclass
class Sent:
    key: str
    technician_id: str
    attempts: list[tuple[float, float, int]]
    """(sent at, answered at, status) of each attempt."""
    acknowledged: bool = False


async def _reporter(
    port: int, technician_id: str, job_id: str, token: str, until: float, record: list[Sent]
) -> None:
    """Reports one after another, each repeated with its key until acknowledged (201)."""
    connection = Connection(HOST, port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    while time.monotonic() < until:
        sent = Sent(str(uuid.uuid4()), technician_id, [])
        record.append(sent)
        body = json.dumps({"idempotency_key": sent.key, "kind": "running_late", "late_by_min": 5}).encode()
        while not sent.acknowledged and time.monotonic() < until + 30:
            answer = await connection.send(Request("POST", f"/tech/visits/{job_id}/reports", headers, body))
            sent.attempts.append((answer.sent_at, answer.sent_at + answer.latency_s, answer.status))
            sent.acknowledged = answer.status == 201
            if not sent.acknowledged:
                await asyncio.sleep(float(answer.headers.get("retry-after", "0.5")) / 4)
        await asyncio.sleep(0.1)
    await connection.close()


def restart(
    port: int, url: str, day: date, logins_: Sequence[tuple[str, str]], duration_s: float
) -> Verdicts:
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        plan = PlanRepository(session).published(day)
    engine.dispose()
    assert plan is not None
    first_job = {r.technician_id: r.job_ids[0] for r in plan.routes if r.job_ids}
    reporters = [(t, first_job[t], token) for t, token in logins_ if t in first_job][:10]
    record: list[Sent] = []
    window: list[float] = []

    async def run() -> None:
        until = time.monotonic() + duration_s
        tasks = [
            asyncio.create_task(_reporter(port, t, j, token, until, record)) for t, j, token in reporters
        ]
        await asyncio.sleep(duration_s / 3)
        window.append(time.monotonic())
        process = await asyncio.create_subprocess_exec(*RESTART_COMMAND)
        await process.wait()
        window.append(time.monotonic())
        await asyncio.gather(*tasks)

    asyncio.run(run())
    started, ended = window
    failures = [(sent_at, status) for s in record for sent_at, _, status in s.attempts if status != 201]
    outside = [f for f in failures if not started - 0.5 <= f[0] <= ended + RECONNECT_GRACE_S]
    statuses = Counter(status for _, status in failures)
    acknowledged = {s.key for s in record if s.acknowledged}
    admin = create_engine(url)
    with admin.connect() as connection:
        rows = connection.execute(
            text("SELECT idempotency_key, count(*) FROM visit_reports GROUP BY idempotency_key")
        ).all()
    admin.dispose()
    sent_keys = {s.key for s in record}
    # The demo day comes with weeks of earlier reports: only the keys sent here are this phase's.
    stored = {str(key): int(count) for key, count in rows if str(key) in sent_keys}
    lost = acknowledged - set(stored)
    twice = [key for key, count in stored.items() if count > 1]
    unacknowledged = [s.key for s in record if not s.acknowledged]
    print(
        f"restart: {len(record)} reports by {len(reporters)} technicians, "
        f"{sum(len(s.attempts) for s in record)} attempts; database restart took {ended - started:.1f} s; "
        f"failed attempts {len(failures)} "
        f"(by status {dict(statuses)}), outside the window {len(outside)}; acknowledged {len(acknowledged)}, "
        f"stored {len(stored)}, lost {len(lost)}, stored twice {len(twice)}, never acknowledged "
        f"{len(unacknowledged)}",
        flush=True,
    )
    checks = {
        "errors only inside the restart window": not outside,
        "every error a 503": set(statuses) <= {503},
        "no acknowledged report lost, none stored twice": not lost and not twice,
        "every report acknowledged in the end": not unacknowledged,
    }
    return Verdicts(
        [f"  {'PASS' if ok else 'FAIL'}: {name}" for name, ok in checks.items()], all(checks.values())
    )


def _own_cluster_state() -> str | None:
    """The status (``online``, ``down``) of the bench's own cluster, or None when it does not exist."""
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True)
    for line in listing.stdout.splitlines():
        fields = line.split()
        if fields[:2] == [CLUSTER_VERSION, CLUSTER_NAME]:
            if fields[2] != str(CLUSTER_PORT):
                raise SystemExit(
                    f"cluster {CLUSTER_VERSION}/{CLUSTER_NAME} listens on {fields[2]}, not {CLUSTER_PORT}"
                )
            return fields[3]
    return None


def ensure_own_cluster() -> str:
    """Create (trust on loopback) and start the PostgreSQL cluster of the bench's own, as needed.

    Creating and starting a cluster needs root (or the postgres user); the commands are Debian's
    ``postgresql-common`` ones. Returns what was done, for the output.
    """
    state = _own_cluster_state()
    if state is None:
        subprocess.run(
            [
                *("pg_createcluster", CLUSTER_VERSION, CLUSTER_NAME, "--port", str(CLUSTER_PORT), "--start"),
                *("--", "--auth-host=trust", "--auth-local=peer"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return "created and started"
    if state != "online":
        subprocess.run(["pg_ctlcluster", CLUSTER_VERSION, CLUSTER_NAME, "start"], check=True)
        return "started"
    return "already running"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of each phase")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="dropped and recreated")
    parser.add_argument("--no-restart", action="store_true", help="skip the database restart phase")
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"comma-separated phases to run, of {','.join(PHASES)} (capacity and overload run together)",
    )
    parser.add_argument("--plan-time-limit", type=float, default=5.0)
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help=f"do not pin the server to core {SERVER_CPU} and the load generator to core {GENERATOR_CPU}",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    phases = {phase.strip() for phase in args.phases.split(",") if phase.strip()}
    if not phases <= set(PHASES):
        raise SystemExit(f"unknown phases {sorted(phases - set(PHASES))}; known: {', '.join(PHASES)}")
    port_of_database = make_url(args.database_url).port or SHARED_PORT
    if "restart" in phases and not args.no_restart and port_of_database != CLUSTER_PORT:
        raise SystemExit(
            f"the restart phase restarts the cluster {CLUSTER_VERSION}/{CLUSTER_NAME} on port "
            f"{CLUSTER_PORT}: the database must live there (not on port {port_of_database}), or --no-restart"
        )
    if port_of_database == CLUSTER_PORT:
        print(
            f"# database cluster {CLUSTER_VERSION}/{CLUSTER_NAME} on port {CLUSTER_PORT}, the bench's own: "
            f"{ensure_own_cluster()}",
            flush=True,
        )
    day = _next_weekday(date.today())
    recreate_database(args.database_url)
    bench_day: BenchDay = prepare_day(
        args.database_url, day=day, seed=7, plan_time_limit_s=args.plan_time_limit
    )
    limit = Settings().max_concurrent_requests
    port = free_loopback_port()
    environment = {
        "DISPATCH_DATABASE_URL": args.database_url,
        "DISPATCH_JWT_SECRET": secrets.token_urlsafe(48),
        "DISPATCH_TRACKING_REQUESTS_PER_MINUTE": str(BENCH_RATE_LIMIT),
    }
    verdicts: list[Verdicts] = []
    usable = os.sched_getaffinity(0)
    pinned = args.pin and {SERVER_CPU, GENERATOR_CPU} <= usable
    server_cpus = frozenset({SERVER_CPU}) if pinned else None
    if pinned:
        os.sched_setaffinity(0, {GENERATOR_CPU})
    placement = (
        f"server pinned to core {SERVER_CPU}, this load generator to core {GENERATOR_CPU} (as if the "
        f"clients were on another machine; PostgreSQL and other work unpinned)"
        if pinned
        else "server and load generator unpinned, sharing the cores"
    )
    with running_server(
        PROJECT_ROOT, port, workers=args.workers, environment=environment, cpus=server_cpus
    ) as server:
        tokens = [
            (login.technician_id, login.token) for login in log_in_all(f"http://{HOST}:{port}", bench_day)
        ]
        print(
            f"# overload: uvicorn {args.workers} worker(s), at most {limit} requests at once each; "
            f"{len(tokens)} technicians' sheets; {placement}; machine shared with other work",
            flush=True,
        )
        requests = sheet_requests(day, tokens)
        if "capacity" in phases:
            verdicts.append(capacity_and_overload(port, requests, limit * args.workers, args.duration))
        if "logins" in phases:
            verdicts.append(logins(port, args.duration, server.pid))
        if "restart" in phases and not args.no_restart:
            verdicts.append(restart(port, args.database_url, day, tokens, args.duration))
    for verdict in verdicts:
        print("\n".join(verdict.lines))
    passed = all(v.passed for v in verdicts)
    print("verdict: " + ("PASS" if passed else "FAIL"))
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
