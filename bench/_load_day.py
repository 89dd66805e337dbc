"""The load benchmark's day: a fresh PostGIS database with the demo day loaded, planned and published.

Also the demo logins and one tracking link per planned ticket, so the load reaches many technicians'
sheets and many customers' links rather than one cached row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import optimizer as opt
from dispatch.config import Settings
from dispatch.domain.accounts import Role
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.repositories import JobRepository
from dispatch.persistence.repositories.accounts import AccountRepository
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL, ensure_demo_accounts
from dispatch.services.demo_data import load_demo
from dispatch.services.planning import plan_and_publish
from dispatch.services.tracking import create_tracking_link

SAFE_NAME_MARK = "bench"
"""The benchmark drops and recreates its database, so it refuses any name without this mark."""


@dataclass(frozen=True, slots=True)
class BenchDay:
    day: date
    technician_logins: tuple[tuple[str, str, str], ...]
    """``(email, password, technician id)`` of each technician with visits in the published plan."""
    tracking_tokens: tuple[str, ...]
    planned_jobs: int


def recreate_database(url: str) -> None:
    """Drop and create the database named in ``url`` with the PostGIS extension."""
    parsed = make_url(url)
    name = parsed.database
    if not name or SAFE_NAME_MARK not in name:
        raise SystemExit(f"refusing to drop and recreate {name!r}: its name must contain {SAFE_NAME_MARK!r}")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    engine = create_engine(parsed)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    finally:
        engine.dispose()


def prepare_day(url: str, *, day: date, seed: int, plan_time_limit_s: float) -> BenchDay:
    """Migrate, load the demo day, plan and publish it, add logins and tracking links; commit."""
    load_demo(Settings(database_url=url), seed=seed, day=day, scale=1.0, replace=True)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            outcome = plan_and_publish(
                session, day, params=opt.SolveParams(time_limit_s=plan_time_limit_s, workers=1)
            )
        with session_scope(make_session_factory(engine)) as session:
            logins = ensure_demo_accounts(session)
            accounts = AccountRepository(session)
            dispatcher = accounts.by_email(DEMO_DISPATCHER_EMAIL)
            assert dispatcher is not None
            routed = {route.technician_id for route in outcome.plan.routes if route.visits}
            technician_of = {
                account.email: account.technician_id
                for account in accounts.list(role=Role.TECHNICIAN)
                if account.technician_id in routed
            }
            technician_logins = tuple(
                (email, password, technician_of[email])
                for email, password, _ in logins
                if email in technician_of
            )
            planned = set(outcome.plan.planned_job_ids)
            tickets = sorted({job.ticket_id for job in JobRepository(session).get_many(sorted(planned))})
            now = datetime.now(UTC)
            tokens = tuple(
                create_tracking_link(session, ticket_id=ticket, created_by=dispatcher.id, now=now)
                for ticket in tickets
            )
    finally:
        engine.dispose()
    return BenchDay(
        day=day, technician_logins=technician_logins, tracking_tokens=tokens, planned_jobs=len(planned)
    )
