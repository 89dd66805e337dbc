"""GET /tickets/at-risk: open tickets the published plan of a demo day will deliver past their SLA."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import URL

import optimizer as opt
from api.deps import get_now
from dispatch.config import Settings
from dispatch.domain.plans import Plan, PlannedVisit
from dispatch.domain.progress import ReportKind
from dispatch.domain.tickets import TicketState
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.repositories import JobRepository, SiteRepository, TicketRepository
from dispatch.services.planning import plan_and_publish
from dispatch.services.progress import ReportRequest, report_progress
from tests.api.plan_demo import DAY, Headers, seeded_settings

pytestmark = pytest.mark.postgis

QUICK = opt.SolveParams(time_limit_s=2, deterministic=True, solution_limit=50)
NOW = datetime.combine(DAY, time(20), UTC)
FAR = datetime(2027, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    """A database of this module's own on the shared server."""
    return postgis_server_url.set(database="dispatch_at_risk_test")


@pytest.fixture(scope="module")
def api_settings(database_url: str) -> Settings:
    """The demo day, seeded."""
    return seeded_settings(database_url)[0]


@pytest.fixture(scope="module")
def app(api_settings: Settings) -> FastAPI:
    from api.main import create_app

    app = create_app(api_settings)
    app.dependency_overrides[get_now] = lambda: NOW
    return app


@dataclasses.dataclass(frozen=True)
class Arranged:
    plan: Plan
    response_late: PlannedVisit
    """Its ticket is due a response 30 minutes before the technician arrives."""
    resolution_late: PlannedVisit
    """Its ticket has had its response, and is due resolved 45 minutes before the visit ends."""
    unplanned_ticket: str
    """Open, on no route, due resolved at 10:00 at its site on the day."""
    planned_tickets: frozenset[str]


