"""Standby agreements through the API: create, list, the cover on the plans, and a period ending too soon."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgis

Headers = dict[str, str]


def _body(**change: object) -> dict[str, object]:
    """Saturday 2026-11-28 09:00 to 17:00 in Chicago at the flagship, POS level 5 within 30 minutes."""
    return {
        "id": "SB-CHI",
        "customer_id": "C-ACME",
        "site_id": "S-CHI",
        "starts_at": "2026-11-28T09:00:00-06:00",
        "ends_at": "2026-11-28T17:00:00-06:00",
        "required_skills": [{"skill": "pos", "min_level": 5}],
        "response_min": 30,
    } | change


def test_an_agreement_is_created_listed_and_its_cover_told_with_the_gaps(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """Avery (POS 5, living by the flagship) works 10:00-16:00 that Saturday: with no plan published she
    is at home and covers that part; before and after, nobody with the skill is on duty."""
    created = client.post("/standby-agreements", json=_body(), headers=dispatcher_headers)
    assert created.status_code == 201, created.text
    assert created.json()["response_min"] == 30
    listed = client.get("/standby-agreements", headers=dispatcher_headers).json()
    assert [a["id"] for a in listed] == ["SB-CHI"]
    cover = client.get("/standby-agreements/SB-CHI/cover", headers=dispatcher_headers)
    assert cover.status_code == 200, cover.text
    segments = [(s["technician_id"], s["start_local"], s["end_local"]) for s in cover.json()["segments"]]
    assert segments == [
        (None, "2026-11-28T09:00:00-06:00", "2026-11-28T10:00:00-06:00"),
        ("T-CHI", "2026-11-28T10:00:00-06:00", "2026-11-28T16:00:00-06:00"),
        (None, "2026-11-28T16:00:00-06:00", "2026-11-28T17:00:00-06:00"),
    ]
    gaps = cover.json()["gaps"]
    assert len(gaps) == 2 and not any(g["caused_by_plan"] for g in gaps)
    assert gaps[0]["reason"] == (
        "nobody with pos level 5 is on duty within 30 min of Chicago flagship from Sat 09:00 to Sat 10:00, "
        "local time"
    )


def test_a_period_ending_before_it_starts_is_a_422_in_local_time(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    answer = client.post(
        "/standby-agreements",
        json=_body(id="SB-BAD", ends_at="2026-11-28T14:00:00Z"),
        headers=dispatcher_headers,
    )
    assert answer.status_code == 422
    assert answer.json()["detail"] == (
        "the standby period ends Sat 2026-11-28 08:00, not after it starts Sat 2026-11-28 09:00 "
        "(local time at Chicago flagship)"
    )


def test_a_period_longer_than_a_month_is_refused(client: TestClient, dispatcher_headers: Headers) -> None:
    answer = client.post(
        "/standby-agreements",
        json=_body(id="SB-LONG", ends_at="2027-11-28T09:00:00Z"),
        headers=dispatcher_headers,
    )
    assert answer.status_code == 422 and "longer than 31 days" in answer.json()["detail"]


def test_a_site_of_another_customer_and_an_unknown_agreement_are_refused(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    other = client.post(
        "/standby-agreements", json=_body(id="SB-X", site_id="S-DEN"), headers=dispatcher_headers
    )
    assert other.status_code == 422 and "belongs to customer C-GLOBEX" in other.json()["detail"]
    unknown = client.post(
        "/standby-agreements",
        json=_body(id="SB-Y", required_skills=[{"skill": "plumbing", "min_level": 2}]),
        headers=dispatcher_headers,
    )
    assert unknown.status_code == 422 and "no skill plumbing" in unknown.json()["detail"]
    assert client.get("/standby-agreements/NOPE/cover", headers=dispatcher_headers).status_code == 404


def test_technicians_may_not_see_standby_agreements(client: TestClient, technician_headers: Headers) -> None:
    assert client.get("/standby-agreements", headers=technician_headers).status_code == 403
