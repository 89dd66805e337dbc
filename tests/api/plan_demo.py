"""A small demo day for planning-job tests, and helpers to run a worker and wait for a job."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from data.demo import DemoConfig, generate_demo
from dispatch.config import Settings
from dispatch.domain.accounts import Role
from dispatch.domain.dataset import Dataset
from dispatch.persistence.dataset_store import save_dataset
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.services.accounts import ensure_demo_accounts
from dispatch.services.plan_jobs import run_worker

DAY = date(2026, 11, 26)
"""A Thursday: every demo technician works."""
TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-keys"
Headers = dict[str, str]


@cache
def demo_day() -> Dataset:
    """The demo provider at 0.3 scale: 12 technicians in four regions, 39 jobs; a search that keeps busy."""
    return generate_demo(DemoConfig(seed=7, day=DAY, scale=0.3))


def seeded_settings(database_url: str) -> tuple[Settings, tuple[str, str]]:
    """Settings on the migrated database after loading the demo day; and one technician's login."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            save_dataset(session, demo_day())
            logins = ensure_demo_accounts(session)
    finally:
        engine.dispose()
    technician = next((email, password) for email, password, role in logins if role is Role.TECHNICIAN)
    settings = Settings(database_url=database_url, environment="test", jwt_secret=TEST_JWT_SECRET)
    return settings, technician


@contextmanager
def plan_worker(database_url: str, clock: Callable[[], datetime] | None = None) -> Iterator[None]:
    """On PostgreSQL, a procrastinate worker in a thread (as ``dispatch worker`` runs), planning from the
    moment ``clock`` tells (default: the wall clock); on SQLite the app runs its own in-process worker on
    the app's clock, so nothing is needed."""
    if make_url(database_url).get_backend_name() != "postgresql":
        yield
        return
    stop = threading.Event()
    options: dict[str, Any] = {"stop": stop} if clock is None else {"stop": stop, "clock": clock}
    thread = threading.Thread(target=run_worker, args=(database_url,), kwargs=options, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(60)


def wait_for(
    client: TestClient, headers: Headers, plan_job_id: str, *, until: str = "finished", timeout_s: float = 60
) -> dict[str, Any]:
    """Poll ``GET /plans/{id}`` until the job is finished (or running with a heartbeat); its last body."""
    deadline = time.monotonic() + timeout_s
    while True:
        answer = client.get(f"/plans/{plan_job_id}", headers=headers)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        if until == "finished" and body["status"] in ("succeeded", "failed", "cancelled"):
            return body
        if until == "running" and body["status"] == "running" and body["progress"] > 0:
            return body
        assert time.monotonic() < deadline, f"plan job still {body['status']} after {timeout_s} s: {body}"
        time.sleep(0.1)
