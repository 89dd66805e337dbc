"""What a technician's reports do downstream, seen through the dispatchers' API.

T-MKE's published day (``tests/api/field_day.py``): a switch picked up at the Chicago depot, then J-1
(TK-1, needs a switch and two receipt printers) and J-F2 .. J-F5 (J-F2 needs a switch).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import URL

from dispatch.config import Settings
from tests.api.conftest import TECHNICIAN_EMAIL
from tests.api.field_fixtures import field_database, field_settings

pytestmark = pytest.mark.postgis

Headers = dict[str, str]


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    return field_database(postgis_server_url, "effects")


@pytest.fixture(scope="module")
def api_settings(database_url: str) -> Settings:
    return field_settings(database_url)


def _report(
    client: TestClient, headers: Headers, job_id: str, kind: str, key: str | None = None, **extra: Any
) -> httpx.Response:
    body = {"idempotency_key": key or str(uuid.uuid4()), "kind": kind, **extra}
    answer: httpx.Response = client.post(f"/tech/visits/{job_id}/reports", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer


def _ticket(client: TestClient, headers: Headers, ticket_id: str) -> dict[str, Any]:
    answer = client.get(f"/tickets/{ticket_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_visit_done_resolves_the_ticket_and_takes_its_parts_off_the_van_once(
    client: TestClient, technician_headers: Headers, dispatcher_headers: Headers
) -> None:
    """J-1 en route, arrived, completed (sent twice): TK-1 is in progress, then resolved; the van now holds
    the switch picked up until J-1 uses it, and the completion counted once leaves nothing on the van."""
    _report(client, technician_headers, "J-1", "en_route")
    assert _ticket(client, dispatcher_headers, "TK-1")["state"] == "in_progress"
    van = client.get("/technicians/T-MKE/van-stock-now", headers=dispatcher_headers)
    assert van.status_code == 200, van.text
    assert van.json() == [{"sku": "SW-24P", "quantity": 1}]
    _report(client, technician_headers, "J-1", "arrived")
    key = str(uuid.uuid4())
    first = _report(client, technician_headers, "J-1", "completed", key)
    assert _report(client, technician_headers, "J-1", "completed", key).json() == first.json()
    ticket = _ticket(client, dispatcher_headers, "TK-1")
    assert ticket["state"] == "resolved" and ticket["resolved_at"] is not None
    assert client.get("/technicians/T-MKE/van-stock-now", headers=dispatcher_headers).json() == []
    assert client.get("/technicians/T-MKE/van-stock", headers=dispatcher_headers).json() == []


def test_the_reports_and_what_they_did_to_the_ticket_are_on_its_audit_trail(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """After J-1's reports (the completion sent twice): each status of J-1 once, and each step the ticket
    took, by the technician who reported, with the report as the reason."""
    answer = client.get("/tickets/TK-1/audit", headers=dispatcher_headers)
    assert answer.status_code == 200, answer.text
    trail = answer.json()
    job = [
        (e["from_value"], e["to_value"])
        for e in trail
        if e["subject_id"] == "J-1" and e["action"] == "status"
    ]
    assert job == [("planned", "en_route"), ("en_route", "on_site"), ("on_site", "completed")]
    ticket = [
        (e["from_value"], e["to_value"], e["why"])
        for e in trail
        if e["subject_id"] == "TK-1" and e["action"] == "transition"
    ]
    assert ticket == [
        ("onsite_required", "scheduled", "en_route on visit J-1"),
        ("scheduled", "in_progress", "en_route on visit J-1"),
        ("in_progress", "resolved", "completing visit J-1"),
    ]
    reported = [e for e in trail if e["action"] in ("status", "transition")]
    assert {e["actor"] for e in reported} == {TECHNICIAN_EMAIL}


def test_a_part_missing_sends_out_one_follow_up_job_however_often_it_is_reported(
    client: TestClient, technician_headers: Headers, dispatcher_headers: Headers
) -> None:
    """J-F2 not completed for a missing part, sent twice: one new job J-F2-F1 needing the switch, to be
    planned; the ticket is back to onsite_required; the first arrival stays its response time."""
    _report(client, technician_headers, "J-F2", "en_route")
    _report(client, technician_headers, "J-F2", "arrived")
    responded = _ticket(client, dispatcher_headers, "TK-F2")["responded_at"]
    assert responded is not None
    key = str(uuid.uuid4())
    _report(client, technician_headers, "J-F2", "not_completed", key, reason="part_missing")
    _report(client, technician_headers, "J-F2", "not_completed", key, reason="part_missing")
    jobs = client.get("/jobs", params={"ticket_id": "TK-F2"}, headers=dispatcher_headers).json()["items"]
    assert [(j["id"], j["status"]) for j in jobs] == [("J-F2", "incomplete"), ("J-F2-F1", "unscheduled")]
    assert jobs[1]["required_parts"] == [{"sku": "SW-24P", "quantity": 1}]
    ticket = _ticket(client, dispatcher_headers, "TK-F2")
    assert ticket["state"] == "onsite_required" and ticket["responded_at"] == responded
    assert jobs[1]["sla_due"] == ticket["resolution_due"]
