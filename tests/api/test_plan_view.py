"""GET /plans/{day}/view: the published plan with names, places, local zones, SLA outlook and candidates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import URL

import optimizer as opt
from api.deps import get_now
from api.main import create_app
from dispatch.config import Settings
from dispatch.domain.plans import Plan
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD
from dispatch.services.planning import plan_and_publish
from tests.api.conftest import bearer_for
from tests.api.plan_demo import DAY, Headers, demo_day, seeded_settings

QUICK = opt.SolveParams(time_limit_s=1, deterministic=True, solution_limit=50)
MORNING = datetime.combine(DAY, time(12, 0), UTC)


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    return postgis_server_url.set(database="dispatch_plan_view_test")


@pytest.fixture(scope="module")
def settings(database_url: str) -> Settings:
    return seeded_settings(database_url)[0]


@pytest.fixture(scope="module")
def published(settings: Settings) -> Plan:
    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return plan_and_publish(session, DAY, params=QUICK, now=MORNING).plan
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def client(settings: Settings, published: Plan) -> Iterator[TestClient]:
    app: FastAPI = create_app(settings)
    app.dependency_overrides[get_now] = lambda: MORNING
    with TestClient(app, base_url="https://testserver") as client:
        yield client


@pytest.fixture(scope="module")
def dispatcher(client: TestClient) -> Headers:
    return bearer_for(client, DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD)


def test_the_view_names_people_and_places_of_every_visit(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """Every route of the plan is there under its technician's name, each visit with its site's name,
    address, coordinates and zone, its priority and SLA outlook; the ETag is the plan's version."""
    answer = client.get(f"/plans/{DAY}/view", headers=dispatcher)
    assert answer.status_code == 200, answer.text
    assert answer.headers["etag"] == f'"{published.id}"'
    body = answer.json()
    assert body["version"] == published.id
    dataset = demo_day()
    names = {t.id: t.name for t in dataset.technicians}
    sites = {s.id: s for s in dataset.sites}
    jobs = {j.id: j for j in dataset.jobs}
    shown = {t["id"]: t for t in body["technicians"]}
    assert set(shown) == set(names), "every technician has a row, working or not"
    for route in published.routes:
        technician = shown[route.technician_id]
        assert technician["name"] == names[route.technician_id]
        stops = technician["route"]["stops"]
        assert [s["job_id"] for s in stops if s["job_id"]] == list(route.job_ids)
        for stop in stops:
            if stop["job_id"] is None:
                assert stop["kind"] == "depot_pickup" and stop["place"]["name"]
                continue
            job = jobs[stop["job_id"]]
            site = sites[job.site_id]
            assert stop["place"]["name"] == site.name
            assert site.address in stop["place"]["address"]
            assert (stop["place"]["lat"], stop["place"]["lon"]) == (site.location.lat, site.location.lon)
            assert stop["place"]["timezone"] == site.timezone
            assert stop["priority"] == job.priority.value
            assert stop["sla"] in {"on_time", "at_risk", "late", None}
            assert stop["progress"] == "pending", "nothing is reported yet"
            assert stop["start"] == stop["planned_start"] or stop["start"] >= stop["planned_start"]
    planned = sum(body["kpis"]["planned_by_priority"].values())
    assert planned == len(published.planned_job_ids)
    assert 0 < body["kpis"]["travel_share"] < 1


