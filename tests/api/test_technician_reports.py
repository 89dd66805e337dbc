"""Progress reports: once per idempotency key (also concurrently), forward only, own visits only."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import URL

from dispatch.config import Settings
from dispatch.persistence.models import AccountRow, JobRow, VisitReportRow
from dispatch.services.accounts import DEMO_TECHNICIAN_PASSWORD
from tests.api.conftest import OTHER_TECHNICIAN, OWN_TECHNICIAN, bearer_for
from tests.api.field_fixtures import field_database, field_settings

pytestmark = pytest.mark.postgis


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    return field_database(postgis_server_url, "reports")


@pytest.fixture(scope="module")
def api_settings(database_url: str) -> Settings:
    return field_settings(database_url)


def _report(
    client: TestClient, headers: dict[str, str], job_id: str, kind: str, key: str | None = None, **extra: Any
) -> httpx.Response:
    body = {"idempotency_key": key or str(uuid.uuid4()), "kind": kind, **extra}
    answer: httpx.Response = client.post(f"/tech/visits/{job_id}/reports", json=body, headers=headers)
    return answer


def _stored_reports(engine: Engine, key: str) -> int:
    with engine.connect() as connection:
        table = VisitReportRow.__table__
        return (
            connection.scalar(select(func.count()).select_from(table).where(table.c.idempotency_key == key))
            or 0
        )


def _job_status(engine: Engine, job_id: str) -> str:
    with engine.connect() as connection:
        table = JobRow.__table__
        return str(connection.scalar(select(table.c.status).where(table.c.id == job_id)))


def test_a_report_moves_the_job_and_is_kept_with_its_time_and_reporter(
    client: TestClient, technician_headers: dict[str, str], dispatcher_headers: dict[str, str], engine: Engine
) -> None:
    """En route on a planned visit: 201, the job is en_route, the history names the technician."""
    answer = _report(client, technician_headers, "J-F2", "en_route")
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "en_route" and answer.json()["changed"] is True
    assert _job_status(engine, "J-F2") == "en_route"
    history = client.get("/jobs/J-F2/reports", headers=dispatcher_headers).json()
    assert [(h["kind"], h["technician_id"]) for h in history] == [("en_route", OWN_TECHNICIAN)]
    assert history[0]["reported_at"]


def test_the_same_report_sent_twice_takes_effect_once_and_answers_identically(
    client: TestClient, technician_headers: dict[str, str], engine: Engine
) -> None:
    """A retry with the same key: the same status code and body, one stored report."""
    key = str(uuid.uuid4())
    first = _report(client, technician_headers, "J-F3", "en_route", key)
    second = _report(client, technician_headers, "J-F3", "en_route", key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert _stored_reports(engine, key) == 1


def test_two_concurrent_requests_with_one_key_are_stored_once_and_answer_identically(
    client: TestClient, technician_headers: dict[str, str], engine: Engine
) -> None:
    """Two requests at the same moment with one key: one report stored, both get the same answer."""
    key = str(uuid.uuid4())
    start = threading.Barrier(2)

    def send() -> httpx.Response:
        start.wait()
        return _report(client, technician_headers, "J-F4", "en_route", key)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: send(), range(2)))
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert _stored_reports(engine, key) == 1
    assert _job_status(engine, "J-F4") == "en_route"


def test_a_key_reused_for_a_different_report_is_refused(
    client: TestClient, technician_headers: dict[str, str]
) -> None:
    """The same key with another kind of report: 422, nothing applied."""
    key = str(uuid.uuid4())
    assert _report(client, technician_headers, "J-F5", "running_late", key, late_by_min=10).status_code == 201
    reused = _report(client, technician_headers, "J-F5", "en_route", key)
    assert reused.status_code == 422
    assert "idempotency key" in reused.json()["detail"]


def test_a_report_out_of_order_is_a_conflict_with_a_reason(
    client: TestClient, technician_headers: dict[str, str], engine: Engine
) -> None:
    """Completed on a visit still planned: 409 problem naming what is allowed; the job stays planned."""
    answer = _report(client, technician_headers, "J-1", "completed")
    assert answer.status_code == 409
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "allowed: cancelled, en_route" in answer.json()["detail"]
    assert _job_status(engine, "J-1") == "planned"


def test_states_only_move_forward_and_a_repeat_is_a_no_op(
    client: TestClient, technician_headers: dict[str, str], engine: Engine
) -> None:
    """En route, arrived; arrived again is a no-op; en route after arrival is refused with 409."""
    assert _report(client, technician_headers, "J-1", "en_route").status_code == 201
    assert _report(client, technician_headers, "J-1", "arrived").json()["status"] == "on_site"
    repeat = _report(client, technician_headers, "J-1", "arrived")
    assert repeat.status_code == 201 and repeat.json()["changed"] is False
    backwards = _report(client, technician_headers, "J-1", "en_route")
    assert backwards.status_code == 409
    assert _job_status(engine, "J-1") == "on_site"


def test_could_not_complete_needs_a_reason_and_closes_the_visit(
    client: TestClient, technician_headers: dict[str, str], engine: Engine
) -> None:
    """Not completed needs a reason (422 without); with one the visit is incomplete, and a delay is 409."""
    assert _report(client, technician_headers, "J-F2", "arrived").status_code == 201
    assert _report(client, technician_headers, "J-F2", "not_completed").status_code == 422
    answer = _report(client, technician_headers, "J-F2", "not_completed", reason="part_missing")
    assert answer.status_code == 201 and answer.json()["status"] == "incomplete"
    assert _job_status(engine, "J-F2") == "incomplete"
    assert _report(client, technician_headers, "J-F2", "running_late", late_by_min=5).status_code == 409


def test_a_technician_cannot_report_on_another_technicians_visit(
    client: TestClient, technician_headers: dict[str, str], engine: Engine
) -> None:
    """J-2 is on T-DET's route: 404 as if it did not exist, and the job is untouched."""
    answer = _report(client, technician_headers, "J-2", "en_route")
    assert answer.status_code == 404
    assert _job_status(engine, "J-2") == "planned"
    assert _report(client, technician_headers, "J-NOPE", "en_route").status_code == 404


