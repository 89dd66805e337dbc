"""Dispatcher CRUD on every resource: each happy path once, then the bad input refused with 4xx."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgis

Headers = dict[str, str]

SITE: dict[str, Any] = {
    "customer_id": "C-ACME",
    "name": "Acme Evanston",
    "address": "1 Main St",
    "city": "Evanston",
    "state": "IL",
    "postcode": "60201",
    "location": {"lat": 42.0451, "lon": -87.6877},
    "timezone": "America/Chicago",
    "region": "midwest",
    "access_hours": "mon-fri 08:00-18:00",
    "contact": {"name": "Pat", "phone": "+1 847 555 0100"},
}
WEEKDAY = {"start": "08:00:00", "end": "17:00:00"}
TECHNICIAN: dict[str, Any] = {
    "name": "Jordan Lee",
    "home": {"lat": 41.9, "lon": -87.7},
    "home_address": "Home in Chicago",
    "timezone": "America/Chicago",
    "region": "midwest",
    "skills": {"network": 3},
    "calendar": {"weekly": [WEEKDAY] * 5 + [None, None]},
    "van_stock": {"SW-24P": 1},
}
JOB: dict[str, Any] = {
    "ticket_id": "TK-3",
    "site_id": "S-DEN",
    "duration_min": 45,
    "priority": "P3",
    "required_skills": [{"skill": "server", "min_level": 2}],
    "required_parts": [{"sku": "PSU-650", "quantity": 1}],
    "windows": [{"start": "2026-11-27T15:00:00Z", "end": "2026-11-27T20:00:00Z"}],
}
TICKET: dict[str, Any] = {
    "site_id": "S-DEN",
    "contract_id": "K-GLOBEX",
    "channel": "telephone",
    "kind": "support",
    "priority": "P2",
    "category": "network",
    "summary": "Switch down in the back office",
    "opened_at": "2026-11-26T15:00:00Z",
}


def _problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    assert body["status"] == status and body["detail"]
    return body


# --- happy paths -------------------------------------------------------------------------------------


def test_site_round_trip(client: TestClient, dispatcher_headers: Headers) -> None:
    """A site is created, read back with its hours and contact, filtered, updated and deleted."""
    created = client.post("/sites", json={**SITE, "id": "S-EVA"}, headers=dispatcher_headers)
    assert created.status_code == 201, created.text
    site = client.get("/sites/S-EVA", headers=dispatcher_headers).json()
    weekdays = "; ".join(f"{day} 08:00-18:00" for day in ("mon", "tue", "wed", "thu", "fri"))
    assert site["access_hours"] == weekdays and site["contact"]["name"] == "Pat"
    assert site["location"] == {"lat": 42.0451, "lon": -87.6877}
    listed = client.get("/sites", params={"city": "evans"}, headers=dispatcher_headers).json()
    assert [s["id"] for s in listed["items"]] == ["S-EVA"] and listed["total"] == 1
    updated = client.put("/sites/S-EVA", json={**SITE, "name": "Acme North"}, headers=dispatcher_headers)
    assert updated.json()["name"] == "Acme North"
    assert client.delete("/sites/S-EVA", headers=dispatcher_headers).status_code == 204


def test_sites_filtered_by_customer_and_state(client: TestClient, dispatcher_headers: Headers) -> None:
    """customer_id and state filters combine, and total counts only the matches."""
    found = client.get(
        "/sites", params={"customer_id": "C-GLOBEX", "state": "CO"}, headers=dispatcher_headers
    )
    assert [s["id"] for s in found.json()["items"]] == ["S-DEN"] and found.json()["total"] == 1


def test_contract_round_trip_and_active_filter(client: TestClient, dispatcher_headers: Headers) -> None:
    """A contract on an existing SLA tier is created with its terms shown, filtered by day, and deleted."""
    body = {"customer_id": "C-ACME", "name": "Acme extra", "sla_tier": "silver", "starts_on": "2027-01-01"}
    created = client.post("/contracts", json={**body, "id": "K-NEW"}, headers=dispatcher_headers)
    assert created.status_code == 201, created.text
    assert created.json()["sla"]["tier"] == "silver" and set(created.json()["sla"]["targets"]) == {
        "P1",
        "P2",
        "P3",
        "P4",
    }
    active = client.get("/contracts", params={"active_on": "2026-11-26"}, headers=dispatcher_headers).json()
    assert "K-NEW" not in [c["id"] for c in active["items"]]
    assert client.delete("/contracts/K-NEW", headers=dispatcher_headers).status_code == 204


def test_ticket_due_times_are_computed_from_the_sla(client: TestClient, dispatcher_headers: Headers) -> None:
    """A ticket created without due times gets them from its contract's SLA, after it was opened."""
    created = client.post("/tickets", json={**TICKET, "id": "TK-NEW"}, headers=dispatcher_headers)
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert ticket["state"] == "new"
    assert ticket["opened_at"] < ticket["response_due"] <= ticket["resolution_due"]
    filtered = client.get(
        "/tickets", params={"priority": "P2", "site_id": "S-DEN"}, headers=dispatcher_headers
    )
    assert "TK-NEW" in [t["id"] for t in filtered.json()["items"]]
    assert client.delete("/tickets/TK-NEW", headers=dispatcher_headers).status_code == 204


