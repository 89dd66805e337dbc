"""What `make run` prints: logins that lead somewhere, whatever the weekday."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from dispatch.config import Settings
from dispatch.domain.jobs import JobStatus
from dispatch.domain.tickets import TicketState
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.repositories import JobRepository, PlanRepository
from dispatch.persistence.repositories.accounts import AccountRepository
from dispatch.persistence.repositories.tickets import TicketRepository
from dispatch.services.audit import ticket_trail
from dispatch.services.demo_data import UNDER_WAY_RANK, a_visit_under_way, load_demo, run_demo
from dispatch.services.ticket_lifecycle import ticket_pauses

SUNDAY = date(2026, 3, 8)
"""Few technicians work on a Sunday: the first ones listed would have nothing to show."""


def test_the_job_sheets_named_are_those_of_technicians_with_the_most_visits(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+pysqlite:///{tmp_path / 'demo.sqlite3'}", plan_time_limit_s=2)
    printed = run_demo(settings, seed=7, day=SUNDAY, scale=0.5)
    sheets = printed.split("job sheets", 1)[1].split("customer view", 1)[0]
    named = re.findall(r"^\s+(\S+@fieldops\.example)$", sheets, re.MULTILINE)
    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            plan = PlanRepository(session).published(SUNDAY)
            assert plan is not None
            visits = {r.technician_id: len(r.job_ids) for r in plan.routes}
            shown = [AccountRepository(session).by_email(email) for email in named]
    finally:
        engine.dispose()
    counts = [visits.get(account.technician_id or "", 0) for account in shown if account is not None]
    assert len(counts) == 3 and counts[0] > 0
    assert counts == sorted(visits.values(), reverse=True)[:3]


def test_the_demo_holds_tickets_in_every_state_the_desk_reaches_before_the_visits(tmp_path: Path) -> None:
    """Loaded, the demo has tickets new, with remote support, fixed remotely, waiting on the customer (the
    pause stored with its reason), cancelled, sent onsite, scheduled, resolved and closed; each move the desk
    made is in the ticket's audit trail."""
    settings = Settings(database_url=f"sqlite+pysqlite:///{tmp_path / 'demo.sqlite3'}")
    load_demo(settings, seed=7, day=SUNDAY, scale=0.5, replace=True)
    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            tickets = TicketRepository(session).list()
            states = Counter(t.state for t in tickets)
            waiting = [t for t in tickets if t.state is TicketState.WAITING_CUSTOMER]
            pauses = {t.id: ticket_pauses(session, t.id) for t in waiting}
            moved = [t for t in tickets if t.state in (TicketState.CANCELLED, TicketState.WAITING_CUSTOMER)]
            trails = {t.id: [e.action for e in ticket_trail(session, t.id)] for t in moved}
    finally:
        engine.dispose()
    every = set(TicketState) - {TicketState.IN_PROGRESS}
    assert every <= set(states), every - set(states)
    assert states[TicketState.CLOSED] > states[TicketState.RESOLVED] > 0
    assert waiting and all(len(p) == 1 and p[0].resumed_at is None and p[0].reason for p in pauses.values())
    assert all(trail for trail in trails.values())


def test_during_the_working_day_one_technician_is_already_on_site(tmp_path: Path) -> None:
    """The fourth busiest technician's first visit is under way (reported en route, then arrived): its job
    is on site and its ticket in progress; before their day begins nothing is reported."""
    settings = Settings(database_url=f"sqlite+pysqlite:///{tmp_path / 'demo.sqlite3'}", plan_time_limit_s=2)
    run_demo(settings, seed=7, day=SUNDAY, scale=0.5)
    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            plan = PlanRepository(session).published(SUNDAY)
            assert plan is not None
            routes = sorted(
                (r for r in plan.routes if r.job_ids), key=lambda r: (-len(r.job_ids), r.technician_id)
            )
        route = routes[UNDER_WAY_RANK]
        assert a_visit_under_way(settings, SUNDAY, route.start - timedelta(hours=2)) == ""
        said = a_visit_under_way(settings, SUNDAY, route.start + timedelta(minutes=20))
        assert said.startswith(f"{route.technician_id} set off early and is on site at {route.job_ids[0]}")
        with session_scope(make_session_factory(engine)) as session:
            job = JobRepository(session).require(route.job_ids[0])
            ticket = TicketRepository(session).require(job.ticket_id)
    finally:
        engine.dispose()
    assert job.status is JobStatus.ON_SITE and ticket.state is TicketState.IN_PROGRESS
