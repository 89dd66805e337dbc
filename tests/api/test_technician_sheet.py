"""The technician's job sheet: own sheet only, stops in order, everything needed at each stop."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import URL

from api.security import ALGORITHM, AUDIENCE, SESSION_COOKIE
from dispatch.config import Settings
from tests.api.conftest import (
    OTHER_TECHNICIAN,
    OWN_TECHNICIAN,
    TECHNICIAN_EMAIL,
    TECHNICIAN_PASSWORD,
    TEST_JWT_SECRET,
)
from tests.api.field_day import DAY
from tests.api.field_fixtures import field_database, field_settings

pytestmark = pytest.mark.postgis

SHEET = f"/tech/sheet?day={DAY.isoformat()}"


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    return field_database(postgis_server_url, "sheet")


@pytest.fixture(scope="module")
def api_settings(database_url: str) -> Settings:
    return field_settings(database_url)


@pytest.fixture(scope="module")
def page(client: TestClient) -> str:
    """The sheet page as the technician's phone gets it after the form login."""
    login = client.post(
        "/auth/login",
        data={"username": TECHNICIAN_EMAIL, "password": TECHNICIAN_PASSWORD, "next": "/tech/sheet"},
        follow_redirects=False,
    )
    assert login.status_code == 303
    answer = client.get(SHEET)
    client.cookies.clear()
    assert answer.status_code == 200, answer.text
    text: str = answer.text
    return text


def test_login_page_is_a_form_posting_to_the_cookie_login(client: TestClient) -> None:
    """The login page needs no session and posts to /auth/login with the sheet as the next page."""
    answer = client.get("/tech/login")
    assert answer.status_code == 200
    assert 'action="/auth/login"' in answer.text
    assert 'value="/tech/sheet"' in answer.text
    assert "script-src 'self'" in answer.headers["content-security-policy"]


def test_sheet_page_lists_the_stops_in_route_order(page: str) -> None:
    """Depot pickup first, then J-1 and the four Chicago visits, in the plan's order."""
    jobs = re.findall(r'data-job="([^"]+)"', page)
    assert jobs == ["J-1", "J-F2", "J-F3", "J-F4", "J-F5"]
    assert page.index("Depot pickup: Chicago depot") < page.index('data-job="J-1"')


def test_sheet_page_shows_what_the_technician_needs_at_a_stop(page: str) -> None:
    """Address with maps links, arrival window in local time, contact, ticket, SLA, skills, parts, notes."""
    first = page[page.index('data-job="J-1"') : page.index('data-job="J-F2"')]
    assert "233 S Wacker Dr, Chicago, IL 60606" in first
    assert "https://www.google.com/maps/search/?api=1&amp;query=41.878100,-87.629800" in first
    assert "geo:41.878100,-87.629800" in first
    shown = re.search(r"Arrive (\d\d:\d\d)–(\d\d:\d\d) CST", first)
    assert shown is not None and shown[1] <= "09:00" <= shown[2], "the window holds the planned start"
    assert "Dana Reyes" in first and 'href="tel:+1 312 555 0100"' in first
    assert "Store network down, tills offline" in first and "network" in first
    assert "Resolve by Thu 12:05 CST" in first and "Arrive by Thu" not in first, "its ticket has its response"
    second = page[page.index('data-job="J-F2"') : page.index('data-job="J-F3"')]
    assert "Arrive by Wed 13:00 CST" in second and "planned past the SLA" in second
    assert "Networking ≥3" in first
    assert "Loading dock on Franklin St" in first
    assert page.index("Lunch break 11:00–11:30 CST") < page.index('data-job="J-F2"')
    assert page.index("Lunch break") > page.index('data-job="J-1"')


