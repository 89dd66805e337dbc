"""The job sheet cache: reused while nothing moved, assembled again when a plan, a report or a status does.

Runs on both back ends over the small published field day; each test works in its own transaction and
rolls it back, so what one test reports or publishes is gone before the next.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from dispatch.domain.jobs import JobStatus
from dispatch.domain.plans import PlanStatus
from dispatch.domain.progress import ReportKind
from dispatch.persistence.db import make_engine, make_session_factory
from dispatch.persistence.repositories import PlanRepository
from dispatch.persistence.repositories.accounts import AccountRepository
from dispatch.persistence.repositories.jobs import set_job_statuses
from dispatch.persistence.repositories.published_routes import published_route, sheet_stamp
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL
from dispatch.services.job_sheet import job_sheet
from dispatch.services.progress import ReportRequest, report_progress
from dispatch.services.sheet_cache import SheetCache
from dispatch.services.tracking import create_tracking_link, tracking_view
from tests.api.field_day import DAY, local, plan, seed_field_day

TECHNICIAN = "T-MKE"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def seeded_url(database_url: str) -> str:
    seed_field_day(database_url)
    return database_url


@pytest.fixture
def session(seeded_url: str) -> Iterator[Session]:
    """A session whose changes are rolled back after the test."""
    engine = make_engine(seeded_url)
    session = make_session_factory(engine)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()
        engine.dispose()


def test_a_second_lookup_reuses_the_assembled_sheet(session: Session) -> None:
    """While nothing changed, the same sheet object comes back and counts as a hit."""
    cache = SheetCache()
    first = cache.lookup(session, TECHNICIAN, DAY)
    second = cache.lookup(session, TECHNICIAN, DAY)
    assert first is not None and second is not None and first.sheet is not None
    assert second.sheet is first.sheet
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_cached_sheet_equals_a_freshly_assembled_one(session: Session) -> None:
    """The cache returns exactly what the sheet service assembles, with the technician's name and zone."""
    found = SheetCache().lookup(session, TECHNICIAN, DAY)
    assert found is not None
    assert found.sheet == job_sheet(session, TECHNICIAN, DAY)
    assert found.technician.id == TECHNICIAN
    assert found.technician.timezone == "America/Chicago"


def test_a_report_makes_a_new_sheet_with_the_moved_estimate(session: Session) -> None:
    """A running-late report changes the stamp; the next lookup shows the later estimated start."""
    cache = SheetCache()
    before = cache.lookup(session, TECHNICIAN, DAY)
    assert before is not None and before.sheet is not None
    set_job_statuses(session, {"J-F2": JobStatus.PLANNED})
    report_progress(
        session,
        technician_id=TECHNICIAN,
        request=ReportRequest("cache-late-1", "J-F2", ReportKind.RUNNING_LATE, late_by_min=40),
        now=local(11, 50),
    )
    after = cache.lookup(session, TECHNICIAN, DAY)
    assert after is not None and after.sheet is not None and after.sheet is not before.sheet
    stop = next(s for s in after.sheet.stops if s.job_id == "J-F2")
    old = next(s for s in before.sheet.stops if s.job_id == "J-F2")
    assert stop.estimated_start - old.estimated_start == timedelta(minutes=40)


def test_a_status_change_outside_reports_makes_a_new_sheet(session: Session) -> None:
    """A job cancelled by a dispatcher shows as cancelled at the next lookup."""
    cache = SheetCache()
    cache.lookup(session, TECHNICIAN, DAY)
    set_job_statuses(session, {"J-F5": JobStatus.CANCELLED})
    found = cache.lookup(session, TECHNICIAN, DAY)
    assert found is not None and found.sheet is not None
    assert next(s for s in found.sheet.stops if s.job_id == "J-F5").status is JobStatus.CANCELLED
    assert cache.misses == 2


def test_publishing_a_new_plan_makes_a_new_sheet(session: Session) -> None:
    """A plan published for the day replaces the cached sheet with the new plan's route."""
    cache = SheetCache()
    cache.lookup(session, TECHNICIAN, DAY)
    replacement = dataclasses.replace(
        plan(),
        id="PLAN-FIELD-2",
        created_at=datetime(2026, 11, 26, 7, tzinfo=UTC),
        status=PlanStatus.PUBLISHED,
    )
    assert PlanRepository(session).publish(replacement, replaces=plan().id)
    found = cache.lookup(session, TECHNICIAN, DAY)
    assert found is not None and found.sheet is not None
    assert found.sheet.plan_id == "PLAN-FIELD-2"


def test_an_entry_older_than_the_maximum_age_is_assembled_again(session: Session) -> None:
    """Past ``max_age_s`` the sheet is rebuilt even with an unchanged stamp (edits the stamp cannot see)."""
    clock = Clock()
    cache = SheetCache(max_age_s=60, clock=clock)
    first = cache.lookup(session, TECHNICIAN, DAY)
    clock.now = 59
    assert cache.lookup(session, TECHNICIAN, DAY) == first
    clock.now = 61
    cache.lookup(session, TECHNICIAN, DAY)
    assert (cache.hits, cache.misses) == (1, 2)


def test_the_cache_keeps_at_most_its_maximum_of_entries(session: Session) -> None:
    """The least recently used entry goes first once the cache is full."""
    cache = SheetCache(max_entries=1)
    cache.lookup(session, TECHNICIAN, DAY)
    cache.lookup(session, "T-DET", DAY)
    cache.lookup(session, TECHNICIAN, DAY)
    assert (cache.hits, cache.misses) == (0, 3)


def test_an_unknown_technician_has_no_sheet(session: Session) -> None:
    """An id that names no technician gives ``None`` (the routes answer 404)."""
    assert SheetCache().lookup(session, "T-NOBODY", DAY) is None
    assert sheet_stamp(session, "T-NOBODY", DAY) is None


def test_a_day_without_a_plan_has_a_lookup_but_no_sheet(session: Session) -> None:
    """The technician is known, but no published plan gives them work that day."""
    found = SheetCache().lookup(session, TECHNICIAN, DAY + timedelta(days=1))
    assert found is not None and found.sheet is None


def test_the_narrow_route_read_equals_the_route_in_the_whole_plan(session: Session) -> None:
    """Reading one technician's route gives the same route as loading the whole published plan."""
    whole = PlanRepository(session).published(DAY)
    assert whole is not None
    expected = next(r for r in whole.routes if r.technician_id == TECHNICIAN)
    assert published_route(session, TECHNICIAN, DAY) == (whole.id, expected)


def test_tracking_through_the_cached_sheet_shows_the_same_window(session: Session) -> None:
    """The tracking view reads the same window and name from the cached sheet as from the route."""
    dispatcher = AccountRepository(session).by_email(DEMO_DISPATCHER_EMAIL)
    assert dispatcher is not None
    token = create_tracking_link(session, ticket_id="TK-F4", created_by=dispatcher.id, now=local(6, 0))
    now = local(8, 0)
    direct = tracking_view(session, token, now)
    cached = tracking_view(session, token, now, sheets=SheetCache())
    assert direct is not None and direct.window_from is not None
    assert cached == direct
