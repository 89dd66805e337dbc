"""Customers through the API: create, read, page, filter, update, delete, and the 4xx answers to bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgis

Headers = dict[str, str]


def test_create_read_update_delete_a_customer(client: TestClient, dispatcher_headers: Headers) -> None:
    """A new customer can be read back, renamed, and deleted, after which it is a 404 problem."""
    created = client.post("/customers", json={"id": "C-NEW", "name": "Initech"}, headers=dispatcher_headers)
    assert created.status_code == 201 and created.json() == {"id": "C-NEW", "name": "Initech"}
    assert client.get("/customers/C-NEW", headers=dispatcher_headers).json()["name"] == "Initech"
    renamed = client.put("/customers/C-NEW", json={"name": "Initrode"}, headers=dispatcher_headers)
    assert renamed.status_code == 200 and renamed.json()["name"] == "Initrode"
    assert client.delete("/customers/C-NEW", headers=dispatcher_headers).status_code == 204
    gone = client.get("/customers/C-NEW", headers=dispatcher_headers)
    assert gone.status_code == 404 and gone.headers["content-type"] == "application/problem+json"


def test_listing_is_paged_with_a_total_and_filtered_by_name(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """limit/offset slice the id-ordered list; total counts every match; ``name`` filters by substring."""
    first = client.get("/customers", params={"limit": 1}, headers=dispatcher_headers).json()
    assert first["total"] == 2 and [c["id"] for c in first["items"]] == ["C-ACME"]
    second = client.get("/customers", params={"limit": 1, "offset": 1}, headers=dispatcher_headers).json()
    assert [c["id"] for c in second["items"]] == ["C-GLOBEX"]
    found = client.get("/customers", params={"name": "globex"}, headers=dispatcher_headers).json()
    assert found["total"] == 1 and found["items"][0]["id"] == "C-GLOBEX"


def test_page_size_above_the_maximum_is_refused(client: TestClient, dispatcher_headers: Headers) -> None:
    """A limit above 500 is a 422 problem naming ``query.limit``."""
    answer = client.get("/customers", params={"limit": 100_000}, headers=dispatcher_headers)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["query.limit"]


def test_unknown_field_is_a_422_problem_naming_it(client: TestClient, dispatcher_headers: Headers) -> None:
    """A body with a field the schema does not know is refused, naming the field."""
    answer = client.post(
        "/customers", json={"id": "C-X", "name": "X", "colour": "red"}, headers=dispatcher_headers
    )
    assert answer.status_code == 422
    body = answer.json()
    assert answer.headers["content-type"] == "application/problem+json"
    assert body["type"] == "/problems/validation-error" and body["instance"] == "/customers"
    assert body["errors"][0]["field"] == "body.colour"


def test_duplicate_id_is_a_409_naming_the_key(client: TestClient, dispatcher_headers: Headers) -> None:
    """Creating a customer whose id exists is a 409 that names the clashing key."""
    answer = client.post("/customers", json={"id": "C-ACME", "name": "Again"}, headers=dispatcher_headers)
    assert answer.status_code == 409
    assert "C-ACME" in answer.json()["detail"] and "already exists" in answer.json()["detail"]


def test_deleting_a_referenced_customer_is_a_409(client: TestClient, dispatcher_headers: Headers) -> None:
    """A customer that sites and contracts still refer to cannot be deleted."""
    answer = client.delete("/customers/C-ACME", headers=dispatcher_headers)
    assert answer.status_code == 409
    assert "referenced" in answer.json()["detail"]
    assert client.get("/customers/C-ACME", headers=dispatcher_headers).status_code == 200


def test_updating_a_missing_customer_is_a_404(client: TestClient, dispatcher_headers: Headers) -> None:
    """PUT on an id that is not stored is a 404 problem, not a silent create."""
    answer = client.put("/customers/C-NONE", json={"name": "Ghost"}, headers=dispatcher_headers)
    assert answer.status_code == 404


def test_technician_gets_403_on_customers(client: TestClient, technician_headers: Headers) -> None:
    """A technician login may not list customers."""
    answer = client.get("/customers", headers=technician_headers)
    assert answer.status_code == 403
    assert answer.json()["detail"] == "this needs a dispatcher account"