def test_sheet_page_without_a_login_sends_the_phone_to_the_login_page(client: TestClient) -> None:
    """No session cookie and no token: a redirect to the login form, never the sheet nor raw JSON."""
    client.cookies.clear()
    answer = client.get(SHEET, headers={"Accept": "text/html"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/tech/login"
    assert answer.headers["cache-control"] == "no-store"


def test_an_expired_session_on_the_sheet_page_sends_the_phone_to_the_login_page(client: TestClient) -> None:
    """A session cookie whose token has expired: the login page, where logging in comes back to the sheet."""
    login = client.post(
        "/auth/login",
        data={"username": TECHNICIAN_EMAIL, "password": TECHNICIAN_PASSWORD},
        follow_redirects=False,
    )
    account_id = login.json()["id"]
    issued = datetime.now(UTC) - timedelta(hours=13)
    expired = jwt.encode(
        {"sub": account_id, "aud": AUDIENCE, "iat": issued, "exp": issued + timedelta(hours=12)},
        TEST_JWT_SECRET,
        algorithm=ALGORITHM,
    )
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, expired)
    answer = client.get(SHEET, headers={"Accept": "text/html"}, follow_redirects=False)
    client.cookies.clear()
    assert answer.status_code == 303 and answer.headers["location"] == "/tech/login"
    assert 'value="/tech/sheet"' in client.get(answer.headers["location"]).text


def test_a_dispatcher_on_the_sheet_page_is_refused(
    client: TestClient, dispatcher_headers: dict[str, str]
) -> None:
    """A valid login of the wrong role is not sent to log in again: 403."""
    assert client.get(SHEET, headers=dispatcher_headers, follow_redirects=False).status_code == 403


def test_sheet_json_gives_local_times_parts_and_skills(
    client: TestClient, technician_headers: dict[str, str]
) -> None:
    """The JSON sheet: stops in order, local times with offsets, parts from the van or the depot."""
    answer = client.get(
        f"/technicians/{OWN_TECHNICIAN}/sheet", params={"day": DAY.isoformat()}, headers=technician_headers
    )
    assert answer.status_code == 200, answer.text
    sheet = answer.json()
    stops = sheet["stops"]
    assert [s["sequence"] for s in stops] == [1, 2, 3, 4, 5, 6]
    assert stops[0]["kind"] == "depot_pickup" and stops[0]["parts"][0]["sku"] == "SW-24P"
    assert stops[1]["window_from"].startswith("2026-11-26T0") and stops[1]["window_from"].endswith("-06:00")
    assert stops[1]["window_from"] <= stops[1]["start"] <= stops[1]["window_to"]
    assert stops[1]["sla_due"] == "2026-11-26T12:05:00-06:00"
    assert stops[1]["response_due"] is None and not stops[1]["after_sla"]
    assert stops[2]["response_due"] == "2026-11-25T13:00:00-06:00" and stops[2]["after_sla"]
    switch = [p for p in stops[2]["parts"] if p["sku"] == "SW-24P"]
    assert switch == [{"sku": "SW-24P", "name": "24-port switch", "quantity": 1, "source": "depot"}]
    assert stops[2]["skills"] == [{"code": "network", "name": "Networking", "min_level": 2}]
    assert sheet["lunch_start"] == "2026-11-26T11:00:00-06:00"
    assert sheet["lunch_before"] == 3


def test_a_technician_cannot_read_another_technicians_sheet(
    client: TestClient, technician_headers: dict[str, str]
) -> None:
    """Someone else's sheet is 404, as if it did not exist."""
    answer = client.get(
        f"/technicians/{OTHER_TECHNICIAN}/sheet", params={"day": DAY.isoformat()}, headers=technician_headers
    )
    assert answer.status_code == 404
    assert "J-2" not in answer.text


def test_a_dispatcher_can_read_any_sheet(client: TestClient, dispatcher_headers: dict[str, str]) -> None:
    """Dispatchers see every technician's sheet."""
    answer = client.get(
        f"/technicians/{OTHER_TECHNICIAN}/sheet", params={"day": DAY.isoformat()}, headers=dispatcher_headers
    )
    assert answer.status_code == 200
    assert [s["job_id"] for s in answer.json()["stops"]] == ["J-2"]


def test_a_day_without_a_plan_has_no_sheet(client: TestClient, technician_headers: dict[str, str]) -> None:
    """No published plan on the day: 404 for the JSON sheet, a plain message on the page."""
    answer = client.get(
        f"/technicians/{OWN_TECHNICIAN}/sheet", params={"day": "2026-11-27"}, headers=technician_headers
    )
    assert answer.status_code == 404
    page = client.get("/tech/sheet?day=2026-11-27", headers=technician_headers)
    assert page.status_code == 200 and "No published plan" in page.text


def test_static_files_and_the_service_worker_are_served_and_nothing_else(client: TestClient) -> None:
    """The listed assets load; any other name, or a path outside the folder, is 404."""
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")
    worker = client.get("/tech/sw.js")
    assert worker.status_code == 200 and "caches.open" in worker.text
    assert client.get("/static/secret.py").status_code == 404
    assert client.get("/static/..%2Fmain.py").status_code == 404
