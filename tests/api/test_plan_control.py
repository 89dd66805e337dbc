"""Manual control of the plan: edits validated before they are published, locks and pins kept by re-planning.

Runs on both back ends (the re-plan goes through the plan-job queue of each).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import URL

import optimizer as opt
from api.main import create_app
from dispatch.config import Settings
from dispatch.domain.plans import Plan
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD
from dispatch.services.planning import plan_and_publish
from tests.api.conftest import bearer_for
from tests.api.plan_demo import DAY, Headers, demo_day, plan_worker, seeded_settings, wait_for

QUICK = opt.SolveParams(time_limit_s=2, deterministic=True, solution_limit=50)


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    """A database of this module's own on the shared server."""
    return postgis_server_url.set(database="dispatch_plans_control_test")


@pytest.fixture(scope="module")
def seeded(database_url: str) -> tuple[Settings, tuple[str, str]]:
    return seeded_settings(database_url)


@pytest.fixture(scope="module")
def app(seeded: tuple[Settings, tuple[str, str]]) -> FastAPI:
    return create_app(seeded[0])


@pytest.fixture(scope="module")
def client(app: FastAPI, database_url: str) -> Iterator[TestClient]:
    with plan_worker(database_url), TestClient(app, base_url="https://testserver") as client:
        yield client


@pytest.fixture(scope="module")
def dispatcher(client: TestClient) -> Headers:
    return bearer_for(client, DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD)


@pytest.fixture(scope="module")
def technician(client: TestClient, seeded: tuple[Settings, tuple[str, str]]) -> Headers:
    return bearer_for(client, *seeded[1])


