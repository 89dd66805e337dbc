"""Clashes with stored data answer in the user's words on both back ends, never with the database's text."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

Headers = dict[str, str]

DATABASE_WORDS = ("constraint", "UNIQUE", "FOREIGN KEY", "Key (", "customers.id", "violates", "pk_", "fk_")

SITE: dict[str, Any] = {
    "id": "S-DANGLING",
    "customer_id": "C-NONE",
    "name": "Nowhere Ltd",
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
JOB: dict[str, Any] = {
    "id": "J-DANGLING",
    "ticket_id": "TK-3",
    "site_id": "S-DEN",
    "duration_min": 45,
    "priority": "P3",
    "required_skills": [],
    "required_parts": [],
    "windows": [{"start": "2026-11-27T15:00:00Z", "end": "2026-11-27T20:00:00Z"}],
    "pinned_technician_id": "T-NONE",
}


def _detail(answer: httpx.Response, status: int) -> str:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    detail: str = answer.json()["detail"]
    leaked = [word for word in DATABASE_WORDS if word in detail]
    assert not leaked, f"database internals in {detail!r}"
    return detail


def test_a_duplicate_customer_id_names_the_customer(client: TestClient, dispatcher_headers: Headers) -> None:
    """409: 'a customer with id ... already exists', not 'UNIQUE constraint failed: customers.id'."""
    answer = client.post("/customers", json={"id": "C-ACME", "name": "Again"}, headers=dispatcher_headers)
    assert _detail(answer, 409) == "a customer with id 'C-ACME' already exists"


def test_a_site_of_a_missing_customer_names_what_is_missing(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """422: the site refers to a customer that does not exist, not 'FOREIGN KEY constraint failed'."""
    answer = client.post("/sites", json=SITE, headers=dispatcher_headers)
    assert _detail(answer, 422) == "the site refers to customer 'C-NONE', which does not exist"


def test_of_several_references_the_missing_one_is_named(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """A job refers to a ticket, a site and a pinned technician: only the technician is missing."""
    answer = client.post("/jobs", json=JOB, headers=dispatcher_headers)
    assert _detail(answer, 422) == "the job refers to technician 'T-NONE', which does not exist"


def test_deleting_a_customer_still_referred_to_says_by_what(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """409 naming the customer and everything that still refers to it, the same on every database; the
    customer stays."""
    detail = _detail(client.delete("/customers/C-ACME", headers=dispatcher_headers), 409)
    assert detail == (
        "customer 'C-ACME' is still referenced by contracts, sites, user accounts: "
        "change or delete those first"
    )
    assert client.get("/customers/C-ACME", headers=dispatcher_headers).status_code == 200


@pytest.mark.parametrize("path", ["/sites/S-CHI", "/technicians/T-MKE", "/parts/SW-24P"])
def test_deleting_other_referred_records_is_told_plainly(
    client: TestClient, dispatcher_headers: Headers, path: str
) -> None:
    """Each refused delete names the record by its kind and id."""
    record_id = path.rpartition("/")[2]
    assert f"'{record_id}' is still referenced by" in _detail(
        client.delete(path, headers=dispatcher_headers), 409
    )
