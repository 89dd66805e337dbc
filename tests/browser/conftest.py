"""A real server and a real phone browser: uvicorn on a free loopback port, Debian's Chromium at 360x740.

The database is ``dispatch_field_browser`` on the test PostGIS server, holding a small demo day planned
by the optimizer, with the demo logins. Chromium is the system's (``apt-get install chromium``), since
Playwright's own browser download is not used here.
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Playwright, ViewportSize, sync_playwright
from sqlalchemy import text
from sqlalchemy.engine import URL

import optimizer as opt
from data.demo import DemoConfig, generate_demo
from dispatch.domain.plans import Plan, PlannedRoute, PlannedVisit
from dispatch.persistence.dataset_store import save_dataset
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.repositories.accounts import AccountRepository
from dispatch.services.accounts import DEMO_TECHNICIAN_PASSWORD, ensure_demo_accounts
from dispatch.services.planning import plan_and_publish

CHROMIUM = Path(os.environ.get("DISPATCH_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 360, "height": 740}
JWT_SECRET = "browser-test-secret-that-is-long-enough-for-hs256"
ROOT = Path(__file__).resolve().parents[2]


def _next_weekday(after: date) -> date:
    """A working day still ahead, so that an arrival reported now is never later than the plan."""
    day = after + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True, slots=True)
class PlannedDay:
    day: date
    plan: Plan
    route: PlannedRoute
    technician_email: str
    earlier_job: str
    """A visit the technician reports on: en route, arrived, then late."""
    later_job: str
    """The visit after it, whose customer watches the window; the plan has it start on arrival."""


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    return postgis_server_url.set(database="dispatch_field_browser")


@pytest.fixture(scope="module")
def planned_day(database_url: str) -> PlannedDay:
    """A small demo day, planned and published; the technician whose first two visits follow closely."""
    day = _next_weekday(date.today())
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            save_dataset(session, generate_demo(DemoConfig(seed=5, day=day, scale=0.2)))
            ensure_demo_accounts(session)
            params = opt.SolveParams(time_limit_s=1, deterministic=True, solution_limit=100)
            plan = plan_and_publish(session, day, params=params).plan
            route, earlier, later = min(_consecutive_visits(plan), key=_wait_before_later)
            accounts = [
                a for a in AccountRepository(session).list() if a.technician_id == route.technician_id
            ]
            email = accounts[0].email
    finally:
        engine.dispose()
    return PlannedDay(
        day=day,
        plan=plan,
        route=route,
        technician_email=email,
        earlier_job=str(earlier.job_id),
        later_job=str(later.job_id),
    )


Pair = tuple[PlannedRoute, PlannedVisit, PlannedVisit]


def _consecutive_visits(plan: Plan) -> list[Pair]:
    """Every two job visits in a row on one route."""
    pairs = []
    for route in plan.routes:
        visits = [v for v in route.visits if v.job_id is not None]
        pairs += [(route, a, b) for a, b in itertools.pairwise(visits)]
    assert pairs, "the demo day must give some technician two visits"
    return pairs


def _wait_before_later(pair: Pair) -> float:
    """Waiting planned at the later visit: a delay smaller than that would not move its window."""
    _, _, later = pair
    return (later.start - later.arrival).total_seconds()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(database_url: str, planned_day: PlannedDay) -> Iterator[str]:
    """The application served by uvicorn in its own process; yields its base URL."""
    port = _free_port()
    environment = _service_environment(database_url)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "api.main:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the server did not start", pytrace=False)
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _service_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DISPATCH_DATABASE_URL": database_url,
        "DISPATCH_ENVIRONMENT": "test",
        "DISPATCH_JWT_SECRET": JWT_SECRET,
        "DISPATCH_SESSION_COOKIE_SECURE": "false",
    }


@pytest.fixture(scope="module")
def plan_worker(database_url: str, server: str) -> Iterator[None]:
    """``dispatch worker`` in its own process, solving the plan jobs the board asks for, as deployed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "dispatch.cli", "worker"], cwd=ROOT, env=_service_environment(database_url)
    )
    try:
        _wait_for_queued_plan_jobs(database_url)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for_queued_plan_jobs(database_url: str, timeout_s: float = 120) -> None:
    """Until the searches queued by earlier tests' reports have run (each may publish a better plan)."""
    engine = make_engine(database_url)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                active = connection.execute(
                    text("SELECT count(*) FROM plan_jobs WHERE status IN ('queued', 'running')")
                ).scalar_one()
            if active == 0:
                return
            time.sleep(0.5)
    finally:
        engine.dispose()
    pytest.fail("plan jobs queued before the worker started did not finish", pytrace=False)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless. Under CI=true its absence fails the run; on a workstation it skips."""
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM}: apt-get install chromium (or set DISPATCH_TEST_CHROMIUM)"
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI=true requires Chromium. {message}", pytrace=False)
        pytest.skip(message)
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


__all__ = ["DEMO_TECHNICIAN_PASSWORD", "PHONE", "PlannedDay"]
