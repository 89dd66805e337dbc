"""GET /plans/published: the stored plan's routes in visit order and its unassigned jobs with reasons."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

import optimizer as opt
from dispatch.config import Settings
from dispatch.domain.plans import Plan
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.services.planning import plan_and_publish

pytestmark = pytest.mark.postgis

DAY = date(2026, 11, 26)
QUICK = opt.SolveParams(time_limit_s=1, deterministic=True, solution_limit=100)
Headers = dict[str, str]


@pytest.fixture(scope="module")
def published(api_settings: Settings) -> Plan:
    """The sample day planned and published by the planning service."""
    engine = make_engine(api_settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return plan_and_publish(session, DAY, params=QUICK).plan
    finally:
        engine.dispose()


def test_published_plan_mirrors_the_stored_plan(
    client: TestClient, dispatcher_headers: Headers, published: Plan
) -> None:
    """Every route, visit and unassigned job of the stored plan is answered, visits in sequence order."""
    answer = client.get("/plans/published", params={"day": DAY.isoformat()}, headers=dispatcher_headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["id"] == published.id and body["region"] is None
    assert body["routes"] and body["unassigned"], "the sample day plans one job and leaves one out"
    assert {r["technician_id"] for r in body["routes"]} == {r.technician_id for r in published.routes}
    answered_jobs = [v["job_id"] for r in body["routes"] for v in r["visits"] if v["job_id"]]
    assert sorted(answered_jobs) == sorted(published.planned_job_ids)
    assert {u["job_id"]: u["reason"] for u in body["unassigned"]} == {
        u.job_id: u.reason for u in published.unplanned
    }
    assert all(u["detail"] for u in body["unassigned"])
    for route in body["routes"]:
        sequences = [v["sequence"] for v in route["visits"]]
        assert sequences == sorted(sequences)
        for visit in route["visits"]:
            assert visit["arrival"] <= visit["start"] <= visit["end"]
    assert body["cost"]["total"] == published.cost.total


def test_a_day_without_a_plan_is_a_404_problem(client: TestClient, dispatcher_headers: Headers) -> None:
    """Asking for a day (or region) with no published plan is a 404 problem saying so."""
    answer = client.get("/plans/published", params={"day": "2030-01-01"}, headers=dispatcher_headers)
    assert answer.status_code == 404
    assert "no published plan for 2030-01-01" in answer.json()["detail"]
    regional = client.get(
        "/plans/published", params={"day": DAY.isoformat(), "region": "nowhere"}, headers=dispatcher_headers
    )
    assert regional.status_code == 404


def test_a_malformed_day_is_a_422_problem(client: TestClient, dispatcher_headers: Headers) -> None:
    """``day`` must be a date; anything else is refused naming ``query.day``."""
    answer = client.get("/plans/published", params={"day": "26/11/2026"}, headers=dispatcher_headers)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["query.day"]
