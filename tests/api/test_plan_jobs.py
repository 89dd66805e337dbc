"""Planning as a job: POST /plans queues a solve, GET follows it, DELETE stops it; on both back ends.

On PostgreSQL the solve runs in a procrastinate worker (a thread here, as ``dispatch worker`` runs it);
on the embedded SQLite, in the app's own worker thread. The jobs' state is in the database either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import URL

from api.deps import get_now
from api.main import create_app
from dispatch.config import Settings
from dispatch.domain.plan_jobs import PlanJob, PlanJobStatus
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.repositories.plan_jobs import PlanJobRepository
from dispatch.services import plan_jobs
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD
from dispatch.services.planning import PlanOutcome
from tests.api.conftest import bearer_for
from tests.api.plan_demo import DAY, Headers, demo_day, plan_worker, seeded_settings, wait_for


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    """A database of this module's own on the shared server."""
    return postgis_server_url.set(database="dispatch_plans_jobs_test")


@pytest.fixture(scope="module")
def seeded(database_url: str) -> tuple[Settings, tuple[str, str]]:
    return seeded_settings(database_url)


MORNING = datetime.combine(DAY, time(14, 0), UTC)
"""When the jobs are asked for: the planned day's morning in the Americas, before anyone has set off, so
every solve has the whole day to plan (planned after the day, nobody could take any work)."""


@pytest.fixture(scope="module")
def app(seeded: tuple[Settings, tuple[str, str]]) -> FastAPI:
    app = create_app(seeded[0])
    app.dependency_overrides[get_now] = lambda: MORNING
    return app


@pytest.fixture(scope="module")
def client(app: FastAPI, database_url: str) -> Iterator[TestClient]:
    """The app with its lifespan running, and a plan worker beside it, both in the planned day's morning."""
    with plan_worker(database_url, lambda: MORNING), TestClient(app, base_url="https://testserver") as client:
        yield client


@pytest.fixture(scope="module")
def dispatcher(client: TestClient) -> Headers:
    return bearer_for(client, DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD)


@pytest.fixture(scope="module")
def technician(client: TestClient, seeded: tuple[Settings, tuple[str, str]]) -> Headers:
    return bearer_for(client, *seeded[1])


def _post(client: TestClient, headers: Headers, **body: Any) -> Any:
    return client.post("/plans", json={"day": DAY.isoformat(), **body}, headers=headers)


def _published_id(client: TestClient, headers: Headers, region: str | None = None) -> str | None:
    params = {"day": DAY.isoformat(), **({"region": region} if region else {})}
    answer = client.get("/plans/published", params=params, headers=headers)
    return answer.json()["id"] if answer.status_code == 200 else None


def test_post_answers_202_at_once_and_the_job_succeeds(client: TestClient, dispatcher: Headers) -> None:
    """202 with a Location; polling sees the job succeed with a validated, published plan and its counts."""
    answer = _post(client, dispatcher, region="east", time_limit_s=1)
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert answer.headers["location"] == f"/plans/{job['id']}"
    assert job["status"] in ("queued", "running")
    done = wait_for(client, dispatcher, job["id"])
    assert done["status"] == "succeeded", done
    assert done["plan_id"] and done["progress"] == 1.0 and done["error"] is None
    summary = done["best_so_far"]
    assert summary["assigned"] > 0 and summary["unassigned"] is not None
    assert summary["objective"] == done["plan"]["cost"]["total"]
    planned = [v["job_id"] for r in done["plan"]["routes"] for v in r["visits"] if v["job_id"]]
    assert len(planned) == summary["assigned"]
    assert _published_id(client, dispatcher, "east") == done["plan_id"]


