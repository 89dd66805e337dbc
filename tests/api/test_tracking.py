"""Customers' tracking links: token scope, what is shown, headers, expiry, and the window moving."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, select
from sqlalchemy.engine import URL

from api.main import create_app
from dispatch.config import Settings
from dispatch.domain.promises import ArrivalPromise
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.persistence.models import ArrivalPromiseRow, TrackingLinkRow
from dispatch.persistence.repositories.arrival_promises import ArrivalPromiseRepository
from dispatch.services.tracking import GRACE_AFTER_CLOSING, LINK_LIFETIME, tracking_view
from tests.api.field_fixtures import field_database, field_settings

pytestmark = pytest.mark.postgis


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    return field_database(postgis_server_url, "tracking")


@pytest.fixture(scope="module")
def api_settings(database_url: str) -> Settings:
    return field_settings(database_url)


def _link(client: TestClient, headers: dict[str, str], ticket_id: str) -> str:
    answer = client.post(f"/tickets/{ticket_id}/tracking-link", headers=headers)
    assert answer.status_code == 201, answer.text
    url: str = answer.json()["url"]
    return url[url.index("/track/") :]


def _report(client: TestClient, headers: dict[str, str], job_id: str, kind: str, **extra: object) -> None:
    body = {"idempotency_key": str(uuid.uuid4()), "kind": kind, **extra}
    answer = client.post(f"/tech/visits/{job_id}/reports", json=body, headers=headers)
    assert answer.status_code == 201, answer.text


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _holds(window: dict[str, str], clock: str) -> bool:
    return _minutes(window["start"]) <= _minutes(clock) <= _minutes(window["end"])


def test_a_link_shows_status_window_and_first_name_and_nothing_else(
    client: TestClient, dispatcher_headers: dict[str, str]
) -> None:
    """JSON variant: exactly status, text, a local window on 5-minute marks around the estimated start
    (15:00) and the first name; no ids, no home."""
    path = _link(client, dispatcher_headers, "TK-F5")
    answer = client.get(f"{path}.json")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"status", "status_text", "window", "technician"}
    assert body["status"] == "planned" and body["technician"] == "Milwaukee"
    window = body["window"]
    assert window["date"] == "2026-11-26" and window["timezone"] == "CST"
    assert _holds(window, "15:00")
    assert _minutes(window["start"]) % 5 == 0 and _minutes(window["end"]) % 5 == 0
    assert _minutes(window["end"]) - _minutes(window["start"]) >= 10
    for secret in ("J-F5", "TK-F5", "T-MKE", "Home in", "S-CHI", "C-ACME", "Acme", "Wacker", "PLAN-"):
        assert secret not in answer.text


def test_tracking_answers_carry_no_referrer_and_no_store(
    client: TestClient, dispatcher_headers: dict[str, str]
) -> None:
    """Both the page and the JSON, and a 404, send Referrer-Policy no-referrer and Cache-Control no-store."""
    path = _link(client, dispatcher_headers, "TK-F4")
    page = client.get(path)
    assert page.status_code == 200 and "Your technician: Milwaukee" in page.text
    assert 'Arrival <span id="window-day">Thu 26 Nov</span> between' in page.text
    unknown_page = client.get("/track/" + "x" * 43)
    unknown_json = client.get("/track/" + "x" * 43 + ".json")
    for answer in (page, client.get(f"{path}.json"), unknown_page, unknown_json):
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["cache-control"] == "no-store"
    assert unknown_page.status_code == 404 and "unknown or has expired" in unknown_page.text
    assert unknown_json.status_code == 404
    assert unknown_json.headers["content-type"].startswith("application/problem+json")


def test_only_the_hash_of_the_token_is_stored(
    client: TestClient, dispatcher_headers: dict[str, str], engine: Engine
) -> None:
    """The stored row holds the SHA-256 of the token, never the token."""
    token = _link(client, dispatcher_headers, "TK-F3").removeprefix("/track/")
    with engine.connect() as connection:
        stored = set(connection.scalars(select(TrackingLinkRow.__table__.c.token_sha256)))
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert token not in stored
    assert len(token) >= 43


def test_each_link_is_scoped_to_its_own_ticket(
    client: TestClient, dispatcher_headers: dict[str, str]
) -> None:
    """Two tickets' links show their own visit's window, not the other's."""
    first = client.get(_link(client, dispatcher_headers, "TK-F2") + ".json").json()
    second = client.get(_link(client, dispatcher_headers, "TK-F5") + ".json").json()
    assert _holds(first["window"], "11:45") and not _holds(first["window"], "15:00")
    assert _holds(second["window"], "15:00") and not _holds(second["window"], "11:45")


