"""Procedures through the API: dispatchers keep them, technicians mark steps, a completion with open
mandatory steps is a 409 listing them, and dispatchers read the completed checklist."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import URL

from dispatch.config import Settings
from tests.api.conftest import OWN_TECHNICIAN
from tests.api.field_fixtures import field_database, field_settings

pytestmark = pytest.mark.postgis

NETWORK: dict[str, Any] = {
    "id": "PROC-NET",
    "category": "network",
    "name": "Network visit",
    "steps": [
        {"code": "diagnose", "label": "Diagnose the faulty port"},
        {"code": "serial", "label": "Serial number of the switch fitted", "kind": "text"},
        {"code": "sign_off", "label": "Customer's name at sign-off", "kind": "text"},
        {"code": "notes", "label": "Notes", "kind": "text", "mandatory": False},
    ],
}


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    return field_database(postgis_server_url, "checklists")


@pytest.fixture(scope="module")
def api_settings(database_url: str) -> Settings:
    return field_settings(database_url)


@pytest.fixture(scope="module")
def procedure(client: TestClient, dispatcher_headers: dict[str, str]) -> dict[str, Any]:
    answer = client.post("/procedures", json=NETWORK, headers=dispatcher_headers)
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _report(
    client: TestClient, headers: dict[str, str], job_id: str, kind: str, **extra: Any
) -> httpx.Response:
    body = {"idempotency_key": str(uuid.uuid4()), "kind": kind, **extra}
    answer: httpx.Response = client.post(f"/tech/visits/{job_id}/reports", json=body, headers=headers)
    return answer


def _mark(
    client: TestClient, headers: dict[str, str], job_id: str, step: str, done: bool = True, **extra: Any
) -> httpx.Response:
    body = {"idempotency_key": str(uuid.uuid4()), "done": done, **extra}
    answer: httpx.Response = client.post(
        f"/tech/visits/{job_id}/checklist/{step}", json=body, headers=headers
    )
    return answer


def test_dispatchers_keep_procedures_one_per_category_and_kind(
    client: TestClient, dispatcher_headers: dict[str, str], procedure: dict[str, Any]
) -> None:
    """Created with its steps in order; listed by category; a second general one for the category is 409;
    a maintenance one beside it is fine; replaced and deleted."""
    assert [s["code"] for s in procedure["steps"]] == ["diagnose", "serial", "sign_off", "notes"]
    assert procedure["steps"][0] == {
        "code": "diagnose",
        "label": "Diagnose the faulty port",
        "mandatory": True,
        "kind": "tick",
    }
    listed = client.get("/procedures", params={"category": "network"}, headers=dispatcher_headers).json()
    assert [p["id"] for p in listed["items"]] == ["PROC-NET"] and listed["total"] == 1
    clash = client.post("/procedures", json={**NETWORK, "id": "PROC-NET-2"}, headers=dispatcher_headers)
    assert clash.status_code == 409, clash.text
    upkeep = {**NETWORK, "id": "PROC-NET-M", "ticket_kind": "maintenance", "steps": NETWORK["steps"][:1]}
    assert client.post("/procedures", json=upkeep, headers=dispatcher_headers).status_code == 201
    changed = {k: v for k, v in upkeep.items() if k != "id"} | {"name": "Network upkeep"}
    replaced = client.put("/procedures/PROC-NET-M", json=changed, headers=dispatcher_headers)
    assert replaced.status_code == 200 and replaced.json()["name"] == "Network upkeep"
    assert client.delete("/procedures/PROC-NET-M", headers=dispatcher_headers).status_code == 204
    assert client.get("/procedures/PROC-NET-M", headers=dispatcher_headers).status_code == 404


def test_bad_procedures_are_refused_in_words(client: TestClient, dispatcher_headers: dict[str, str]) -> None:
    """Two steps with one code: 422 naming it; an unknown category: 422; no steps: 422."""
    twice = {**NETWORK, "id": "PROC-X", "category": "server", "steps": [NETWORK["steps"][0]] * 2}
    answer = client.post("/procedures", json=twice, headers=dispatcher_headers)
    assert answer.status_code == 422 and "repeated: diagnose" in answer.json()["detail"]
    unknown = client.post(
        "/procedures", json={**NETWORK, "id": "PROC-Y", "category": "plumbing"}, headers=dispatcher_headers
    )
    assert unknown.status_code == 422, unknown.text
    empty = client.post(
        "/procedures", json={**NETWORK, "id": "PROC-Z", "steps": []}, headers=dispatcher_headers
    )
    assert empty.status_code == 422


def test_technicians_cannot_edit_procedures(client: TestClient, technician_headers: dict[str, str]) -> None:
    """Procedures are the dispatchers' to keep."""
    assert client.get("/procedures", headers=technician_headers).status_code == 403
    assert client.post("/procedures", json=NETWORK, headers=technician_headers).status_code == 403