def test_progress_shows_while_running_and_delete_publishes_the_best_so_far(
    client: TestClient, dispatcher: Headers
) -> None:
    """A 60 s solve reports progress and heartbeats; DELETE stops it within seconds and publishes its plan."""
    answer = _post(client, dispatcher, time_limit_s=60)
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["id"]
    running = wait_for(client, dispatcher, job_id, until="running", timeout_s=30)
    assert running["heartbeat_at"] is not None and running["started_at"] is not None
    assert 0 < running["progress"] < 1
    later = wait_for(client, dispatcher, job_id, until="running")
    summary = later["best_so_far"]
    assert summary["objective"] is not None and summary["assigned"] is not None
    assert summary["assigned"] + summary["unassigned"] == len(demo_day().jobs)
    p1 = {j.id for j in demo_day().jobs if j.priority.rank == 1}
    assert summary["p1_assigned"] is not None and 0 < summary["p1_assigned"] <= len(p1)
    assert summary["groups_total"] >= 1 and 0 <= summary["groups_done"] <= summary["groups_total"]
    stop = client.delete(f"/plans/{job_id}", headers=dispatcher)
    assert stop.status_code in (200, 202), stop.text
    assert stop.json()["stop_requested"] or stop.json()["status"] == "cancelled"
    done = wait_for(client, dispatcher, job_id, timeout_s=15)
    assert done["status"] == "cancelled", done
    assert done["plan_id"] and done["plan"]["solver_status"] == "cancelled"
    assert _published_id(client, dispatcher) == done["plan_id"]
    finished = datetime.fromisoformat(done["finished_at"])
    started = datetime.fromisoformat(done["started_at"])
    assert finished - started < timedelta(seconds=30), "the stop did not end the 60 s solve early"


def test_one_solve_per_day_and_region(client: TestClient, dispatcher: Headers) -> None:
    """A second request for the same day and region is a 409 problem; another region is accepted."""
    first = _post(client, dispatcher, region="central", time_limit_s=30)
    assert first.status_code == 202, first.text
    second = _post(client, dispatcher, region="central", time_limit_s=5)
    assert second.status_code == 409, second.text
    assert second.headers["content-type"].startswith("application/problem+json")
    assert first.json()["id"] in second.json()["detail"]
    other = _post(client, dispatcher, region="pacific", time_limit_s=1)
    assert other.status_code == 202, other.text
    client.delete(f"/plans/{first.json()['id']}", headers=dispatcher)
    for job_id in (first.json()["id"], other.json()["id"]):
        assert wait_for(client, dispatcher, job_id)["status"] in ("succeeded", "cancelled")
    again = _post(client, dispatcher, region="central", time_limit_s=1)
    assert again.status_code == 202, "a finished solve no longer blocks the day"
    wait_for(client, dispatcher, again.json()["id"])


def test_the_database_refuses_two_live_jobs_for_a_day(seeded: tuple[Settings, tuple[str, str]]) -> None:
    """The partial unique index, not only the service, keeps one queued or running job per day and scope."""
    engine = make_engine(seeded[0].effective_database_url)
    now = datetime.now(UTC)
    try:
        factory = make_session_factory(engine)
        with session_scope(factory) as session:
            repository = PlanJobRepository(session)
            repository.add(_job("db-1", now, region="mountain"))
            with pytest.raises(Exception, match="already queued or running"):
                repository.add(_job("db-2", now, region="mountain"))
            repository.request_stop("db-1", now)
            repository.add(_job("db-3", now, region="mountain"))
            repository.request_stop("db-3", now)
    finally:
        engine.dispose()


def _job(
    job_id: str, now: datetime, *, region: str | None, status: PlanJobStatus = PlanJobStatus.QUEUED
) -> PlanJob:
    return PlanJob(id=job_id, day=DAY, region=region, time_limit_s=5, status=status, requested_at=now)