def test_only_dispatchers_make_links(client: TestClient, technician_headers: dict[str, str]) -> None:
    """A technician asking for a link gets 403; without a login, 401; an unknown ticket is 404."""
    assert client.post("/tickets/TK-F5/tracking-link", headers=technician_headers).status_code == 403
    assert client.post("/tickets/TK-F5/tracking-link").status_code == 401


def test_unknown_ticket_has_no_link(client: TestClient, dispatcher_headers: dict[str, str]) -> None:
    """A link for a ticket that does not exist is refused with 404."""
    assert client.post("/tickets/TK-NOPE/tracking-link", headers=dispatcher_headers).status_code == 404


def test_a_delay_on_an_earlier_visit_moves_the_customers_window(
    client: TestClient, dispatcher_headers: dict[str, str], technician_headers: dict[str, str]
) -> None:
    """The technician reports 30 minutes late at J-F4: J-F5's window moves half an hour later."""
    path = _link(client, dispatcher_headers, "TK-F5") + ".json"
    before = client.get(path).json()["window"]
    _report(client, technician_headers, "J-F4", "running_late", late_by_min=30)
    after = client.get(path).json()["window"]
    assert 25 <= _minutes(after["start"]) - _minutes(before["start"]) <= 35
    assert 25 <= _minutes(after["end"]) - _minutes(before["end"]) <= 35


def test_the_tracking_page_and_the_job_sheet_show_the_same_window(
    client: TestClient, dispatcher_headers: dict[str, str], technician_headers: dict[str, str]
) -> None:
    """For each of T-MKE's visits still to come, before and after another report, the customer's window
    is the one on the technician's sheet."""
    links = {job: _link(client, dispatcher_headers, f"TK-F{job[-1]}") + ".json" for job in ("J-F3", "J-F5")}
    for _ in range(2):
        sheet = client.get(
            "/technicians/T-MKE/sheet", params={"day": "2026-11-26"}, headers=technician_headers
        )
        assert sheet.status_code == 200, sheet.text
        stops = {s["job_id"]: s for s in sheet.json()["stops"]}
        for job, path in links.items():
            window = client.get(path).json()["window"]
            assert (window["start"], window["end"]) == (
                stops[job]["window_from"][11:16],
                stops[job]["window_to"][11:16],
            ), job
        _report(client, technician_headers, "J-F3", "running_late", late_by_min=20)


def test_a_link_closes_a_grace_period_after_the_visit_is_completed(
    client: TestClient, dispatcher_headers: dict[str, str], technician_headers: dict[str, str], engine: Engine
) -> None:
    """Completed: the link still says so, until the grace period has passed; then it is 404."""
    path = _link(client, dispatcher_headers, "TK-F3")
    for kind in ("en_route", "arrived", "completed"):
        _report(client, technician_headers, "J-F3", kind)
    shown = client.get(f"{path}.json").json()
    assert shown["status"] == "completed" and shown["window"] is None
    token = path.removeprefix("/track/")
    with session_scope(make_session_factory(engine)) as session:
        now = datetime.now(UTC)
        assert tracking_view(session, token, now + GRACE_AFTER_CLOSING - timedelta(minutes=1)) is not None
        assert tracking_view(session, token, now + GRACE_AFTER_CLOSING + timedelta(minutes=1)) is None


def test_a_link_ends_after_its_lifetime_even_while_the_visit_is_open(
    client: TestClient, dispatcher_headers: dict[str, str], engine: Engine
) -> None:
    """An open visit's link still stops working once LINK_LIFETIME has passed."""
    token = _link(client, dispatcher_headers, "TK-F5").removeprefix("/track/")
    with session_scope(make_session_factory(engine)) as session:
        now = datetime.now(UTC)
        assert tracking_view(session, token, now + LINK_LIFETIME - timedelta(minutes=1)) is not None
        assert tracking_view(session, token, now + LINK_LIFETIME + timedelta(minutes=1)) is None