def test_replacing_a_ticket_never_writes_its_state(client: TestClient, dispatcher_headers: Headers) -> None:
    """PUT with another state is 409 naming the transitions operation and changes nothing; PUT without a
    state, or with the current one, keeps the state; the transition moves it by the lifecycle's rules."""
    assert (
        client.post("/tickets", json={**TICKET, "id": "TK-PUT"}, headers=dispatcher_headers).status_code
        == 201
    )
    try:
        refused = client.put(
            "/tickets/TK-PUT",
            json={**TICKET, "state": "resolved", "summary": "x"},
            headers=dispatcher_headers,
        )
        assert refused.status_code == 409, refused.text
        assert "POST /tickets/TK-PUT/transitions" in refused.json()["detail"]
        unchanged = client.get("/tickets/TK-PUT", headers=dispatcher_headers).json()
        assert unchanged["state"] == "new" and unchanged["summary"] == TICKET["summary"]

        without_state = {key: value for key, value in TICKET.items() if key != "state"}
        kept = client.put(
            "/tickets/TK-PUT", json={**without_state, "summary": "y"}, headers=dispatcher_headers
        )
        assert kept.status_code == 200, kept.text
        assert kept.json()["state"] == "new" and kept.json()["summary"] == "y"
        same = client.put("/tickets/TK-PUT", json={**TICKET, "state": "new"}, headers=dispatcher_headers)
        assert same.status_code == 200, same.text

        moved = client.post("/tickets/TK-PUT/transitions", json={"to": "remote"}, headers=dispatcher_headers)
        assert moved.status_code == 200, moved.text
        assert moved.json()["state"] == "remote"
        skipped = client.post(
            "/tickets/TK-PUT/transitions", json={"to": "in_progress"}, headers=dispatcher_headers
        )
        assert skipped.status_code == 409
        assert "cannot move from remote to in_progress" in skipped.json()["detail"]
        resolved = client.post(
            "/tickets/TK-PUT/transitions", json={"to": "resolved"}, headers=dispatcher_headers
        ).json()
        assert resolved["state"] == "resolved" and resolved["resolved_at"] is not None
    finally:
        client.delete("/tickets/TK-PUT", headers=dispatcher_headers)


def test_job_round_trip(client: TestClient, dispatcher_headers: Headers) -> None:
    """A job with skills, parts and a window is stored whole, updated and deleted."""
    created = client.post("/jobs", json={**JOB, "id": "J-NEW"}, headers=dispatcher_headers)
    assert created.status_code == 201, created.text
    job = client.get("/jobs/J-NEW", headers=dispatcher_headers).json()
    assert job["required_skills"] == [{"skill": "server", "min_level": 2}]
    assert job["windows"][0]["start"].startswith("2026-11-27T15:00:00")
    updated = client.put("/jobs/J-NEW", json={**JOB, "duration_min": 60}, headers=dispatcher_headers)
    assert updated.json()["duration_min"] == 60
    by_status = client.get("/jobs", params={"status": "unscheduled"}, headers=dispatcher_headers).json()
    assert "J-NEW" in [j["id"] for j in by_status["items"]]
    assert client.delete("/jobs/J-NEW", headers=dispatcher_headers).status_code == 204


