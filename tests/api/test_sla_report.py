"""GET /reports/sla: a hand-made month's compliance per contract, and refusals in the user's words."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.deps import get_now
from dispatch.config import Settings
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.repositories import TicketRepository
from tests.dispatch.services.sla_month import NOW, OCTOBER, OUTSIDE

pytestmark = pytest.mark.postgis
Headers = dict[str, str]


@pytest.fixture(scope="module")
def app(api_settings: Settings) -> FastAPI:
    """The app on the sample data plus the hand-made month, its clock at the month's judging time."""
    from api.main import create_app

    engine = make_engine(api_settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            TicketRepository(session).add_many([*OCTOBER, *OUTSIDE])
    finally:
        engine.dispose()
    app = create_app(api_settings)
    app.dependency_overrides[get_now] = lambda: NOW
    return app


def _report(client: TestClient, headers: Headers, **params: str) -> Any:
    return client.get("/reports/sla", params=params, headers=headers)


def test_one_contracts_month(client: TestClient, dispatcher_headers: Headers) -> None:
    """October under the silver contract: outcomes, by priority, clock times in hours, per ticket."""
    answer = _report(client, dispatcher_headers, month="2026-10", contract="K-GLOBEX")
    assert answer.status_code == 200, answer.text
    [body] = answer.json()
    assert (body["contract_id"], body["month"], body["tickets"]) == ("K-GLOBEX", "2026-10", 6)
    assert body["response"] == {"met": 3, "breached": 2, "pending": 1}
    # no pause is stored, so M-D's resolution at 14:30 misses its 13:00 due time
    assert body["resolution"] == {"met": 2, "breached": 2, "pending": 2}
    assert [p["tickets"] for p in body["by_priority"]] == [2, 2, 1, 1]
    # response times 1, 3, 2, 3.5 h (M-D unpaused): 90th percentile 3 + 0.7 * 0.5
    assert body["response_time"] == {"count": 4, "mean_h": 2.375, "p90_h": 3.35}
    assert body["paused_h"] == 0
    details = {t["ticket_id"]: t for t in body["ticket_details"]}
    assert details["M-C"]["resolution_time_h"] == 10 and details["M-E"]["response"] == "breached"


def test_every_contract_of_the_month(client: TestClient, dispatcher_headers: Headers) -> None:
    """Without a contract: each contract with tickets opened in the month."""
    answer = _report(client, dispatcher_headers, month="2026-10")
    assert answer.status_code == 200, answer.text
    assert [(r["contract_id"], r["tickets"]) for r in answer.json()] == [("K-ACME", 1), ("K-GLOBEX", 6)]


@pytest.mark.parametrize(
    ("month", "words"),
    [
        ("October", "write it as YYYY-MM"),
        ("2026-13", "months run from 01 to 12"),
        ("1999-01", "outside the years"),
    ],
)
def test_a_bad_month_is_refused_in_words(
    client: TestClient, dispatcher_headers: Headers, month: str, words: str
) -> None:
    """A month that is not YYYY-MM, or not a real month, is a 422 saying what to write."""
    answer = _report(client, dispatcher_headers, month=month)
    assert answer.status_code == 422
    assert words in answer.text


def test_an_unknown_contract_is_a_404(client: TestClient, dispatcher_headers: Headers) -> None:
    """Naming a contract that does not exist is a 404 naming it."""
    answer = _report(client, dispatcher_headers, month="2026-10", contract="K-NONE")
    assert answer.status_code == 404
    assert "K-NONE" in answer.json()["detail"]
