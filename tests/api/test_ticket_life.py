"""A ticket's life through the API: remote first, waiting on the customer, onsite, closed; every move in
the audit trail; customer users confined to their own organisation's tickets and sites.

The demo customer user belongs to Acme (sites S-CHI and S-DAL, ticket TK-1); Globex's TK-2, TK-3 and
S-DEN are another organisation's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from dispatch.persistence.db import make_engine
from dispatch.services.accounts import DEMO_CUSTOMER_EMAIL, DEMO_CUSTOMER_PASSWORD, DEMO_DISPATCHER_EMAIL
from tests.api.conftest import bearer_for

pytestmark = pytest.mark.postgis

Headers = dict[str, str]


@pytest.fixture(scope="module")
def customer_headers(client: TestClient) -> Headers:
    return bearer_for(client, DEMO_CUSTOMER_EMAIL, DEMO_CUSTOMER_PASSWORD)


def _new_ticket(client: TestClient, headers: Headers, ticket_id: str) -> dict[str, Any]:
    body = {
        "id": ticket_id,
        "site_id": "S-CHI",
        "contract_id": "K-ACME",
        "channel": "telephone",
        "kind": "support",
        "priority": "P3",
        "category": "printers",
        "summary": "Receipt printer jams",
        "opened_at": datetime.now(UTC).isoformat(),
    }
    answer = client.post("/tickets", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def _move(client: TestClient, headers: Headers, ticket_id: str, to: str, why: str | None = None) -> Any:
    body = {"to": to} if why is None else {"to": to, "why": why}
    return client.post(f"/tickets/{ticket_id}/transitions", json=body, headers=headers)


def _trail(client: TestClient, headers: Headers, ticket_id: str) -> list[dict[str, Any]]:
    answer = client.get(f"/tickets/{ticket_id}/audit", headers=headers)
    assert answer.status_code == 200, answer.text
    entries: list[dict[str, Any]] = answer.json()
    return entries


def test_a_ticket_lives_remote_first_waits_on_the_customer_then_goes_onsite_to_closed(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """new -> remote attempt (not yet) -> waiting on the customer (paused, with reason) -> remote ->
    escalated onsite -> scheduled -> in progress -> resolved -> closed; each step answered 200."""
    headers = dispatcher_headers
    assert _new_ticket(client, headers, "TK-LIFE")["state"] == "new"
    tried = client.post(
        "/tickets/TK-LIFE/remote-attempts",
        json={"outcome": "not_yet", "note": "power-cycled the printer by phone"},
        headers=headers,
    )
    assert tried.status_code == 200, tried.text
    assert tried.json()["state"] == "remote"

    waiting = _move(client, headers, "TK-LIFE", "waiting_customer", "store manager to send the error code")
    assert waiting.status_code == 200, waiting.text
    paused = client.get("/tickets/TK-LIFE", headers=headers).json()
    assert paused["state"] == "waiting_customer"
    assert len(paused["pauses"]) == 1
    assert paused["pauses"][0]["reason"] == "store manager to send the error code"
    assert paused["pauses"][0]["resumed_at"] is None

    assert _move(client, headers, "TK-LIFE", "remote").status_code == 200
    pauses = client.get("/tickets/TK-LIFE/pauses", headers=headers).json()
    assert len(pauses) == 1 and pauses[0]["resumed_at"] is not None
    assert pauses[0]["resumed_at"] >= pauses[0]["paused_at"]

    escalated = client.post(
        "/tickets/TK-LIFE/remote-attempts",
        json={"outcome": "escalated", "note": "feed roller broken: needs a visit"},
        headers=headers,
    )
    assert escalated.status_code == 200, escalated.text
    assert escalated.json()["state"] == "onsite_required"
    for state in ("scheduled", "in_progress", "resolved", "closed"):
        answer = _move(client, headers, "TK-LIFE", state)
        assert answer.status_code == 200, answer.text
        assert answer.json()["state"] == state
    assert client.get("/tickets/TK-LIFE", headers=headers).json()["resolved_at"] is not None


def test_illegal_moves_are_refused_with_409_and_the_reason(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """A skipped step names the moves allowed; a final state says it is final; waiting needs its reason;
    replacing the ticket cannot move its state; and nothing refused changes the ticket or the trail."""
    headers = dispatcher_headers
    _new_ticket(client, headers, "TK-ILLEGAL")
    skipped = _move(client, headers, "TK-ILLEGAL", "in_progress")
    assert skipped.status_code == 409, skipped.text
    assert "cannot move from new to in_progress" in skipped.json()["detail"]
    assert "allowed: cancelled, onsite_required, remote, waiting_customer" in skipped.json()["detail"]

    no_reason = _move(client, headers, "TK-ILLEGAL", "waiting_customer")
    assert no_reason.status_code == 422, no_reason.text
    assert "reason" in no_reason.json()["detail"]

    assert _move(client, headers, "TK-ILLEGAL", "cancelled", "raised twice").status_code == 200
    final = _move(client, headers, "TK-ILLEGAL", "remote")
    assert final.status_code == 409
    assert "final" in final.json()["detail"]
    late_attempt = client.post(
        "/tickets/TK-ILLEGAL/remote-attempts", json={"outcome": "resolved", "note": "x"}, headers=headers
    )
    assert late_attempt.status_code == 409

    ticket = client.get("/tickets/TK-ILLEGAL", headers=headers).json()
    assert ticket["state"] == "cancelled" and ticket["pauses"] == []
    moves = [e for e in _trail(client, headers, "TK-ILLEGAL") if e["action"] == "transition"]
    assert [(e["from_value"], e["to_value"]) for e in moves] == [("new", "cancelled")]

    body = {k: v for k, v in ticket.items() if k not in {"id", "pauses"}} | {"state": "new"}
    replaced = client.put("/tickets/TK-ILLEGAL", json=body, headers=headers)
    assert replaced.status_code == 409
    assert "/transitions" in replaced.json()["detail"]


def test_the_audit_trail_holds_every_change_with_who_when_from_to_and_why(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """Creation, a record change, a remote attempt and each transition (with the pause's reason) are on the
    ticket's trail, in order, by the dispatcher who made them."""
    headers = dispatcher_headers
    before = datetime.now(UTC)
    created = _new_ticket(client, headers, "TK-AUDIT")
    changed = {k: v for k, v in created.items() if k not in {"id", "state", "pauses"}} | {"priority": "P2"}
    assert client.put("/tickets/TK-AUDIT", json=changed, headers=headers).status_code == 200
    client.post(
        "/tickets/TK-AUDIT/remote-attempts",
        json={"outcome": "resolved", "note": "cleared the queue remotely"},
        headers=headers,
    )
    assert _move(client, headers, "TK-AUDIT", "closed", "customer confirmed").status_code == 200

    trail = _trail(client, headers, "TK-AUDIT")
    assert all(e["actor"] == DEMO_DISPATCHER_EMAIL for e in trail)
    assert all(e["subject_kind"] == "tickets" and e["subject_id"] == "TK-AUDIT" for e in trail)
    assert [e["seq"] for e in trail] == sorted(e["seq"] for e in trail)
    assert all(datetime.fromisoformat(e["at"]) >= before.replace(microsecond=0) for e in trail)
    summary = [(e["action"], e["from_value"], e["to_value"]) for e in trail]
    assert summary[0][0] == "created"
    assert ("changed", "priority=P3", "priority=P2") in summary
    assert ("remote_attempt", None, "resolved") in summary
    transitions = [(f, t) for a, f, t in summary if a == "transition"]
    assert transitions == [("new", "remote"), ("remote", "resolved"), ("resolved", "closed")]
    assert any(e["action"] == "resolved_at" and e["to_value"] for e in trail)
    closing = next(e for e in trail if e["action"] == "transition" and e["to_value"] == "closed")
    assert closing["why"] == "customer confirmed"


def test_the_audit_trail_refuses_updates_and_deletes_in_the_database(database_url: str) -> None:
    """No UPDATE or DELETE of audit_events gets through, even straight to the database."""
    engine = make_engine(database_url)
    try:
        for statement in ("UPDATE audit_events SET actor = 'someone else'", "DELETE FROM audit_events"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar_one() > 0
    finally:
        engine.dispose()


def test_a_customer_user_sees_only_their_organisations_tickets_and_sites(
    client: TestClient, customer_headers: Headers
) -> None:
    """Listings hold Acme's only; Globex's ticket and site answer 404 as a missing one does."""
    listed = client.get("/tickets", params={"limit": 200}, headers=customer_headers)
    assert listed.status_code == 200, listed.text
    ids = {t["id"] for t in listed.json()["items"]}
    assert "TK-1" in ids and not ids & {"TK-2", "TK-3"}
    assert {t["site_id"] for t in listed.json()["items"]} <= {"S-CHI", "S-DAL"}

    for path in ("/tickets/TK-3", "/tickets/TK-3/pauses", "/sites/S-DEN"):
        theirs = client.get(path, headers=customer_headers)
        missing = client.get(
            path.replace("TK-3", "TK-NONE").replace("S-DEN", "S-NONE"), headers=customer_headers
        )
        assert theirs.status_code == missing.status_code == 404, path
        assert "TK-3" not in missing.text and "S-DEN" not in missing.text
    assert client.get("/tickets/TK-1", headers=customer_headers).status_code == 200
    sites = client.get("/sites", headers=customer_headers).json()["items"]
    assert {s["id"] for s in sites} == {"S-CHI", "S-DAL"}
    filtered = client.get("/tickets", params={"site_id": "S-DEN"}, headers=customer_headers).json()
    assert filtered["items"] == []


def test_a_customer_user_raises_a_ticket_online_at_their_own_site_only(
    client: TestClient, customer_headers: Headers, dispatcher_headers: Headers
) -> None:
    """The ticket is new, online, under Acme's contract, P1 for a business stopped on a 24x7 contract;
    at Globex's site it is refused as a missing site would be."""
    body = {"site_id": "S-CHI", "category": "POS", "summary": "No till takes cards", "impact": "stopped"}
    raised = client.post("/tickets/online", json=body, headers=customer_headers)
    assert raised.status_code == 201, raised.text
    ticket = raised.json()
    assert (ticket["channel"], ticket["state"], ticket["contract_id"]) == ("online", "new", "K-ACME")
    assert ticket["priority"] == "P1" and ticket["category"] == "pos"
    assert client.get(f"/tickets/{ticket['id']}", headers=customer_headers).status_code == 200
    trail = _trail(client, dispatcher_headers, ticket["id"])
    assert [(e["action"], e["actor"]) for e in trail] == [("created", DEMO_CUSTOMER_EMAIL)]

    elsewhere = client.post("/tickets/online", json=body | {"site_id": "S-DEN"}, headers=customer_headers)
    assert elsewhere.status_code == 404
    staff = client.post("/tickets/online", json=body, headers=dispatcher_headers)
    assert staff.status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/tickets/TK-1/transitions", {"to": "scheduled"}),
        ("POST", "/tickets/TK-1/remote-attempts", {"outcome": "resolved", "note": "x"}),
        ("GET", "/tickets/TK-1/audit", None),
        ("DELETE", "/tickets/TK-1", None),
        ("POST", "/sites", {}),
    ],
)
def test_a_customer_user_cannot_move_tickets_or_read_the_audit_trail(
    client: TestClient, customer_headers: Headers, method: str, path: str, body: dict[str, Any] | None
) -> None:
    answer = client.request(method, path, json=body, headers=customer_headers)
    assert answer.status_code == 403, answer.text