def test_technician_round_trip_with_van_stock(client: TestClient, dispatcher_headers: Headers) -> None:
    """A technician is created with a calendar; van stock lines are set and removed one by one."""
    created = client.post("/technicians", json={**TECHNICIAN, "id": "T-NEW"}, headers=dispatcher_headers)
    assert created.status_code == 201, created.text
    assert created.json()["calendar"]["weekly"][5] is None
    skilled = client.get(
        "/technicians",
        params={"skill": "network", "min_level": 3, "region": "midwest"},
        headers=dispatcher_headers,
    ).json()
    assert "T-NEW" in [t["id"] for t in skilled["items"]]
    stock = client.put(
        "/technicians/T-NEW/van-stock/PSU-650", json={"quantity": 3}, headers=dispatcher_headers
    )
    assert stock.json() == [{"sku": "PSU-650", "quantity": 3}, {"sku": "SW-24P", "quantity": 1}]
    removed = client.delete("/technicians/T-NEW/van-stock/SW-24P", headers=dispatcher_headers)
    assert removed.json() == [{"sku": "PSU-650", "quantity": 3}]
    _problem(client.delete("/technicians/T-NEW/van-stock/SW-24P", headers=dispatcher_headers), 404)
    assert client.delete("/technicians/T-NEW", headers=dispatcher_headers).status_code == 204


def test_depot_and_part_round_trip(client: TestClient, dispatcher_headers: Headers) -> None:
    """A new part can be stocked at a new depot; the stocked part cannot be deleted until unstocked."""
    part = {"sku": "HDD-2T", "name": "2 TB disk", "category": "server", "unit_cost_cents": 7_500}
    assert client.post("/parts", json=part, headers=dispatcher_headers).status_code == 201
    depot = {
        "id": "D-NEW",
        "name": "Naperville stores",
        "address": "2 Depot Rd",
        "location": {"lat": 41.75, "lon": -88.15},
        "timezone": "America/Chicago",
    }
    assert client.post("/depots", json=depot, headers=dispatcher_headers).status_code == 201
    stocked = client.put("/depots/D-NEW/stock/HDD-2T", json={"quantity": 4}, headers=dispatcher_headers)
    assert stocked.json() == [{"sku": "HDD-2T", "quantity": 4}]
    _problem(client.delete("/parts/HDD-2T", headers=dispatcher_headers), 409)
    assert client.delete("/depots/D-NEW/stock/HDD-2T", headers=dispatcher_headers).status_code == 200
    assert client.delete("/parts/HDD-2T", headers=dispatcher_headers).status_code == 204
    assert client.delete("/depots/D-NEW", headers=dispatcher_headers).status_code == 204


def test_reference_lists_for_forms(client: TestClient, dispatcher_headers: Headers) -> None:
    """Skills and SLA policies are listed for the dispatcher's forms."""
    skills = client.get("/skills", headers=dispatcher_headers).json()
    assert [s["code"] for s in skills["items"]] == ["network", "pos", "server"]
    tiers = client.get("/sla-policies", headers=dispatcher_headers).json()
    assert [p["tier"] for p in tiers["items"]] == ["gold", "silver"]


# --- bad input ---------------------------------------------------------------------------------------