def test_tracking_is_rate_limited_per_client(
    api_settings: Settings, dispatcher_headers: dict[str, str]
) -> None:
    """The 31st request within a minute from one client is a 429 problem with Retry-After."""
    fresh_client = ("192.0.2.150", 50000)  # an address of its own: the count is shared by every app
    with TestClient(create_app(api_settings), base_url="https://testserver", client=fresh_client) as fresh:
        token_path = "/track/" + "y" * 43
        codes = [fresh.get(token_path).status_code for _ in range(30)]
        limited = fresh.get(token_path)
    assert set(codes) == {404}
    assert limited.status_code == 429
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.headers["cache-control"] == "no-store"


def test_the_window_narrows_once_the_technician_is_on_the_way(
    client: TestClient, dispatcher_headers: dict[str, str], technician_headers: dict[str, str]
) -> None:
    """J-F5's window, wide behind three visits, shrinks to the drive's spread when "en route" is reported."""

    def width() -> timedelta:
        """From the sheet, which shows the tracking page's window with its date (it may cross midnight)."""
        sheet = client.get(
            "/technicians/T-MKE/sheet", params={"day": "2026-11-26"}, headers=technician_headers
        )
        stop = next(s for s in sheet.json()["stops"] if s["job_id"] == "J-F5")
        return datetime.fromisoformat(stop["window_to"]) - datetime.fromisoformat(stop["window_from"])

    before = width()
    _report(client, technician_headers, "J-F5", "en_route")
    after = width()
    assert after < before and after <= timedelta(minutes=30), (before, after)


def test_a_window_told_to_the_customer_shows_as_promised_on_the_page_and_the_sheet(
    client: TestClient, dispatcher_headers: dict[str, str], technician_headers: dict[str, str], engine: Engine
) -> None:
    """Before a promise the page says the window is an estimate. Once J-F5's customer is told a window
    reaching half an hour either side of the estimate, the page and T-MKE's sheet both show that window,
    marked promised. A promise the estimate has left behind (the technician now expected after it closes)
    shows the estimate until a new window is told."""
    path = _link(client, dispatcher_headers, "TK-F5")
    assert client.get(f"{path}.json").json()["window"]["promised"] is False
    assert "(estimate; confirmed closer to the visit)" in client.get(path).text
    day = date(2026, 11, 26)
    estimate = _sheet_stop(client, technician_headers, day)
    opens = datetime.fromisoformat(estimate["window_from"]) - timedelta(minutes=30)
    closes = datetime.fromisoformat(estimate["window_to"]) + timedelta(minutes=30)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        ArrivalPromiseRepository(session).put(ArrivalPromise("J-F5", day, opens, closes, opens))
    try:
        window = client.get(f"{path}.json").json()["window"]
        assert (window["start"], window["end"]) == (f"{opens:%H:%M}", f"{closes:%H:%M}")
        assert window["promised"] is True
        assert "(confirmed)" in client.get(path).text
        stop = _sheet_stop(client, technician_headers, day)
        assert (stop["window_from"], stop["window_to"]) == (opens.isoformat(), closes.isoformat())
        assert stop["window_promised"] is True
        left_behind = opens - timedelta(minutes=15)
        with session_scope(factory) as session:
            ArrivalPromiseRepository(session).put(
                ArrivalPromise("J-F5", day, left_behind - timedelta(minutes=45), left_behind, closes, 2)
            )
        window = client.get(f"{path}.json").json()["window"]
        assert window["promised"] is False
        assert (window["start"], window["end"]) == (
            estimate["window_from"][11:16],
            estimate["window_to"][11:16],
        )
        assert "(estimate; confirmed closer to the visit)" in client.get(path).text
        assert _sheet_stop(client, technician_headers, day)["window_promised"] is False
    finally:
        with session_scope(factory) as session:
            session.execute(delete(ArrivalPromiseRow.__table__))


def _sheet_stop(client: TestClient, headers: dict[str, str], day: date) -> dict[str, Any]:
    sheet = client.get("/technicians/T-MKE/sheet", params={"day": str(day)}, headers=headers)
    return dict(next(s for s in sheet.json()["stops"] if s["job_id"] == "J-F5"))
