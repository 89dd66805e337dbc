"""The authorization table: actor x route x owned/unowned object; every denial is 401/403/404, never 2xx.

Owned means the object belongs to the technician's own work (their technician record, their van, a job
pinned to them); dispatchers see all of the provider's data, technicians none of the dispatcher routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import OTHER_TECHNICIAN, OWN_TECHNICIAN, TECHNICIAN_EMAIL, TECHNICIAN_PASSWORD

pytestmark = pytest.mark.postgis

ANONYMOUS, TECHNICIAN, TECHNICIAN_COOKIE, DISPATCHER = (
    "anonymous",
    "technician",
    "technician-cookie",
    "dispatcher",
)
DENIED = "denied"
ALLOWED = "allowed"


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    ownership: str
    """``owned``, ``unowned`` or ``none`` (a listing or a new object)."""
    body: dict[str, Any] | None = None


STOCK = {"quantity": 9}
RENAME = {"name": "Renamed by someone who may not"}

READS = [
    Case("GET", "/customers", "none"),
    Case("GET", "/customers/C-ACME", "none"),
    Case("GET", "/sites/S-CHI", "none"),
    Case("GET", "/contracts/K-ACME", "none"),
    Case("GET", "/tickets/TK-1", "owned"),
    Case("GET", "/tickets/TK-3", "unowned"),
    Case("GET", "/jobs/J-1", "owned"),
    Case("GET", "/jobs/J-2", "unowned"),
    Case("GET", "/jobs", "none"),
    Case("GET", f"/technicians/{OWN_TECHNICIAN}", "owned"),
    Case("GET", f"/technicians/{OTHER_TECHNICIAN}", "unowned"),
    Case("GET", f"/technicians/{OWN_TECHNICIAN}/van-stock", "owned"),
    Case("GET", f"/technicians/{OTHER_TECHNICIAN}/van-stock", "unowned"),
    Case("GET", "/depots/D-CHI/stock", "none"),
    Case("GET", "/parts", "none"),
    Case("GET", "/skills", "none"),
    Case("GET", "/sla-policies", "none"),
]
WRITES = [
    Case("POST", "/customers", "none", {"id": "C-INTRUDER", "name": "Intruder"}),
    Case("PUT", "/customers/C-ACME", "none", RENAME),
    Case("DELETE", "/jobs/J-1", "owned"),
    Case("DELETE", "/jobs/J-2", "unowned"),
    Case("PUT", f"/technicians/{OWN_TECHNICIAN}/van-stock/SW-24P", "owned", STOCK),
    Case("PUT", f"/technicians/{OTHER_TECHNICIAN}/van-stock/SW-24P", "unowned", STOCK),
    Case("DELETE", f"/technicians/{OWN_TECHNICIAN}", "owned"),
    Case("PUT", "/depots/D-CHI/stock/SW-24P", "none", STOCK),
]

TABLE = (
    [(actor, case, DENIED) for actor in (ANONYMOUS, TECHNICIAN, TECHNICIAN_COOKIE) for case in READS + WRITES]
    + [(DISPATCHER, case, ALLOWED) for case in READS]
    + [(ANONYMOUS, Case("GET", "/auth/me", "none"), DENIED)]
    + [
        (actor, Case("GET", "/auth/me", "owned"), ALLOWED)
        for actor in (TECHNICIAN, TECHNICIAN_COOKIE, DISPATCHER)
    ]
)


def _id(row: tuple[str, Case, str]) -> str:
    actor, case, verdict = row
    return f"{actor}-{case.method}-{case.path}-{case.ownership}-{verdict}"


@pytest.fixture(scope="module")
def technician_cookie(client: TestClient) -> str:
    """The session cookie of the technician's form login."""
    answer = client.post("/auth/login", data={"username": TECHNICIAN_EMAIL, "password": TECHNICIAN_PASSWORD})
    assert answer.status_code == 200
    cookie = answer.cookies.get("dispatch_session")
    client.cookies.clear()
    assert cookie
    return cookie


@pytest.fixture
def call_as(
    client: TestClient,
    dispatcher_headers: dict[str, str],
    technician_headers: dict[str, str],
    technician_cookie: str,
) -> Any:
    def call(actor: str, case: Case) -> Any:
        client.cookies.clear()
        headers = {DISPATCHER: dispatcher_headers, TECHNICIAN: technician_headers}.get(actor, {})
        cookies = {"dispatch_session": technician_cookie} if actor == TECHNICIAN_COOKIE else None
        if cookies:
            client.cookies.update(cookies)
        try:
            return client.request(case.method, case.path, json=case.body, headers=headers)
        finally:
            client.cookies.clear()

    return call


@pytest.mark.parametrize(("actor", "case", "verdict"), TABLE, ids=[_id(row) for row in TABLE])
def test_authorization_table(call_as: Any, actor: str, case: Case, verdict: str) -> None:
    """Denied calls get 401 (no login), 403 (wrong role) or 404, never a 2xx; allowed calls get 2xx."""
    answer = call_as(actor, case)
    if verdict == DENIED:
        assert answer.status_code in {401, 403, 404}, answer.text
        assert answer.status_code == (401 if actor == ANONYMOUS else 403)
        assert answer.headers["content-type"] == "application/problem+json"
    else:
        assert 200 <= answer.status_code < 300, answer.text


def test_denied_writes_changed_nothing(client: TestClient, dispatcher_headers: dict[str, str]) -> None:
    """After every denied write of the table, the objects they aimed at are as they were."""
    assert client.get("/customers/C-ACME", headers=dispatcher_headers).json()["name"] == "Acme Retail"
    assert client.get("/customers/C-INTRUDER", headers=dispatcher_headers).status_code == 404
    assert client.get("/jobs/J-1", headers=dispatcher_headers).status_code == 200
    van = client.get(f"/technicians/{OWN_TECHNICIAN}/van-stock", headers=dispatcher_headers).json()
    assert {"sku": "SW-24P", "quantity": 9} not in van
    depot = client.get("/depots/D-CHI/stock", headers=dispatcher_headers).json()
    assert {"sku": "SW-24P", "quantity": 9} not in depot