def test_jobs_left_out_carry_plain_reasons_and_candidates(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """Each job left out says why in plain words and names up to three technicians with what each lacks."""
    body = client.get(f"/plans/{DAY}/view", headers=dispatcher).json()
    assert {j["job_id"] for j in body["left_out"]} == {u.job_id for u in published.unplanned}
    assert sum(body["kpis"]["unassigned_by_priority"].values()) == len(published.unplanned)
    names = {t.id: t.name for t in demo_day().technicians}
    for job in body["left_out"]:
        assert job["reason_text"] and job["reason_text"][0].isupper()
        assert "Nearest:" not in job["detail"]
        assert 1 <= len(job["candidates"]) <= 3
        for candidate in job["candidates"]:
            assert candidate["name"] == names[candidate["technician_id"]]
            assert candidate["distance_km"] >= 0 and candidate["drive_min"] >= 0
    priorities = [j["priority"] for j in body["left_out"]]
    assert priorities == sorted(priorities), "most urgent first"


def test_a_region_filter_shows_its_technicians_in_its_zone(client: TestClient, dispatcher: Headers) -> None:
    """With a region, only its technicians are rows and the day is drawn in their time zone."""
    dataset = demo_day()
    region = dataset.technicians[0].region
    body = client.get(f"/plans/{DAY}/view", params={"region": region}, headers=dispatcher).json()
    assert {t["region"] for t in body["technicians"]} == {region}
    assert body["display_timezone"] in {t.timezone for t in dataset.technicians if t.region == region}
    sites = {s.id: s.region for s in dataset.sites}
    jobs = {j.id: j.site_id for j in dataset.jobs}
    assert all(sites[jobs[j["job_id"]]] == region for j in body["left_out"])
    unknown = client.get(f"/plans/{DAY}/view", params={"region": "atlantis"}, headers=dispatcher)
    assert unknown.status_code == 422
    assert "atlantis" in unknown.json()["detail"]


def test_a_day_without_a_plan_is_a_404_and_technicians_may_not_look(
    client: TestClient, dispatcher: Headers
) -> None:
    """No published plan: 404 saying so. Technicians get 403."""
    answer = client.get("/plans/2030-01-02/view", headers=dispatcher)
    assert answer.status_code == 404
    assert "no published plan for 2030-01-02" in answer.json()["detail"]
    technician = next(t for t in demo_day().technicians)
    headers = bearer_for(client, technician.email, "technician-demo-2026")
    assert client.get(f"/plans/{DAY}/view", headers=headers).status_code == 403


def _page_login(client: TestClient, email: str, password: str) -> None:
    client.cookies.clear()
    answer = client.post("/auth/login", data={"username": email, "password": password})
    assert answer.status_code == 200, answer.text


def test_the_board_is_drawn_from_the_same_view(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """The board page has a row per technician and a visit per planned job; its body carries the view's
    JSON for the map; the fragment is the same body alone."""
    _page_login(client, DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD)
    home = client.get("/", follow_redirects=False)
    assert (home.status_code, home.headers["location"]) == (303, "/board")
    page = client.get("/board", params={"day": DAY.isoformat()})
    assert page.status_code == 200, page.text
    html = page.text
    assert html.count('<li class="lane') == len(demo_day().technicians)
    assert html.count('class="block visit') == len(published.planned_job_ids)
    assert f'data-version="{published.id}"' in html
    assert 'id="plan-view-data">{"day":' in html
    fragment = client.get("/board/fragment", params={"day": DAY.isoformat()})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert fragment.text.count('class="block visit') == len(published.planned_job_ids)
    empty = client.get("/board", params={"day": "2030-01-02"})
    assert empty.status_code == 200 and "No plan is published" in empty.text
    client.cookies.clear()


def test_technicians_are_sent_to_their_sheet_not_the_board(client: TestClient) -> None:
    """A technician's ``/`` is their job sheet; the board refuses them."""
    technician = demo_day().technicians[0]
    _page_login(client, technician.email, "technician-demo-2026")
    home = client.get("/", follow_redirects=False)
    assert (home.status_code, home.headers["location"]) == (303, "/tech/sheet")
    assert client.get("/board").status_code == 403
    assert client.get("/board/fragment").status_code == 403
    client.cookies.clear()


def test_visits_at_risk_are_listed_latest_first_with_the_target_and_other_candidates(
    client: TestClient, dispatcher: Headers
) -> None:
    """Every planned visit the timeline marks at risk or late is in the at-risk list, once, with the target
    nearest to breaking and the time to spare on it worked out from its estimated times, by priority
    then the latest first, and other technicians who could go; the board lists the same visits."""
    view = client.get(f"/plans/{DAY}/view", headers=dispatcher).json()
    marked = {
        s["job_id"]: (t["id"], s)
        for t in view["technicians"]
        for s in (t["route"] or {}).get("stops", [])
        if s["sla"] in ("at_risk", "late")
    }
    listed = view["at_risk"]
    assert marked, "the demo day must have visits at risk"
    assert {a["job_id"] for a in listed} == set(marked) and len(listed) == len(marked)
    order = [(a["priority"], a["spare_s"]) for a in listed]
    assert order == sorted(order), "most urgent first, then the latest"
    for item in listed:
        technician, stop = marked[item["job_id"]]
        at = stop["arrival"] if item["target"] == "response" else stop["end"]
        due = stop["response_due"] if item["target"] == "response" else stop["sla_due"]
        assert item["technician_id"] == technician and item["due"] == due
        spare = (datetime.fromisoformat(due) - datetime.fromisoformat(at)).total_seconds()
        assert item["spare_s"] == int(spare)
        assert (item["spare_s"] < 0) == (item["sla"] == "late")
        assert item["candidates"] and technician not in {c["technician_id"] for c in item["candidates"]}
    _page_login(client, DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD)
    page = client.get("/board", params={"day": DAY.isoformat()}).text
    assert page.count('class="card risk-card') == len(listed)