def test_only_technicians_report_and_only_dispatchers_read_the_history(
    client: TestClient, technician_headers: dict[str, str], dispatcher_headers: dict[str, str]
) -> None:
    """A dispatcher posting a report is 403; a technician reading the history is 403; no login is 401."""
    assert _report(client, dispatcher_headers, "J-F3", "arrived").status_code == 403
    assert client.get("/jobs/J-F3/reports", headers=technician_headers).status_code == 403
    assert _report(client, {}, "J-F3", "arrived").status_code == 401


def test_unknown_fields_and_bad_keys_are_refused(
    client: TestClient, technician_headers: dict[str, str]
) -> None:
    """A key that is not a UUID, or an unknown field, is a 422 problem."""
    bad_key = client.post(
        "/tech/visits/J-F3/reports",
        json={"idempotency_key": "x", "kind": "arrived"},
        headers=technician_headers,
    )
    assert bad_key.status_code == 422
    extra = _report(client, technician_headers, "J-F3", "arrived", note="hello")
    assert extra.status_code == 422


def _login_of(engine: Engine, client: TestClient, technician_id: str) -> dict[str, str]:
    with engine.connect() as connection:
        table = AccountRow.__table__
        email = connection.scalar(select(table.c.email).where(table.c.technician_id == technician_id))
    return bearer_for(client, str(email), DEMO_TECHNICIAN_PASSWORD)


def test_keys_are_scoped_to_the_technician_who_made_them(
    client: TestClient, technician_headers: dict[str, str], engine: Engine
) -> None:
    """Another technician's phone may make the same key: their report takes effect, each replays its own."""
    key = str(uuid.uuid4())
    other_headers = _login_of(engine, client, OTHER_TECHNICIAN)
    mine = _report(client, technician_headers, "J-F3", "running_late", key, late_by_min=5)
    theirs = _report(client, other_headers, "J-2", "en_route", key)
    assert (mine.status_code, theirs.status_code) == (201, 201), theirs.text
    assert theirs.json()["job_id"] == "J-2" and theirs.json()["status"] == "en_route"
    assert _job_status(engine, "J-2") == "en_route"
    assert _stored_reports(engine, key) == 2
    assert _report(client, other_headers, "J-2", "en_route", key).json() == theirs.json()
    assert (
        _report(client, technician_headers, "J-F3", "running_late", key, late_by_min=5).json() == mine.json()
    )
