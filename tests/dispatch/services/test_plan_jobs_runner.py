"""The plan-job runner and its queues, below the API: claiming, stopping, failing, and the two queues."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from dispatch.cli import main
from dispatch.config import Settings
from dispatch.domain.errors import DomainError
from dispatch.domain.plan_jobs import PlanJob, PlanJobStatus
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.persistence.models import PlanJobRow
from dispatch.persistence.repositories.plan_jobs import PlanJobRepository
from dispatch.services.job_queue import InProcessQueue, procrastinate_conninfo
from dispatch.services.plan_jobs import request_plan, run_plan_job, run_worker

DAY = date(2026, 3, 10)


@pytest.fixture
def factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions on the migrated test database (both back ends); the jobs made are removed after."""
    made = make_session_factory(engine)
    yield made
    with session_scope(made) as session:
        session.execute(delete(PlanJobRow))


def _queued(factory: sessionmaker[Session], region: str) -> PlanJob:
    with session_scope(factory) as session:
        return request_plan(session, day=DAY, region=region, time_limit_s=1, requested_by=None)


def test_a_job_is_run_by_one_worker_only(factory: sessionmaker[Session]) -> None:
    """Two workers handed the same id: the first claims it, the second finds nothing to do."""
    job = _queued(factory, "nowhere")
    assert run_plan_job(factory, job.id) is PlanJobStatus.SUCCEEDED
    assert run_plan_job(factory, job.id) is None


def test_a_job_stopped_while_queued_is_never_run(factory: sessionmaker[Session]) -> None:
    """DELETE before a worker takes it: the worker skips the job and it stays cancelled."""
    job = _queued(factory, "nowhere")
    with session_scope(factory) as session:
        assert (
            PlanJobRepository(session).request_stop(job.id, datetime.now(UTC)).status
            is PlanJobStatus.CANCELLED
        )
    assert run_plan_job(factory, job.id) is None
    with session_scope(factory) as session:
        assert PlanJobRepository(session).require(job.id).status is PlanJobStatus.CANCELLED


def test_an_error_in_the_planner_fails_the_job_with_its_message(factory: sessionmaker[Session]) -> None:
    """The runner never raises: the job is failed with the planner's message and no plan."""

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("no road reaches site S-9")

    job = _queued(factory, "nowhere")
    assert run_plan_job(factory, job.id, planner=broken) is PlanJobStatus.FAILED  # type: ignore[arg-type]
    with session_scope(factory) as session:
        stored = PlanJobRepository(session).require(job.id)
    assert stored.status is PlanJobStatus.FAILED and stored.plan_id is None
    assert stored.error == "no road reaches site S-9"


def test_the_in_process_queue_runs_jobs_left_queued_by_a_previous_run() -> None:
    """On start, the embedded worker takes the ids still queued, then the ones enqueued later, in order."""
    seen: list[str] = []
    done = threading.Event()

    def run(plan_job_id: str, shutdown: threading.Event) -> None:
        seen.append(plan_job_id)
        if len(seen) == 3:
            done.set()

    queue = InProcessQueue(run, pending=lambda: ["left-1", "left-2"])
    queue.start()
    queue.enqueue("new-1")
    assert done.wait(5)
    queue.stop()
    assert seen == ["left-1", "left-2", "new-1"]


def test_the_worker_command_needs_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    """`dispatch worker` on the embedded SQLite database says why it cannot run, with exit code 2."""
    settings = Settings(database_url="sqlite+pysqlite:///:memory:")
    assert main(["worker"], settings) == 2
    assert "needs PostgreSQL" in capsys.readouterr().err
    with pytest.raises(DomainError):
        run_worker("sqlite+pysqlite:///:memory:")


def test_procrastinate_gets_a_libpq_url() -> None:
    """The SQLAlchemy driver name is dropped and the password kept for procrastinate's own connections."""
    url = procrastinate_conninfo("postgresql+psycopg://dispatch:s3cret@db.internal:5433/fieldops")
    assert url == "postgresql://dispatch:s3cret@db.internal:5433/fieldops"
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        procrastinate_conninfo("sqlite+pysqlite:///x.sqlite3")