@pytest.fixture(scope="module")
def arranged(api_settings: Settings) -> Iterator[Arranged]:
    """The demo day planned and published; then the due times of three tickets set to known lateness and
    every other planned ticket given due times far ahead, so the expected answer is known by hand (each
    job's own due time follows its ticket's resolution due time, as when it was made)."""
    engine = make_engine(api_settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            plan = plan_and_publish(session, DAY, params=QUICK, now=datetime.combine(DAY, time(5), UTC)).plan
        with session_scope(make_session_factory(engine)) as session:
            visits = [v for r in plan.routes for v in r.visits if v.job_id is not None]
            jobs = {j.id: j for j in JobRepository(session).get_many([v.job_id for v in visits if v.job_id])}
            tickets = TicketRepository(session)
            planned_tickets = {jobs[v.job_id].ticket_id for v in visits if v.job_id}
            first, second = (
                visits[0],
                next(
                    v
                    for v in visits
                    if v.job_id and jobs[v.job_id].ticket_id != jobs[visits[0].job_id or ""].ticket_id
                ),
            )
            for ticket_id in planned_tickets:
                ticket = tickets.require(ticket_id)
                if ticket.state.is_open:
                    tickets.update(dataclasses.replace(ticket, response_due=FAR, resolution_due=FAR))
            for visit in visits:
                if visit.job_id is not None:
                    JobRepository(session).update(dataclasses.replace(jobs[visit.job_id], sla_due=FAR))
            for visit, changes in (
                (first, {"response_due": first.arrival - timedelta(minutes=30), "responded_at": None}),
                (
                    second,
                    {"resolution_due": second.end - timedelta(minutes=45), "responded_at": second.arrival},
                ),
            ):
                assert visit.job_id is not None
                ticket = tickets.require(jobs[visit.job_id].ticket_id)
                opened = min(ticket.opened_at, first.arrival - timedelta(hours=2))
                tickets.update(
                    dataclasses.replace(ticket, state=TicketState.SCHEDULED, opened_at=opened, **changes)
                )
                if "resolution_due" in changes:
                    job = dataclasses.replace(jobs[visit.job_id], sla_due=changes["resolution_due"])
                    JobRepository(session).update(job)
            outside = next(
                t
                for t in tickets.all()
                if t.id not in planned_tickets and t.state is TicketState.ONSITE_REQUIRED
            )
            site = SiteRepository(session).require(outside.site_id)
            due = datetime.combine(DAY, time(10), ZoneInfo(site.timezone))
            tickets.update(
                dataclasses.replace(
                    outside,
                    opened_at=min(outside.opened_at, due - timedelta(hours=4)),
                    response_due=min(outside.response_due, due),
                    resolution_due=due,
                )
            )
        yield Arranged(plan, first, second, outside.id, frozenset(planned_tickets))
    finally:
        engine.dispose()


def _at_risk(client: TestClient, headers: Headers) -> list[dict[str, Any]]:
    answer = client.get("/tickets/at-risk", params={"day": DAY.isoformat()}, headers=headers)
    assert answer.status_code == 200, answer.text
    body: list[dict[str, Any]] = answer.json()
    return body


def test_planned_tickets_past_due_are_listed_with_how_late(
    client: TestClient, dispatcher_headers: Headers, arranged: Arranged
) -> None:
    """Exactly the two arranged tickets are planned late: one arriving 30 minutes after its response due,
    one ending 45 minutes after its resolution due (its response already given, so not counted)."""
    planned = [r for r in _at_risk(client, dispatcher_headers) if r["planned"]]
    by_job = {r["job_id"]: r for r in planned}
    assert set(by_job) == {arranged.response_late.job_id, arranged.resolution_late.job_id}
    response = by_job[arranged.response_late.job_id]
    assert response["response_late_s"] == 30 * 60 and response["resolution_late_s"] is None
    assert datetime.fromisoformat(response["expected_arrival"]) == arranged.response_late.arrival
    resolution = by_job[arranged.resolution_late.job_id]
    assert resolution["resolution_late_s"] == 45 * 60
    assert resolution["response_late_s"] is None and resolution["response_due"] is None
    assert datetime.fromisoformat(resolution["expected_completion"]) == arranged.resolution_late.end
    assert [r["job_id"] for r in planned] == [arranged.resolution_late.job_id, arranged.response_late.job_id]


def test_unplanned_tickets_due_today_follow_with_how_late_now(
    client: TestClient, dispatcher_headers: Headers, arranged: Arranged
) -> None:
    """An open ticket on no route, due at 10:00 at its site, is listed after the planned ones, as late as
    the clock says; every unplanned entry falls due by the day's end."""
    answer = _at_risk(client, dispatcher_headers)
    first_unplanned = next(i for i, r in enumerate(answer) if not r["planned"])
    assert all(not r["planned"] for r in answer[first_unplanned:])
    unplanned = {r["ticket_id"]: r for r in answer[first_unplanned:]}
    mine = unplanned[arranged.unplanned_ticket]
    due = datetime.fromisoformat(mine["resolution_due"])
    assert mine["resolution_late_s"] == (NOW - due).total_seconds()
    assert mine["job_id"] is None and mine["expected_arrival"] is None
    day_end = datetime.combine(DAY + timedelta(days=1), time(0), UTC) + timedelta(hours=12)
    for row in unplanned.values():
        dues = [datetime.fromisoformat(d) for d in (row["response_due"], row["resolution_due"]) if d]
        assert min(dues) < day_end
    assert not set(unplanned) & arranged.planned_tickets


def test_the_board_flags_the_visits_the_list_calls_late(
    client: TestClient, dispatcher_headers: Headers, arranged: Arranged
) -> None:
    """The plan view judges a visit by the same rule: the visit arriving 30 minutes after its response due
    time, though hours before its resolution due time, is late on the board, and so is the one ending
    after its resolution due time; the visits late on the board are the ones the list names."""
    view = client.get(f"/plans/{DAY}/view", headers=dispatcher_headers)
    assert view.status_code == 200, view.text
    stops = {
        s["job_id"]: s
        for t in view.json()["technicians"]
        if t["route"]
        for s in t["route"]["stops"]
        if s["job_id"]
    }
    response = stops[arranged.response_late.job_id]
    assert response["sla"] == "late"
    assert datetime.fromisoformat(response["sla_due"]) == FAR
    assert datetime.fromisoformat(response["response_due"]) == (
        arranged.response_late.arrival - timedelta(minutes=30)
    )
    resolution = stops[arranged.resolution_late.job_id]
    assert resolution["sla"] == "late" and resolution["response_due"] is None
    listed = {r["job_id"] for r in _at_risk(client, dispatcher_headers) if r["planned"]}
    assert {job for job, stop in stops.items() if stop["sla"] == "late"} == listed


def test_a_malformed_day_is_refused(client: TestClient, dispatcher_headers: Headers) -> None:
    """``day`` must be a date."""
    answer = client.get("/tickets/at-risk", params={"day": "26/11/2026"}, headers=dispatcher_headers)
    assert answer.status_code == 422


def test_a_delay_report_moves_the_prediction(
    client: TestClient, dispatcher_headers: Headers, arranged: Arranged, api_settings: Settings
) -> None:
    """The technician of the response-late visit reports running an hour late: the ticket's expected
    arrival moves an hour and it is now 90 minutes late for its response (runs last: it adds a report)."""
    visit = arranged.response_late
    assert visit.job_id is not None
    technician = next(r.technician_id for r in arranged.plan.routes if visit in r.visits)
    engine = make_engine(api_settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            report_progress(
                session,
                technician_id=technician,
                request=ReportRequest(
                    "late-at-risk-1", visit.job_id, ReportKind.RUNNING_LATE, late_by_min=60
                ),
                now=NOW,
            )
    finally:
        engine.dispose()
    row = next(r for r in _at_risk(client, dispatcher_headers) if r["job_id"] == visit.job_id)
    assert row["response_late_s"] == 90 * 60
    assert datetime.fromisoformat(row["expected_arrival"]) == visit.arrival + timedelta(hours=1)
