"""The live day through the API: visits done or under way survive every edit and re-plan elsewhere.

Each test publishes a fresh plan of the demo day, then plays what happens in the field and at the desk:
a technician reports, a dispatcher edits another route or re-plans the day, and the technician's next
report, their sheet and the customer's tracking page must still find the visit. Runs on both back ends.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, update
from sqlalchemy.engine import URL

import optimizer as opt
from api.deps import get_now
from api.main import create_app
from dispatch.config import Settings
from dispatch.domain.errors import Stale
from dispatch.domain.jobs import JobStatus
from dispatch.domain.plans import Plan
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.models import (
    DayLockRow,
    JobPinRow,
    JobRow,
    PartMovementRow,
    TicketRow,
    VisitReportRow,
    table_of,
)
from dispatch.services.accounts import (
    DEMO_DISPATCHER_EMAIL,
    DEMO_DISPATCHER_PASSWORD,
    DEMO_TECHNICIAN_PASSWORD,
)
from dispatch.services.plan_edits import unassign_job
from dispatch.services.planning import plan_and_publish
from tests.api.conftest import bearer_for
from tests.api.plan_demo import DAY, Headers, demo_day, plan_worker, seeded_settings, wait_for

QUICK = opt.SolveParams(time_limit_s=2, deterministic=True, solution_limit=50)


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    """A database of this module's own on the shared server."""
    return postgis_server_url.set(database="dispatch_live_day_test")


@pytest.fixture(scope="module")
def seeded(database_url: str) -> tuple[Settings, tuple[str, str]]:
    return seeded_settings(database_url)


class FieldClock:
    """The day's clock as the field lives it: each report or edit a few minutes after the one before."""

    def __init__(self) -> None:
        self.at = datetime.combine(DAY, time(14, 0), UTC)
        self.step = timedelta(minutes=7)

    def morning(self) -> None:
        self.at = datetime.combine(DAY, time(14, 0), UTC)

    def __call__(self) -> datetime:
        self.at += self.step
        return self.at


@pytest.fixture(scope="module")
def app(seeded: tuple[Settings, tuple[str, str]]) -> FastAPI:
    """The service, with requests stamped on the planned day (its morning in the Americas)."""
    app = create_app(seeded[0])
    app.dependency_overrides[get_now] = FieldClock()
    return app


@pytest.fixture(scope="module")
def client(app: FastAPI, database_url: str) -> Iterator[TestClient]:
    clock = app.dependency_overrides[get_now]
    with plan_worker(database_url, clock), TestClient(app, base_url="https://testserver") as client:
        yield client


@pytest.fixture(scope="module")
def dispatcher(client: TestClient) -> Headers:
    return bearer_for(client, DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD)


