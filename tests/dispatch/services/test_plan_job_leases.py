"""A running plan job's lease: freed by PostgreSQL the moment its worker dies, so the job is given up at
once; a live worker's job is left alone; a solve that finds no plan publishes nothing."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

import optimizer as opt
from dispatch.domain.plan_jobs import PlanJob, PlanJobStatus
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.persistence.leases import job_lease
from dispatch.persistence.models import PlanJobRow
from dispatch.persistence.repositories.plan_jobs import PlanJobRepository
from dispatch.services.plan_day import plan_day
from dispatch.services.plan_jobs import plan_job_status, request_plan, run_plan_job

DAY = date(2026, 3, 11)

_WORKER = """
import sys, time
from datetime import UTC, datetime
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.leases import job_lease
from dispatch.persistence.repositories.plan_jobs import PlanJobRepository

engine = make_engine(sys.argv[1])
factory = make_session_factory(engine)
with job_lease(engine, sys.argv[2]):
    with session_scope(factory) as session:
        assert PlanJobRepository(session).claim(sys.argv[2], datetime.now(UTC))
    print("claimed", flush=True)
    time.sleep(600)
"""
"""A worker that takes a job's lease, claims it and solves forever (until killed)."""


@pytest.fixture
def factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    made = make_session_factory(engine)
    yield made
    with session_scope(made) as session:
        session.execute(delete(PlanJobRow))


def _queued(factory: sessionmaker[Session], region: str = "nowhere") -> PlanJob:
    with session_scope(factory) as session:
        return request_plan(session, day=DAY, region=region, time_limit_s=1, requested_by=None)


def _status(factory: sessionmaker[Session], job_id: str) -> PlanJob:
    with session_scope(factory) as session:
        return plan_job_status(session, job_id)


@pytest.mark.postgis
def test_a_killed_workers_job_is_given_up_at_once_and_the_day_can_be_planned_again(
    factory: sessionmaker[Session], database_url: str
) -> None:
    """SIGKILL a worker holding a running job: the next read finds it failed within a second (no
    30 s heartbeat wait), and a new solve of the same day and region is accepted."""
    job = _queued(factory)
    worker = subprocess.Popen(
        [sys.executable, "-c", _WORKER, database_url, job.id],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "claimed"
        assert _status(factory, job.id).status is PlanJobStatus.RUNNING  # alive: left alone
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    killed_at = time.monotonic()
    while _status(factory, job.id).status is PlanJobStatus.RUNNING:
        assert time.monotonic() - killed_at < 1.0, "the lease was not freed at once"
        time.sleep(0.02)
    lost = _status(factory, job.id)
    assert lost.status is PlanJobStatus.FAILED and lost.plan_id is None
    assert "worker stopped" in (lost.error or "")
    assert _queued(factory).status is PlanJobStatus.QUEUED


@pytest.mark.postgis
def test_a_job_whose_worker_holds_the_lease_stays_running(
    factory: sessionmaker[Session], engine: Engine
) -> None:
    """A live worker's job, however long it runs, is not given up while the lease is held."""
    job = _queued(factory)
    with job_lease(engine, job.id):
        with session_scope(factory) as session:
            assert PlanJobRepository(session).claim(job.id, datetime.now(UTC))
        for _ in range(3):
            assert _status(factory, job.id).status is PlanJobStatus.RUNNING
    assert _status(factory, job.id).status is PlanJobStatus.FAILED  # lease let go without finishing


def test_a_solve_that_finds_no_plan_publishes_nothing(factory: sessionmaker[Session]) -> None:
    """The solver returns no plan (every job unassigned by failure): the job fails, naming it, and
    publishes nothing, so the plan published before stays."""

    def nothing(*args: Any, **kwargs: Any) -> Any:
        outcome = plan_day(*args, **kwargs)
        return dataclasses.replace(
            outcome,
            plan=dataclasses.replace(outcome.plan, solver_status=opt.SolveStatus.NO_SOLUTION.value),
        )

    job = _queued(factory)
    assert run_plan_job(factory, job.id, planner=nothing) is PlanJobStatus.FAILED
    stored = _status(factory, job.id)
    assert stored.plan_id is None
    assert "found no plan (no_solution)" in (stored.error or "")