@pytest.fixture
def published(seeded: tuple[Settings, tuple[str, str]], client: TestClient) -> Plan:
    """A fresh solver plan of the whole day, published before each test."""
    engine = make_engine(seeded[0].effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return plan_and_publish(session, DAY, params=QUICK).plan
    finally:
        engine.dispose()


def _current(client: TestClient, headers: Headers) -> dict[str, Any]:
    answer = client.get("/plans/published", params={"day": DAY.isoformat()}, headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _route(plan: dict[str, Any], technician_id: str) -> list[str]:
    route = next((r for r in plan["routes"] if r["technician_id"] == technician_id), {"visits": []})
    return [v["job_id"] for v in route["visits"] if v["job_id"]]


def _first_routed(plan: Plan) -> tuple[str, str]:
    route = next(r for r in plan.routes if r.job_ids)
    return route.job_ids[0], route.technician_id


def test_unassign_then_assign_back_publishes_each_edit(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """Taking a job out leaves it unassigned as 'manual'; putting it back pins it; each edit supersedes."""
    job_id, technician_id = _first_routed(published)
    out = client.delete(f"/plans/{DAY}/assignments/{job_id}", headers=dispatcher)
    assert out.status_code == 200, out.text
    edited = out.json()
    assert edited["id"] != published.id and edited["solver_status"] == "edited"
    assert job_id not in _route(edited, technician_id)
    assert {"job_id": job_id, "reason": "manual"}.items() <= next(
        u for u in edited["unassigned"] if u["job_id"] == job_id
    ).items()
    assert _current(client, dispatcher)["id"] == edited["id"]

    back = client.post(
        f"/plans/{DAY}/assignments",
        json={"job_id": job_id, "technician_id": technician_id},
        headers=dispatcher,
    )
    assert back.status_code == 200, back.text
    assert job_id in _route(back.json(), technician_id)
    assert all(u["job_id"] != job_id for u in back.json()["unassigned"])
    assert client.get(f"/jobs/{job_id}", headers=dispatcher).json()["pinned_technician_id"] == technician_id


def test_an_edit_that_breaks_a_skill_rule_is_refused_with_the_reason(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """Giving a job to a technician without its skills is a 409 naming the skills rule; nothing changes."""
    dataset = demo_day()
    jobs = {j.id: j for j in dataset.jobs}
    working = {r.technician_id for r in published.routes}
    pair = next(
        (job_id, t.id)
        for job_id in published.planned_job_ids
        for t in dataset.technicians
        if t.id in working
        and any(t.skills.get(r.skill, 0) < r.min_level for r in jobs[job_id].required_skills)
    )
    before = client.get(f"/jobs/{pair[0]}", headers=dispatcher).json()["pinned_technician_id"]
    answer = client.post(
        f"/plans/{DAY}/assignments", json={"job_id": pair[0], "technician_id": pair[1]}, headers=dispatcher
    )
    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert f"{pair[1]} (" in answer.json()["detail"] and " lacks " in answer.json()["detail"]
    assert "skills" in {v["rule"] for v in answer.json()["violations"]}
    assert _current(client, dispatcher)["id"] == published.id
    assert client.get(f"/jobs/{pair[0]}", headers=dispatcher).json()["pinned_technician_id"] == before


def test_an_assignment_at_a_time_after_the_shift_is_refused(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """Pinning a visit at 23:30 UTC, after every mainland shift ends, is refused on the shift end, told in
    the technician's and the site's local clock times."""
    job_id, technician_id = _first_routed(published)
    late = datetime.combine(DAY, time(23, 30), UTC).isoformat()
    answer = client.post(
        f"/plans/{DAY}/assignments",
        json={"job_id": job_id, "technician_id": technician_id, "start": late},
        headers=dispatcher,
    )
    assert answer.status_code == 409, answer.text
    detail = answer.json()["detail"]
    assert "after the end of their shift at" in detail, detail
    assert re.search(r"would be back at \d\d:\d\d [ECMP]ST", detail), detail
    assert "shift_end" in {v["rule"] for v in answer.json()["violations"]}
    assert _current(client, dispatcher)["id"] == published.id


def test_a_start_on_another_day_is_refused(client: TestClient, dispatcher: Headers, published: Plan) -> None:
    """A start days away from the planned day is a 422 problem, before anything is built."""
    job_id, technician_id = _first_routed(published)
    answer = client.post(
        f"/plans/{DAY}/assignments",
        json={
            "job_id": job_id,
            "technician_id": technician_id,
            "start": f"{DAY + timedelta(days=3)}T15:00:00Z",
        },
        headers=dispatcher,
    )
    assert answer.status_code == 422, answer.text
    assert "is not on" in answer.json()["detail"]


def test_a_locked_day_survives_a_re_plan_and_refuses_edits(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """A locked technician's route comes back unchanged from POST /plans/{day}/resolve; edits are refused."""
    job_id, technician_id = _first_routed(published)
    locked = client.put(f"/plans/{DAY}/locks/{technician_id}", headers=dispatcher)
    assert locked.status_code == 200 and technician_id in locked.json()["technician_ids"]
    kept = next(r for r in _current(client, dispatcher)["routes"] if r["technician_id"] == technician_id)
    try:
        refused = client.delete(f"/plans/{DAY}/assignments/{job_id}", headers=dispatcher)
        assert refused.status_code == 409 and "locked" in refused.json()["detail"]
        job = client.post(f"/plans/{DAY}/resolve", json={"time_limit_s": 2}, headers=dispatcher)
        assert job.status_code == 202, job.text
        done = wait_for(client, dispatcher, job.json()["id"])
        assert done["status"] == "succeeded", done
        again = next(r for r in done["plan"]["routes"] if r["technician_id"] == technician_id)
        assert again["visits"] == kept["visits"]
    finally:
        unlocked = client.delete(f"/plans/{DAY}/locks/{technician_id}", headers=dispatcher)
        assert unlocked.status_code == 200 and technician_id not in unlocked.json()["technician_ids"]


def test_a_pin_is_kept_by_the_next_solve(client: TestClient, dispatcher: Headers, published: Plan) -> None:
    """A job pinned to a technician stays with that technician when the day is planned again."""
    job_id, technician_id = _first_routed(published)
    pinned = client.post(
        f"/plans/{DAY}/assignments",
        json={"job_id": job_id, "technician_id": technician_id},
        headers=dispatcher,
    )
    assert pinned.status_code == 200, pinned.text
    job = client.post("/plans", json={"day": DAY.isoformat(), "time_limit_s": 2}, headers=dispatcher)
    done = wait_for(client, dispatcher, job.json()["id"])
    assert done["status"] == "succeeded", done
    assert job_id in _route(done["plan"], technician_id)
    client.delete(f"/plans/{DAY}/assignments/{job_id}", headers=dispatcher)


def test_edits_of_unknown_or_unplanned_jobs(client: TestClient, dispatcher: Headers, published: Plan) -> None:
    """An unknown job is a 404; taking out a job that is not in the plan is a 409."""
    unknown = client.delete(f"/plans/{DAY}/assignments/NO-SUCH-JOB", headers=dispatcher)
    assert unknown.status_code == 404
    left_out = next(u.job_id for u in published.unplanned)
    answer = client.delete(f"/plans/{DAY}/assignments/{left_out}", headers=dispatcher)
    assert answer.status_code == 409 and "not in the plan" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"/plans/{DAY}/assignments"),
        ("DELETE", f"/plans/{DAY}/assignments/J-1"),
        ("GET", f"/plans/{DAY}/locks"),
        ("PUT", f"/plans/{DAY}/locks/T-1"),
        ("DELETE", f"/plans/{DAY}/locks/T-1"),
        ("POST", f"/plans/{DAY}/resolve"),
    ],
)
def test_only_dispatchers_control_the_plan(
    client: TestClient, technician: Headers, method: str, path: str
) -> None:
    """Technicians get 403 and anonymous callers 401 on every plan-control route."""
    body = {"job_id": "J-1", "technician_id": "T-1"} if path.endswith("assignments") else {}
    assert client.request(method, path, json=body, headers=technician).status_code == 403
    assert client.request(method, path, json=body).status_code == 401


def test_plan_edits_and_locks_are_on_the_days_audit_trail(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """Taking a job out publishes a plan whose entry names the dispatcher, the plan it replaced, the new
    one and the edit; a lock and an unlock follow; the job's pin changes are on its ticket's trail."""
    job_id, technician_id = _first_routed(published)
    out = client.delete(f"/plans/{DAY}/assignments/{job_id}", headers=dispatcher)
    assert out.status_code == 200, out.text
    assert client.put(f"/plans/{DAY}/locks/{technician_id}", headers=dispatcher).status_code == 200
    assert client.delete(f"/plans/{DAY}/locks/{technician_id}", headers=dispatcher).status_code == 200

    answer = client.get(f"/plans/{DAY}/audit", headers=dispatcher)
    assert answer.status_code == 200, answer.text
    trail = answer.json()
    assert all(e["plan_day"] == DAY.isoformat() for e in trail)
    edit = next(e for e in trail if e["action"] == "published" and e["to_value"] == out.json()["id"])
    assert edit["actor"] == DEMO_DISPATCHER_EMAIL
    assert edit["from_value"] == published.id
    assert edit["why"].startswith(f"taking {job_id} out")
    tail = [(e["action"], e["from_value"], e["to_value"]) for e in trail[-2:]]
    assert tail == [("day_locked", None, technician_id), ("day_unlocked", technician_id, None)]
    assert [e["seq"] for e in trail] == sorted(e["seq"] for e in trail)

    ticket_id = client.get(f"/jobs/{job_id}", headers=dispatcher).json()["ticket_id"]
    ticket_trail = client.get(f"/tickets/{ticket_id}/audit", headers=dispatcher).json()
    assert any(e["subject_id"] == job_id and e["action"] == "unpinned" for e in ticket_trail)