BAD_INPUT = [
    pytest.param("/sites", {**SITE, "id": "S-BAD", "location": {"lat": 91, "lon": 0}}, 422,
                 "body.location.lat", id="latitude-out-of-range"),
    pytest.param("/sites", {**SITE, "id": "S-BAD", "location": {"lat": 41, "lon": -181}}, 422,
                 "body.location.lon", id="longitude-out-of-range"),
    pytest.param("/sites", {**SITE, "id": "S-BAD", "timezone": "Mars/Olympus"}, 422,
                 "body.timezone", id="unknown-time-zone"),
    pytest.param("/sites", {**SITE, "id": "S-BAD", "access_hours": "mon-fry 08:00-18:00"}, 422,
                 "body.access_hours", id="bad-weekly-hours"),
    pytest.param("/sites", {**SITE, "id": "S-BAD", "contact": {"fax": "1"}}, 422,
                 "body.contact.fax", id="unknown-nested-field"),
    pytest.param("/sites", {**SITE, "id": "bad id!"}, 422, "body.id", id="id-with-spaces"),
    pytest.param("/tickets", {**TICKET, "id": "TK-BAD", "opened_at": "2026-11-26T15:00:00"}, 422,
                 "body.opened_at", id="naive-datetime"),
    pytest.param("/jobs", {**JOB, "id": "J-BAD", "duration_min": 0}, 422,
                 "body.duration_min", id="zero-duration"),
    pytest.param("/technicians", {**TECHNICIAN, "id": "T-BAD", "calendar": {"weekly": [WEEKDAY] * 6}}, 422,
                 "body.calendar.weekly", id="six-day-calendar"),
    pytest.param("/technicians", {**TECHNICIAN, "id": "T-BAD", "skills": {"network": 6}}, 422,
                 "body.skills.network", id="skill-level-above-5"),
    pytest.param("/parts", {"sku": "P-BAD", "name": "x", "unit_cost_cents": -1}, 422,
                 "body.unit_cost_cents", id="negative-cost"),
    pytest.param("/parts", {"sku": "P-BAD", "name": "nul\u0000byte"}, 422, "body.name", id="nul-in-text"),
    pytest.param("/parts", {"sku": "P-BAD", "name": "x", "unit_cost_cents": False}, 422,
                 "body.unit_cost_cents", id="boolean-for-a-number"),
    pytest.param("/technicians", {**TECHNICIAN, "id": "T-BAD", "van_stock": {"SW-24P": True}}, 422,
                 "body.van_stock.SW-24P", id="boolean-for-a-quantity"),
    pytest.param("/sites", {**SITE, "id": "S-BAD", "region": "r" * 81}, 422, "body.region",
                 id="region-longer-than-its-column"),
    pytest.param("/contracts", {"id": "K-BAD", "customer_id": "C-ACME", "name": "x", "sla_tier": "gold",
                                "starts_on": 0}, 422, "body.starts_on", id="date-as-a-number"),
    pytest.param("/tickets", {**TICKET, "id": "TK-BAD", "opened_at": "0001-01-01T00:00:00Z"}, 422,
                 "body.opened_at", id="instant-outside-2000-2100"),
    pytest.param("/depots", {"id": "D-BAD", "name": "x", "address": "y", "location": {"lat": 0, "lon": 0},
                             "timezone": "UTC", "opening_hours_start": "07:00Z"}, 422,
                 "body.opening_hours_start", id="clock-time-with-zone"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "body", "status", "field"), BAD_INPUT)
def test_invalid_body_is_a_4xx_problem_naming_the_field(
    client: TestClient, dispatcher_headers: Headers, path: str, body: dict[str, Any], status: int, field: str
) -> None:
    """Each malformed body is refused with a problem whose ``errors`` name the offending field."""
    problem = _problem(client.post(path, json=body, headers=dispatcher_headers), status)
    assert field in [e["field"] for e in problem["errors"]]