def test_a_failing_solve_keeps_the_published_plan(
    client: TestClient, dispatcher: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the solve raises, the job fails with the error and the plan published before stays in force."""
    warm = _post(client, dispatcher, region="mountain", time_limit_s=1)
    assert wait_for(client, dispatcher, warm.json()["id"])["status"] == "succeeded"
    before = _published_id(client, dispatcher, "mountain")
    assert before is not None

    def broken_planner() -> Callable[..., PlanOutcome]:
        def plan(*args: object, **kwargs: object) -> PlanOutcome:
            raise RuntimeError("the travel-time service is unreachable")

        return plan

    monkeypatch.setattr(plan_jobs, "default_planner", broken_planner)
    failing = _post(client, dispatcher, region="mountain", time_limit_s=1)
    done = wait_for(client, dispatcher, failing.json()["id"])
    assert done["status"] == "failed"
    assert "travel-time service is unreachable" in done["error"]
    assert done["plan_id"] is None and done["plan"] is None
    assert _published_id(client, dispatcher, "mountain") == before


def test_a_running_job_whose_worker_went_silent_is_given_up(
    client: TestClient, dispatcher: Headers, seeded: tuple[Settings, tuple[str, str]]
) -> None:
    """A running job with a heartbeat minutes old (a crashed worker) is marked failed; a new request runs."""
    engine = make_engine(seeded[0].effective_database_url)
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    try:
        with session_scope(make_session_factory(engine)) as session:
            repository = PlanJobRepository(session)
            repository.add(_job("crashed-1", long_ago, region="nowhere"))
            assert repository.claim("crashed-1", long_ago)
    finally:
        engine.dispose()
    retry = _post(client, dispatcher, region="nowhere", time_limit_s=1)
    assert retry.status_code == 202, retry.text
    crashed = client.get("/plans/crashed-1", headers=dispatcher).json()
    assert crashed["status"] == "failed"
    assert "the worker stopped" in crashed["error"]  # its lease is free (PostgreSQL) or it fell silent
    assert wait_for(client, dispatcher, retry.json()["id"])["status"] == "succeeded"


def test_delete_cancels_a_queued_job_at_once(
    client: TestClient, dispatcher: Headers, seeded: tuple[Settings, tuple[str, str]]
) -> None:
    """A job still waiting for a worker is cancelled by DELETE (200) and never runs."""
    engine = make_engine(seeded[0].effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            PlanJobRepository(session).add(_job("waiting-1", datetime.now(UTC), region="nowhere-else"))
    finally:
        engine.dispose()
    answer = client.delete("/plans/waiting-1", headers=dispatcher)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "cancelled" and answer.json()["plan_id"] is None
    again = client.delete("/plans/waiting-1", headers=dispatcher)
    assert again.status_code == 200 and again.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_limit_s": 0.5}, "body.time_limit_s"),
        ({"time_limit_s": 10_000}, "body.time_limit_s"),
        ({"day": "tomorrow"}, "body.day"),
        ({"workers": 4}, "body.workers"),
    ],
)
def test_bad_requests_are_422_problems(
    client: TestClient, dispatcher: Headers, body: dict[str, Any], field: str
) -> None:
    """Time limits out of bounds, a malformed day and unknown fields are refused, naming the field."""
    answer = client.post("/plans", json={"day": DAY.isoformat(), **body}, headers=dispatcher)
    assert answer.status_code == 422, answer.text
    assert field in [e["field"] for e in answer.json()["errors"]]


def test_an_unknown_job_is_a_404(client: TestClient, dispatcher: Headers) -> None:
    """GET and DELETE of a job that does not exist answer 404 problems."""
    assert client.get("/plans/no-such-job", headers=dispatcher).status_code == 404
    assert client.delete("/plans/no-such-job", headers=dispatcher).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/plans"), ("GET", "/plans/some-job"), ("DELETE", "/plans/some-job")]
)
def test_only_dispatchers_plan(client: TestClient, technician: Headers, method: str, path: str) -> None:
    """Technicians get 403 and anonymous callers 401 on every planning-job route."""
    body = {"day": DAY.isoformat()} if method == "POST" else None
    assert client.request(method, path, json=body, headers=technician).status_code == 403
    assert client.request(method, path, json=body).status_code == 401


def test_a_day_given_as_a_number_is_refused_not_read_as_1970(client: TestClient, dispatcher: Headers) -> None:
    """``{"day": 0}`` and ``/plans/0/locks`` are 422 problems, never a plan for 1 January 1970."""
    posted = client.post("/plans", json={"day": 0, "time_limit_s": 10}, headers=dispatcher)
    assert posted.status_code == 422
    assert posted.headers["content-type"].startswith("application/problem+json")
    assert client.get("/plans/0/locks", headers=dispatcher).status_code == 422
