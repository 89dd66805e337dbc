"""The plan worker SIGKILLed in the middle of solves: the published plan stays, the lease is freed at once.

    python bench/kill_solver.py [--kills 20] [--database-url URL] [--time-limit 60]

A fresh PostGIS database (its name must contain "bench") gets the small demo day (12 technicians, 39 jobs)
for the next weekday, planned and published, and the demo logins; the API runs under uvicorn on a free
loopback port. Each round starts a ``dispatch worker`` process, asks the API for a new plan of the day
(``POST /plans``), waits until the solve reports progress, kills the worker with SIGKILL a random
0-1.5 s later, and then checks through the API:

- the plan job is reported failed, and how long after the kill (the lease: no heartbeat timeout);
- the published plan (``GET /plans/published``: its version and its whole body) is what it was before;
- the next ``POST /plans`` of the day is accepted (202), not refused as busy (409).

A poller reads ``/health`` and the published plan every 100 ms throughout; every API answer of the run
counts toward the 5xx figure. Prints one line per round and the summary.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import optimizer as opt  # noqa: E402
from bench._load_day import recreate_database  # noqa: E402
from bench._load_server import free_loopback_port, running_server  # noqa: E402
from data.demo import DemoConfig, generate_demo  # noqa: E402
from dispatch.persistence.dataset_store import save_dataset  # noqa: E402
from dispatch.persistence.db import make_engine, make_session_factory, session_scope, upgrade_database  # noqa: E402
from dispatch.services.accounts import (  # noqa: E402
    DEMO_DISPATCHER_EMAIL,
    DEMO_DISPATCHER_PASSWORD,
    ensure_demo_accounts,
)
from dispatch.services.planning import plan_and_publish  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dispatch_kill_bench"
PROGRESS_TIMEOUT_S = 120.0
FAIL_TIMEOUT_S = 60.0


@dataclass
class Answers:
    """Every API answer of the run, by status, from the rounds and the poller together."""

    statuses: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, answer: httpx.Response) -> httpx.Response:
        with self.lock:
            self.statuses[answer.status_code] += 1
        return answer

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)


@dataclass(frozen=True, slots=True)
class Round:
    solve_progress: float
    lease_freed_ms: float
    plan_intact: bool
    job_status: str
    next_request: int


def _next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def prepare(url: str, day: date) -> None:
    """Migrate, load the small demo day, plan and publish it, add the demo logins."""
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            save_dataset(session, generate_demo(DemoConfig(seed=7, day=day, scale=0.3)))
        with session_scope(make_session_factory(engine)) as session:
            plan_and_publish(session, day, params=opt.SolveParams(time_limit_s=3, workers=1))
            ensure_demo_accounts(session)
    finally:
        engine.dispose()


def _poll(base_url: str, headers: dict[str, str], day: date, answers: Answers, stop: threading.Event) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        while not stop.wait(0.1):
            for path in ("/health", f"/plans/published?day={day}"):
                try:
                    answers.note(client.get(path, headers=headers))
                except httpx.HTTPError:
                    answers.statuses[0] += 1  # no answer at all: counted apart, shown in the summary


def _worker(url: str) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "DISPATCH_DATABASE_URL": url, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "dispatch.cli", "worker"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _published(client: httpx.Client, day: date, answers: Answers) -> tuple[str, Any]:
    answer = answers.note(client.get("/plans/published", params={"day": day.isoformat()}))
    answer.raise_for_status()
    return answer.headers["etag"], answer.json()


def one_round(
    client: httpx.Client, url: str, day: date, time_limit_s: float, answers: Answers, rng: random.Random
) -> Round:
    """Start a worker, request a plan, kill the worker mid-solve; what the API says afterwards."""
    before = _published(client, day, answers)
    worker = _worker(url)
    try:
        requested = answers.note(
            client.post("/plans", json={"day": day.isoformat(), "time_limit_s": time_limit_s})
        )
        if requested.status_code != 202:
            raise SystemExit(f"POST /plans answered {requested.status_code}: {requested.text[:300]}")
        job_id = requested.json()["id"]
        deadline = time.monotonic() + PROGRESS_TIMEOUT_S
        while True:
            body = answers.note(client.get(f"/plans/{job_id}")).json()
            if body["status"] == "running" and body["progress"] > 0:
                break
            if body["status"] not in ("queued", "running") or time.monotonic() > deadline:
                raise SystemExit(f"the solve never got under way: {body}")
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 1.5))
        progress = answers.note(client.get(f"/plans/{job_id}")).json()["progress"]
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    killed = time.monotonic()
    while True:
        body = answers.note(client.get(f"/plans/{job_id}")).json()
        if body["status"] != "running" or time.monotonic() - killed > FAIL_TIMEOUT_S:
            break
        time.sleep(0.01)
    freed_ms = (time.monotonic() - killed) * 1000
    after = _published(client, day, answers)
    again = answers.note(client.post("/plans", json={"day": day.isoformat(), "time_limit_s": 1}))
    if again.status_code == 202:  # leave nothing queued for the next round's worker
        answers.note(client.delete(f"/plans/{again.json()['id']}"))
    return Round(progress, freed_ms, after == before, body["status"], again.status_code)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=60.0, help="solver seconds asked for")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="dropped and recreated")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    day = _next_weekday(date.today())
    recreate_database(args.database_url)
    prepare(args.database_url, day)
    port = free_loopback_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {
        "DISPATCH_DATABASE_URL": args.database_url,
        "DISPATCH_JWT_SECRET": secrets.token_urlsafe(48),
    }
    answers = Answers()
    rounds: list[Round] = []
    rng = random.Random(args.seed)
    with running_server(PROJECT_ROOT, port, workers=1, environment=environment):
        token = httpx.post(
            f"{base_url}/auth/token",
            data={"username": DEMO_DISPATCHER_EMAIL, "password": DEMO_DISPATCHER_PASSWORD},
            timeout=30,
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        stop = threading.Event()
        poller = threading.Thread(target=_poll, args=(base_url, headers, day, answers, stop), daemon=True)
        poller.start()
        try:
            with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
                for number in range(1, args.kills + 1):
                    result = one_round(client, args.database_url, day, args.time_limit, answers, rng)
                    rounds.append(result)
                    print(
                        f"kill {number:2d}: at {100 * result.solve_progress:4.1f}% of the solve; job "
                        f"{result.job_status} {result.lease_freed_ms:6.0f} ms after the kill; published plan "
                        f"{'intact' if result.plan_intact else 'CHANGED'}; "
                        f"next POST /plans {result.next_request}",
                        flush=True,
                    )
        finally:
            stop.set()
            poller.join()
    freed = [r.lease_freed_ms for r in rounds]
    intact = sum(r.plan_intact for r in rounds)
    failed = sum(r.job_status == "failed" for r in rounds)
    accepted = sum(r.next_request == 202 for r in rounds)
    print(f"kill_solver: {len(rounds)} SIGKILLs of the plan worker mid-solve (PostgreSQL, procrastinate)")
    print(f"previous plan intact: {intact}/{len(rounds)}; jobs reported failed: {failed}/{len(rounds)}")
    print(
        f"lease freed after the kill: median {statistics.median(freed):.0f} ms, max {max(freed):.0f} ms "
        f"(the heartbeat timeout would be 30000 ms); next plan request accepted: {accepted}/{len(rounds)}"
    )
    print(
        f"API answers: {sum(answers.statuses.values())}, 5xx: {answers.server_errors}, "
        f"no answer: {answers.statuses[0]}; by status {dict(sorted(answers.statuses.items()))}"
    )
    passed = (
        intact == failed == accepted == len(rounds)
        and answers.server_errors == 0
        and answers.statuses[0] == 0
        and max(freed) < 5000
    )
    print("verdict: " + ("PASS" if passed else "FAIL"))
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