REFUSED = [
    pytest.param("/sites", {**SITE, "id": "S-BAD", "customer_id": "C-NONE"}, 422, "C-NONE",
                 id="site-of-missing-customer"),
    pytest.param("/jobs", {**JOB, "id": "J-BAD", "required_skills": [{"skill": "welding", "min_level": 1}]},
                 422, "welding", id="job-needs-unknown-skill"),
    pytest.param("/jobs", {**JOB, "id": "J-BAD", "pinned_technician_id": "T-NONE"}, 422, "T-NONE",
                 id="job-pinned-to-missing-technician"),
    pytest.param("/technicians", {**TECHNICIAN, "id": "T-BAD", "van_stock": {"NOPE": 1}}, 422, "NOPE",
                 id="van-stock-of-unknown-part"),
    pytest.param("/contracts", {"id": "K-BAD", "customer_id": "C-ACME", "name": "x", "sla_tier": "platinum",
                                "starts_on": "2026-01-01"}, 422, "platinum", id="unknown-sla-tier"),
    pytest.param("/contracts", {"id": "K-BAD", "customer_id": "C-ACME", "name": "x", "sla_tier": "gold",
                                "starts_on": "2026-02-01", "ends_on": "2026-01-01"}, 422, "ends before",
                 id="contract-ends-before-it-starts"),
    pytest.param("/tickets", {**TICKET, "id": "TK-BAD", "contract_id": "K-ACME"}, 422, "C-ACME",
                 id="ticket-contract-of-another-customer"),
    pytest.param("/jobs", {**JOB, "id": "J-BAD", "windows": [
        {"start": "2026-11-27T20:00:00Z", "end": "2026-11-27T15:00:00Z"}]}, 422, "before it starts",
                 id="window-ends-before-start"),
    pytest.param("/sites", {**SITE, "id": "S-CHI"}, 409, "S-CHI", id="duplicate-site-id"),
    pytest.param("/technicians", {**TECHNICIAN, "id": "T-MKE"}, 409, "T-MKE", id="duplicate-technician-id"),
    pytest.param("/technicians", {**TECHNICIAN, "id": "T-BAD", "email": "Avery.Kim@FieldOps.example"}, 409,
                 "T-CHI", id="technician-email-taken-in-another-case"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "body", "status", "named"), REFUSED)
def test_refused_body_is_a_4xx_problem_saying_why(
    client: TestClient, dispatcher_headers: Headers, path: str, body: dict[str, Any], status: int, named: str
) -> None:
    """Well-formed bodies that break a reference, a rule or a key are refused with a message naming it."""
    problem = _problem(client.post(path, json=body, headers=dispatcher_headers), status)
    assert named in problem["detail"]


def test_technician_update_to_anothers_email_is_a_conflict(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """An e-mail is a login: taking another technician's answers 409 naming its holder; keeping one's own,
    in any letter case, is fine."""
    own = {**TECHNICIAN, "id": "T-OWN", "email": "own.tech@fieldops.example"}
    assert client.post("/technicians", json=own, headers=dispatcher_headers).status_code == 201
    taken = {**TECHNICIAN, "email": "avery.kim@fieldops.example"}
    problem = _problem(client.put("/technicians/T-OWN", json=taken, headers=dispatcher_headers), 409)
    assert "T-CHI" in problem["detail"] and "avery.kim@fieldops.example" in problem["detail"]
    recased = {**TECHNICIAN, "email": "Own.Tech@fieldops.example"}
    assert client.put("/technicians/T-OWN", json=recased, headers=dispatcher_headers).status_code == 200
    assert client.delete("/technicians/T-OWN", headers=dispatcher_headers).status_code == 204


@pytest.mark.parametrize(
    "path", ["/sites/S-CHI", "/contracts/K-ACME", "/tickets/TK-1", "/technicians/T-MKE", "/parts/SW-24P"]
)
def test_deleting_a_referenced_record_is_a_409(
    client: TestClient, dispatcher_headers: Headers, path: str
) -> None:
    """Records that others still refer to are not deleted, and stay readable."""
    _problem(client.delete(path, headers=dispatcher_headers), 409)
    assert client.get(path, headers=dispatcher_headers).status_code == 200


@pytest.mark.parametrize(
    "query", [{"name": "a\u0000b"}, {"city": "x\u0000"}, {"state": "ILL"}, {"region": "r" * 81}], ids=str
)
def test_bad_filters_are_422_problems(
    client: TestClient, dispatcher_headers: Headers, query: dict[str, str]
) -> None:
    """A NUL character, a malformed state or an over-long filter is a 422 problem, never a 500."""
    path = "/customers" if "name" in query else "/sites"
    _problem(client.get(path, params=query, headers=dispatcher_headers), 422)


@pytest.mark.parametrize("path", ["/sites/S-NONE", "/jobs/J-NONE", "/depots/D-NONE", "/tickets/TK-NONE"])
def test_missing_records_are_404_problems(client: TestClient, dispatcher_headers: Headers, path: str) -> None:
    """GET and DELETE of an id that is not stored are 404 problems."""
    _problem(client.get(path, headers=dispatcher_headers), 404)
    _problem(client.delete(path, headers=dispatcher_headers), 404)