def test_technicians_see_no_ticket_listing(client: TestClient, technician_headers: Headers) -> None:
    assert client.get("/tickets", headers=technician_headers).status_code == 403
    assert client.get("/sites", headers=technician_headers).status_code == 403


def test_escalating_onsite_creates_the_visit_with_the_parts_proposed_or_as_edited(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """A network ticket at Chicago is proposed the network skill and the switch earlier visits there needed
    (not the receipt printers: another category); escalating as proposed creates that visit, to be planned,
    and moves the ticket onsite; a second ticket escalated with its parts edited gets those instead."""
    headers = dispatcher_headers
    for ticket_id in ("TK-ESC-1", "TK-ESC-2"):
        created = _new_ticket(client, headers, ticket_id)
        body = {k: v for k, v in created.items() if k not in {"id", "state", "pauses"}} | {
            "category": "network"
        }
        assert client.put(f"/tickets/{ticket_id}", json=body, headers=headers).status_code == 200

    proposal = client.get("/tickets/TK-ESC-1/onsite-proposal", headers=headers)
    assert proposal.status_code == 200, proposal.text
    proposed = proposal.json()
    assert proposed["required_parts"] == [{"sku": "SW-24P", "quantity": 1}]
    assert proposed["required_skills"] == [{"skill": "network", "min_level": 1}]
    assert client.get("/jobs/TK-ESC-1-V1", headers=headers).status_code == 404

    escalated = client.post(
        "/tickets/TK-ESC-1/escalations", json={"note": "switch port dead, checked remotely"}, headers=headers
    )
    assert escalated.status_code == 201, escalated.text
    assert escalated.json()["ticket"]["state"] == "onsite_required"
    job = client.get("/jobs/TK-ESC-1-V1", headers=headers).json()
    assert (job["status"], job["ticket_id"], job["site_id"]) == ("unscheduled", "TK-ESC-1", "S-CHI")
    assert job["required_parts"] == proposed["required_parts"]

    edited = client.post(
        "/tickets/TK-ESC-2/escalations",
        json={
            "note": "needs a visit",
            "required_parts": [{"sku": "PSU-650", "quantity": 2}],
            "duration_min": 45,
        },
        headers=headers,
    )
    assert edited.status_code == 201, edited.text
    assert edited.json()["job"]["required_parts"] == [{"sku": "PSU-650", "quantity": 2}]
    assert edited.json()["job"]["duration_min"] == 45
    again = client.post("/tickets/TK-ESC-2/escalations", json={"note": "twice"}, headers=headers)
    assert again.status_code == 409
    trail = _trail(client, headers, "TK-ESC-2")
    assert ("jobs", "TK-ESC-2-V1", "created") in {
        (e["subject_kind"], e["subject_id"], e["action"]) for e in trail
    }


def test_a_dispatcher_confirms_or_changes_the_suggested_priority(
    client: TestClient, customer_headers: Headers, dispatcher_headers: Headers
) -> None:
    """Lowering an online ticket's P1 to P3 counts its due times again (later); both are on the trail."""
    body = {"site_id": "S-DAL", "category": "pos", "summary": "One till slow", "impact": "stopped"}
    raised = client.post("/tickets/online", json=body, headers=customer_headers).json()
    assert raised["priority"] == "P1"
    triaged = client.post(
        f"/tickets/{raised['id']}/triage",
        json={"priority": "P3", "why": "one till of six"},
        headers=dispatcher_headers,
    )
    assert triaged.status_code == 200, triaged.text
    after = triaged.json()
    assert after["priority"] == "P3"
    assert (
        after["response_due"] > raised["response_due"] and after["resolution_due"] > raised["resolution_due"]
    )
    trail = _trail(client, dispatcher_headers, raised["id"])
    confirmed = next(e for e in trail if e["action"] == "priority_confirmed")
    assert (confirmed["from_value"], confirmed["to_value"], confirmed["why"]) == (
        "P1",
        "P3",
        "one till of six",
    )
    assert any(e["action"] == "changed" and "priority=P3" in (e["to_value"] or "") for e in trail)
    refused = client.post(
        f"/tickets/{raised['id']}/triage", json={"priority": "P2"}, headers=customer_headers
    )
    assert refused.status_code == 403


def test_closing_with_follow_up_work_opens_maintenance_linked_to_the_ticket(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """A resolved ticket closed with a follow-up: 200, the ticket closed, a maintenance ticket naming it
    and its visit bookable over the working days asked; a ticket not yet resolved: 409; a follow-up
    with no summary: 422 and nothing closed."""
    headers = dispatcher_headers
    _new_ticket(client, headers, "TK-FUP")
    for state in ("onsite_required", "scheduled", "in_progress"):
        assert _move(client, headers, "TK-FUP", state).status_code == 200
    early = client.post("/tickets/TK-FUP/close", json={}, headers=headers)
    assert early.status_code == 409, early.text
    assert "in_progress" in early.json()["detail"]
    assert _move(client, headers, "TK-FUP", "resolved").status_code == 200
    empty = client.post("/tickets/TK-FUP/close", json={"follow_up": {"summary": ""}}, headers=headers)
    assert empty.status_code == 422, empty.text
    assert client.get("/tickets/TK-FUP", headers=headers).json()["state"] == "resolved"

    body = {
        "why": "customer confirmed",
        "follow_up": {
            "summary": "Replace the worn feed roller",
            "within_working_days": 3,
            "duration_min": 45,
        },
    }
    answer = client.post("/tickets/TK-FUP/close", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    closed = answer.json()
    assert closed["ticket"]["state"] == "closed"
    follow_up = closed["follow_up"]["ticket"]
    assert (follow_up["id"], follow_up["kind"], follow_up["follow_up_of"]) == (
        "TK-FUP-F1",
        "maintenance",
        "TK-FUP",
    )
    assert follow_up["state"] == "onsite_required"
    job = closed["follow_up"]["job"]
    assert job["duration_min"] == 45
    assert len({w["start"][:10] for w in job["windows"]}) == 3
    trail = _trail(client, headers, "TK-FUP")
    assert any(e["action"] == "follow_up" and e["to_value"] == "TK-FUP-F1" for e in trail)