def test_completing_with_open_steps_is_a_409_listing_them_and_completing_after_ticking_works(
    client: TestClient,
    technician_headers: dict[str, str],
    dispatcher_headers: dict[str, str],
    procedure: dict[str, Any],
) -> None:
    """409 with the open steps' labels and codes; after ticking and answering, 201; the dispatcher reads
    the answers, who and when, and who completed the visit."""
    for kind in ("en_route", "arrived"):
        assert _report(client, technician_headers, "J-F2", kind).status_code == 201
    refused = _report(client, technician_headers, "J-F2", "completed")
    assert refused.status_code == 409
    problem = refused.json()
    assert [s["code"] for s in problem["open_steps"]] == ["diagnose", "serial", "sign_off"]
    assert (
        "Diagnose the faulty port; Serial number of the switch fitted; Customer's name at sign-off"
        in problem["detail"]
    )

    assert _mark(client, technician_headers, "J-F2", "diagnose").json()["open_mandatory"] == [
        "serial",
        "sign_off",
    ]
    assert _mark(client, technician_headers, "J-F2", "serial", answer="SN-88120").status_code == 201
    still = _report(client, technician_headers, "J-F2", "completed")
    assert still.status_code == 409 and [s["code"] for s in still.json()["open_steps"]] == ["sign_off"]
    signed = _mark(client, technician_headers, "J-F2", "sign_off", answer="Dana Whitfield")
    assert signed.status_code == 201 and signed.json()["open_mandatory"] == []
    done = _report(client, technician_headers, "J-F2", "completed")
    assert done.status_code == 201 and done.json()["status"] == "completed"

    checklist = client.get("/jobs/J-F2/checklist", headers=dispatcher_headers).json()
    assert checklist["completed_by"] == OWN_TECHNICIAN and checklist["completed_at"]
    assert checklist["open_mandatory"] == []
    lines = {line["code"]: line for line in checklist["steps"]}
    assert lines["serial"]["answer"] == "SN-88120" and lines["sign_off"]["answer"] == "Dana Whitfield"
    assert lines["diagnose"]["marked_by"] == OWN_TECHNICIAN and lines["diagnose"]["marked_at"]
    assert lines["notes"]["done"] is False
    late = _mark(client, technician_headers, "J-F2", "notes", answer="too late")
    assert late.status_code == 409


def test_not_completed_stays_possible_with_open_steps(
    client: TestClient, technician_headers: dict[str, str], procedure: dict[str, Any]
) -> None:
    """A visit that could not be completed is reported whatever its checklist says."""
    for kind in ("en_route", "arrived"):
        assert _report(client, technician_headers, "J-F3", kind).status_code == 201
    answer = _report(client, technician_headers, "J-F3", "not_completed", reason="customer_absent")
    assert answer.status_code == 201 and answer.json()["status"] == "incomplete"


def test_marks_are_the_technicians_own_and_well_formed(
    client: TestClient,
    technician_headers: dict[str, str],
    dispatcher_headers: dict[str, str],
    procedure: dict[str, Any],
) -> None:
    """Another's visit is 404; a dispatcher cannot mark; unknown fields and blank answers are 422."""
    assert _mark(client, technician_headers, "J-2", "diagnose").status_code == 404
    assert _mark(client, dispatcher_headers, "J-F4", "diagnose").status_code == 403
    assert _mark(client, technician_headers, "J-F4", "diagnose", colour="red").status_code == 422
    blank = _mark(client, technician_headers, "J-F4", "serial", answer="   ")
    assert blank.status_code == 422 and "needs an answer" in blank.json()["detail"]
    assert _mark(client, technician_headers, "J-F4", "nope").status_code == 404


def test_the_sheet_json_carries_each_visits_checklist(
    client: TestClient, technician_headers: dict[str, str], procedure: dict[str, Any]
) -> None:
    """The technician's sheet shows a mark made a moment ago (the cached sheet sees marks)."""
    from tests.api.field_day import DAY

    before = client.get(
        f"/technicians/{OWN_TECHNICIAN}/sheet", params={"day": DAY.isoformat()}, headers=technician_headers
    )
    assert before.status_code == 200
    _mark(client, technician_headers, "J-F5", "diagnose")
    after = client.get(
        f"/technicians/{OWN_TECHNICIAN}/sheet", params={"day": DAY.isoformat()}, headers=technician_headers
    )
    stop = next(s for s in after.json()["stops"] if s["job_id"] == "J-F5")
    diagnose = next(line for line in stop["checklist"]["steps"] if line["code"] == "diagnose")
    assert diagnose["done"] is True