@pytest.fixture
def published(seeded: tuple[Settings, tuple[str, str]], app: FastAPI, client: TestClient) -> Plan:
    """The morning again: no reports, parts used, pins or locks, tickets as generated, and a fresh solver
    plan of the whole day published."""
    clock = app.dependency_overrides[get_now]
    assert isinstance(clock, FieldClock)
    clock.morning()
    engine = make_engine(seeded[0].effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            for table in (VisitReportRow, PartMovementRow, JobPinRow, DayLockRow):
                session.execute(delete(table_of(table)))
            jobs = table_of(JobRow)
            session.execute(
                update(jobs).values(status=JobStatus.UNSCHEDULED.value, pinned_technician_id=None)
            )
            tickets = table_of(TicketRow)
            for ticket in demo_day().tickets:  # the states the reports moved, as generated
                session.execute(
                    update(tickets)
                    .where(tickets.c.id == ticket.id)
                    .values(
                        state=ticket.state.value,
                        responded_at=ticket.responded_at,
                        resolved_at=ticket.resolved_at,
                    )
                )
        with session_scope(make_session_factory(engine)) as session:
            return plan_and_publish(session, DAY, params=QUICK).plan
    finally:
        engine.dispose()


def _login(client: TestClient, technician_id: str) -> Headers:
    email = next(t.email for t in demo_day().technicians if t.id == technician_id)
    return bearer_for(client, email, DEMO_TECHNICIAN_PASSWORD)


def _routes_with_work(plan: Plan, at_least: int = 1) -> list[str]:
    """Technicians whose route has ``at_least`` jobs and whose login is theirs alone."""
    emails = [t.email for t in demo_day().technicians]
    by_id = {t.id: t.email for t in demo_day().technicians}
    return [
        r.technician_id
        for r in plan.routes
        if len(r.job_ids) >= at_least and emails.count(by_id[r.technician_id]) == 1
    ]


def _report(client: TestClient, headers: Headers, job_id: str, kind: str, **extra: Any) -> httpx.Response:
    body = {"idempotency_key": str(uuid.uuid4()), "kind": kind, **extra}
    answer: httpx.Response = client.post(f"/tech/visits/{job_id}/reports", json=body, headers=headers)
    return answer


def _current(client: TestClient, headers: Headers) -> dict[str, Any]:
    answer = client.get("/plans/published", params={"day": DAY.isoformat()}, headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _jobs_of(plan: dict[str, Any], technician_id: str) -> list[str]:
    route = next((r for r in plan["routes"] if r["technician_id"] == technician_id), None)
    return [] if route is None else [v["job_id"] for v in route["visits"] if v["job_id"]]


def _sheet_jobs(client: TestClient, headers: Headers, technician_id: str) -> list[str]:
    answer = client.get(
        f"/technicians/{technician_id}/sheet", params={"day": DAY.isoformat()}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    return [stop["job_id"] for stop in answer.json()["stops"] if stop["job_id"]]


def test_a_visit_en_route_survives_an_edit_of_another_route(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """En route on his first visit, a technician keeps it through an edit elsewhere; arrived then works."""
    first, other = _routes_with_work(published)[:2]
    route = next(r for r in published.routes if r.technician_id == first)
    job = route.job_ids[0]
    technician = _login(client, first)
    assert _report(client, technician, job, "en_route").status_code == 201
    elsewhere = next(r for r in published.routes if r.technician_id == other).job_ids[0]
    edit = client.delete(f"/plans/{DAY}/assignments/{elsewhere}", headers=dispatcher)
    assert edit.status_code == 200, edit.text
    assert _jobs_of(_current(client, dispatcher), first)[0] == job
    assert _sheet_jobs(client, technician, first)[0] == job
    assert _report(client, technician, job, "arrived").status_code == 201


def test_a_visit_under_way_cannot_be_moved_and_says_why(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """Assigning or taking out a visit on site is refused with a plain reason, and nothing changes."""
    first, other = _routes_with_work(published)[:2]
    job = next(r for r in published.routes if r.technician_id == first).job_ids[0]
    technician = _login(client, first)
    for kind in ("en_route", "arrived"):
        assert _report(client, technician, job, kind).status_code == 201
    moved = client.post(
        f"/plans/{DAY}/assignments", json={"job_id": job, "technician_id": other}, headers=dispatcher
    )
    assert moved.status_code == 409
    assert "on site" in moved.json()["detail"] and first in moved.json()["detail"]
    taken = client.delete(f"/plans/{DAY}/assignments/{job}", headers=dispatcher)
    assert taken.status_code == 409
    assert _jobs_of(_current(client, dispatcher), first)[0] == job


def test_a_visit_en_route_and_a_completed_one_survive_a_full_replan(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """After a re-plan of the whole day the completed visit is still on its route, the visit en route is
    still next, the next report works, and the customer's page still says the visit is done."""
    technician_id = _routes_with_work(published, at_least=2)[0]
    done, next_job = next(r for r in published.routes if r.technician_id == technician_id).job_ids[:2]
    technician = _login(client, technician_id)
    ticket = next(j.ticket_id for j in demo_day().jobs if j.id == done)
    link = client.post(f"/tickets/{ticket}/tracking-link", headers=dispatcher)
    assert link.status_code == 201, link.text
    token = link.json()["url"].rsplit("/", 1)[1]
    for kind in ("en_route", "arrived", "completed"):
        assert _report(client, technician, done, kind).status_code == 201
    assert _report(client, technician, next_job, "en_route").status_code == 201
    job = client.post(f"/plans/{DAY}/resolve", json={"time_limit_s": 1}, headers=dispatcher)
    assert job.status_code == 202, job.text
    finished = wait_for(client, dispatcher, job.json()["id"])
    assert finished["status"] == "succeeded", finished["error"]
    assert _jobs_of(_current(client, dispatcher), technician_id)[:2] == [done, next_job]
    assert _report(client, technician, next_job, "arrived").status_code == 201
    tracking = client.get(f"/track/{token}.json")
    assert tracking.status_code == 200, tracking.text
    assert tracking.json()["status"] != "scheduling"


def test_locking_a_day_with_a_completed_visit_keeps_later_replans_working(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """A locked day whose first visit is done re-plans fine and keeps its route as it stood."""
    technician_id = _routes_with_work(published, at_least=2)[0]
    route = next(r for r in published.routes if r.technician_id == technician_id)
    technician = _login(client, technician_id)
    for kind in ("en_route", "arrived", "completed"):
        assert _report(client, technician, route.job_ids[0], kind).status_code == 201
    assert client.put(f"/plans/{DAY}/locks/{technician_id}", headers=dispatcher).status_code == 200
    try:
        job = client.post(f"/plans/{DAY}/resolve", json={"time_limit_s": 1}, headers=dispatcher)
        assert job.status_code == 202, job.text
        finished = wait_for(client, dispatcher, job.json()["id"])
        assert finished["status"] == "succeeded", finished["error"]
        assert _jobs_of(_current(client, dispatcher), technician_id) == list(route.job_ids)
    finally:
        client.delete(f"/plans/{DAY}/locks/{technician_id}", headers=dispatcher)


def test_an_edit_from_a_replaced_version_is_refused_with_the_current_one(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """``If-Match`` with a version since replaced answers 412 naming the current version; nothing changes."""
    a, b = _routes_with_work(published)[:2]
    seen = client.get("/plans/published", params={"day": DAY.isoformat()}, headers=dispatcher)
    version = seen.headers["ETag"]
    assert version == f'"{published.id}"'
    first_job = next(r for r in published.routes if r.technician_id == a).job_ids[0]
    second_job = next(r for r in published.routes if r.technician_id == b).job_ids[0]
    first = client.delete(
        f"/plans/{DAY}/assignments/{first_job}", headers={**dispatcher, "If-Match": version}
    )
    assert first.status_code == 200, first.text
    stale = client.delete(
        f"/plans/{DAY}/assignments/{second_job}", headers={**dispatcher, "If-Match": version}
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == first.headers["ETag"].strip('"')
    assert second_job in _jobs_of(_current(client, dispatcher), b)


def test_of_two_edits_racing_from_one_version_exactly_one_wins(
    seeded: tuple[Settings, tuple[str, str]], published: Plan
) -> None:
    """Two dispatchers editing the same version at the same moment: one plan is published, one refused."""
    a, b = _routes_with_work(published)[:2]
    jobs = [next(r for r in published.routes if r.technician_id == t).job_ids[0] for t in (a, b)]
    engine = make_engine(seeded[0].effective_database_url, sqlite_begin="BEGIN IMMEDIATE")  # as the API
    factory = make_session_factory(engine)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def edit(job_id: str) -> None:
        start.wait()
        try:
            with session_scope(factory) as session:
                unassign_job(session, DAY, job_id=job_id, version=published.id)
            outcomes.append("won")
        except Stale:
            outcomes.append("stale")

    try:
        threads = [threading.Thread(target=edit, args=(job,)) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        engine.dispose()
    assert sorted(outcomes) == ["stale", "won"]


def test_an_urgent_job_is_placed_at_once_and_other_routes_keep_their_visits(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """An urgent job goes onto one technician's route; every other route keeps its visits, a visit en
    route stays first, and the background search publishes only a better plan."""
    first, other = _routes_with_work(published)[:2]
    en_route = next(r for r in published.routes if r.technician_id == first).job_ids[0]
    urgent = next(r for r in published.routes if r.technician_id == other).job_ids[-1]
    assert _report(client, _login(client, first), en_route, "en_route").status_code == 201
    assert client.delete(f"/plans/{DAY}/assignments/{urgent}", headers=dispatcher).status_code == 200
    before = _current(client, dispatcher)
    answer = client.post(
        f"/plans/{DAY}/urgent-jobs", json={"job_id": urgent, "improve_for_s": 1}, headers=dispatcher
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    taker = body["technician_id"]
    assert taker is not None
    after = body["plan"]
    assert urgent in _jobs_of(after, taker)
    for route in before["routes"]:
        if route["technician_id"] != taker:
            assert _jobs_of(after, route["technician_id"]) == _jobs_of(before, route["technician_id"])
    assert _jobs_of(after, first)[0] == en_route
    assert after["solver_status"] == "inserted"
    assert after["changes"]["replaces"] == before["id"]
    assert [m["job_id"] for m in after["changes"]["reassigned"]] == [urgent]
    improvement = body["improvement"]
    assert improvement is not None
    assert improvement["region"], "the search is of the urgent job's region, not of the whole day"
    finished = wait_for(client, dispatcher, improvement["id"])
    assert finished["status"] == "succeeded", finished["error"]
    now = _current(client, dispatcher)
    assert now["id"] == after["id"] or now["changes"]["replaces"] == after["id"]
    assert _jobs_of(now, first)[0] == en_route


def test_an_urgent_job_nobody_can_fit_is_left_out_with_the_reason(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """A job no technician can fit in is published as unassigned, saying so, and nothing else moves."""
    jobs = {j.id: j for j in demo_day().jobs}
    out_of_reach = [
        u.job_id for u in published.unplanned if u.reason in ("out_of_reach", "no_skilled_technician")
    ]
    assert out_of_reach, "the demo day has jobs nobody can reach"
    job_id = out_of_reach[0]
    answer = client.post(
        f"/plans/{DAY}/urgent-jobs", json={"job_id": job_id, "improve_for_s": 0}, headers=dispatcher
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["technician_id"] is None and answer.json()["improvement"] is None
    left = next(u for u in answer.json()["plan"]["unassigned"] if u["job_id"] == job_id)
    assert "no technician can fit it" in left["detail"] and jobs[job_id].id == job_id


def test_a_technician_off_sick_keeps_the_visit_under_way_and_the_rest_goes_to_others(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """Off sick after starting a visit: that visit stays theirs, none of their other visits does, and
    each of those is with someone else or left to plan with a reason; every other route keeps its
    visits in order apart from what it took on."""
    technician_id = _routes_with_work(published, at_least=3)[0]
    route = next(r for r in published.routes if r.technician_id == technician_id)
    assert _report(client, _login(client, technician_id), route.job_ids[0], "en_route").status_code == 201
    before = _current(client, dispatcher)
    answer = client.post(f"/plans/{DAY}/technicians/{technician_id}/off-sick", headers=dispatcher)
    assert answer.status_code == 200, answer.text
    after = answer.json()["plan"]
    assert _jobs_of(after, technician_id) == [route.job_ids[0]]
    moved_to = answer.json()["moved_to"]
    assert set(moved_to) >= set(route.job_ids[1:])
    left = {u["job_id"] for u in after["unassigned"]}
    for job_id, taker in moved_to.items():
        assert (job_id in _jobs_of(after, taker)) if taker else (job_id in left)
    bumped = {job_id for job_id, taker in moved_to.items() if taker is None}
    for other in before["routes"]:
        if other["technician_id"] != technician_id:
            kept = [j for j in _jobs_of(before, other["technician_id"]) if j not in bumped]
            assert [j for j in _jobs_of(after, other["technician_id"]) if j in kept] == kept


def test_a_cancelled_visit_leaves_the_plan_and_its_route_is_retimed(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    """Cancelling a planned visit takes it out of the published plan; nothing else leaves it."""
    technician_id = _routes_with_work(published, at_least=2)[0]
    route = next(r for r in published.routes if r.technician_id == technician_id)
    answer = client.post(f"/jobs/{route.job_ids[0]}/cancel", headers=dispatcher)
    assert answer.status_code == 200, answer.text
    plan = answer.json()["plan"]
    assert _jobs_of(plan, technician_id) == list(route.job_ids[1:])
    assert route.job_ids[0] not in {u["job_id"] for u in plan["unassigned"]}
    again = client.post(f"/jobs/{route.job_ids[0]}/cancel", headers=dispatcher)
    assert again.status_code == 409 and "cannot be cancelled" in again.json()["detail"]


def _proposed(client: TestClient, dispatcher: Headers) -> str:
    """A re-plan of the rest of the day asked for as a preview; the id of the plan it proposes."""
    job = client.post(f"/plans/{DAY}/resolve", json={"time_limit_s": 2, "preview": True}, headers=dispatcher)
    assert job.status_code == 202, job.text
    done = wait_for(client, dispatcher, job.json()["id"])
    assert done["status"] == "succeeded" and done["preview"] is True, done
    plan_id: str = done["plan_id"]
    return plan_id


def test_a_previewed_re_plan_is_accepted_after_a_report_and_keeps_it(
    app: FastAPI, client: TestClient, dispatcher: Headers, published: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview publishes nothing; the board's view shows it beside the figures of the plan in force; a
    technician sets off meanwhile; accepting publishes it timed on the day as it now stands, with that
    visit still first on the technician's route; a decided proposal cannot be decided again."""
    clock = app.dependency_overrides[get_now]
    assert isinstance(clock, FieldClock)
    # The dispatcher waits for the solve and decides a few minutes after it, not hours: a technician
    # still at home cannot leave before the proposal is accepted, so a long wait can rightly break a
    # window the proposal kept.
    monkeypatch.setattr(clock, "step", timedelta(seconds=20))
    proposal_id = _proposed(client, dispatcher)
    assert _current(client, dispatcher)["id"] == published.id
    view = client.get(f"/plans/{DAY}/view", params={"proposal": proposal_id}, headers=dispatcher)
    assert view.status_code == 200, view.text
    assert view.headers["ETag"] == f'"{published.id}"'
    shown = view.json()
    assert shown["proposal"]["id"] == proposal_id and shown["proposal"]["stale"] is False
    in_force = client.get(f"/plans/{DAY}/view", headers=dispatcher).json()["kpis"]
    for figure in ("planned_by_priority", "unassigned_by_priority", "travel_s", "overtime_s"):
        assert shown["proposal"]["in_force"][figure] == in_force[figure], (
            figure
        )  # the SLA outlook moves with now

    first = _routes_with_work(published)[0]
    job = _jobs_of(_current(client, dispatcher), first)[0]
    assert _report(client, _login(client, first), job, "en_route").status_code == 201
    accepted = client.post(
        f"/plans/{DAY}/proposals/{proposal_id}/accept",
        headers={**dispatcher, "If-Match": view.headers["ETag"]},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.headers["ETag"] == f'"{accepted.json()["id"]}"'
    assert _current(client, dispatcher)["id"] == accepted.json()["id"] != published.id
    assert _jobs_of(accepted.json(), first)[0] == job
    again = client.post(f"/plans/{DAY}/proposals/{proposal_id}/accept", headers=dispatcher)
    assert again.status_code == 409 and "already accepted" in again.json()["detail"]
    assert client.delete(f"/plans/{DAY}/proposals/{proposal_id}", headers=dispatcher).status_code == 409


def test_a_proposal_outrun_by_an_edit_is_refused_with_412_and_discarded(
    client: TestClient, dispatcher: Headers, published: Plan
) -> None:
    proposal_id = _proposed(client, dispatcher)
    other = _routes_with_work(published)[1]
    job = next(r for r in published.routes if r.technician_id == other).job_ids[-1]
    assert client.delete(f"/plans/{DAY}/assignments/{job}", headers=dispatcher).status_code == 200
    view = client.get(f"/plans/{DAY}/view", params={"proposal": proposal_id}, headers=dispatcher)
    assert view.json()["proposal"]["stale"] is True
    refused = client.post(
        f"/plans/{DAY}/proposals/{proposal_id}/accept",
        headers={**dispatcher, "If-Match": view.headers["ETag"]},
    )
    assert refused.status_code == 412, refused.text
    assert "propose a re-plan again" in refused.json()["detail"]
    assert client.delete(f"/plans/{DAY}/proposals/{proposal_id}", headers=dispatcher).status_code == 204
    gone = client.get(f"/plans/{DAY}/view", params={"proposal": proposal_id}, headers=dispatcher)
    assert gone.status_code == 409 and "already discarded" in gone.json()["detail"]
    unknown = client.delete(f"/plans/{DAY}/proposals/no-such-plan", headers=dispatcher)
    assert unknown.status_code == 404 and "no proposed re-plan" in unknown.json()["detail"]
