"""The rules of active assignments, kept by the database on both back ends.

A job is on the published plan of a day once, and a technician's published visits never overlap in time
(PostgreSQL: partial unique index and exclusion constraint; SQLite: the same index and triggers).
Superseded plans keep their visits as history, outside both rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch.domain.plans import Plan, PlanCost, PlannedRoute, PlannedVisit, PlanStatus, VisitKind
from dispatch.persistence.dataset_store import save_dataset
from dispatch.persistence.integrity import ClashKind, explain_integrity_error, violated_rule
from dispatch.persistence.models import (
    NO_OVERLAPPING_VISITS,
    ONE_ASSIGNMENT_PER_JOB,
    PlanVisitRow,
    table_of,
)
from dispatch.persistence.repositories import PlanRepository
from tests.dispatch.persistence.sample_data import small_dataset

DAY = date(2026, 12, 7)
NINE = datetime(2026, 12, 7, 15, tzinfo=UTC)


def _visit(sequence: int, job_id: str, start: datetime, minutes: int = 60) -> PlannedVisit:
    return PlannedVisit(
        sequence=sequence,
        kind=VisitKind.JOB,
        arrival=start,
        start=start,
        end=start + timedelta(minutes=minutes),
        travel_s=0,
        distance_m=0,
        job_id=job_id,
    )


def _route(technician_id: str, *visits: PlannedVisit) -> PlannedRoute:
    return PlannedRoute(
        technician_id=technician_id,
        start=visits[0].arrival,
        end=visits[-1].end,
        travel_s=0,
        distance_m=0,
        overtime_s=0,
        visits=visits,
    )


def _plan(plan_id: str, *routes: PlannedRoute, day: date = DAY) -> Plan:
    return Plan(
        id=plan_id,
        day=day,
        region=None,
        created_at=NINE,
        status=PlanStatus.PUBLISHED,
        solver_status="FEASIBLE",
        solve_ms=1,
        cost=PlanCost(0, 0, 0, 0),
        routes=routes,
        unplanned=(),
    )


@pytest.fixture
def stored(session: Session) -> Session:
    save_dataset(session, small_dataset())
    session.flush()
    return session


def _refused(session: Session, plan: Plan, replaces: str | None = None) -> IntegrityError:
    with pytest.raises(IntegrityError) as refused, session.begin_nested():
        PlanRepository(session).publish(plan, replaces=replaces)
        session.flush()
    return refused.value


def test_a_job_on_two_routes_of_the_published_plan_is_refused(stored: Session) -> None:
    """J-1 on T-MKE's and on T-CHI's route of one published plan: refused, a 409-kind clash in words."""
    plan = _plan("P-TWICE", _route("T-MKE", _visit(0, "J-1", NINE)), _route("T-CHI", _visit(0, "J-1", NINE)))
    error = _refused(stored, plan)
    assert violated_rule(error) == ONE_ASSIGNMENT_PER_JOB
    clash = explain_integrity_error(error)
    assert clash.kind is ClashKind.DUPLICATE
    assert "a job has one assignment at a time" in clash.message


def test_two_overlapping_visits_of_a_technician_are_refused_touching_ones_are_not(stored: Session) -> None:
    """T-MKE at J-1 09:00-10:00 and J-2 09:30-10:30: refused; J-2 from 10:00 (touching) is stored."""
    overlapping = _plan(
        "P-OVER", _route("T-MKE", _visit(0, "J-1", NINE), _visit(1, "J-2", NINE + timedelta(minutes=30)))
    )
    error = _refused(stored, overlapping)
    assert violated_rule(error) == NO_OVERLAPPING_VISITS
    assert "two visits at the same time" in explain_integrity_error(error).message

    touching = _plan(
        "P-TOUCH", _route("T-MKE", _visit(0, "J-1", NINE), _visit(1, "J-2", NINE + timedelta(hours=1)))
    )
    assert PlanRepository(stored).publish(touching, replaces=None)
    stored.flush()


def test_overlaps_are_refused_across_days_and_moves_of_a_published_visit(stored: Session) -> None:
    """A next day's plan may not put T-MKE where they already are on this day's, and a published visit
    may not be moved onto another one (the update check)."""
    assert PlanRepository(stored).publish(
        _plan("P-TODAY", _route("T-MKE", _visit(0, "J-1", NINE))), replaces=None
    )
    stored.flush()
    tomorrow = _plan(
        "P-NEXT", _route("T-MKE", _visit(0, "J-2", NINE + timedelta(minutes=59))), day=DAY + timedelta(days=1)
    )
    assert violated_rule(_refused(stored, tomorrow)) == NO_OVERLAPPING_VISITS

    later = _plan(
        "P-LATER", _route("T-MKE", _visit(0, "J-2", NINE + timedelta(hours=2))), day=DAY + timedelta(days=1)
    )
    assert PlanRepository(stored).publish(later, replaces=None)
    stored.flush()
    visits = table_of(PlanVisitRow)
    with pytest.raises(IntegrityError) as moved, stored.begin_nested():
        stored.execute(
            visits.update()
            .where(visits.c.plan_id == "P-LATER")
            .values(
                arrives_at=NINE + timedelta(minutes=30),
                starts_at=NINE + timedelta(minutes=30),
                ends_at=NINE + timedelta(minutes=90),
            )
        )
    assert violated_rule(moved.value) == NO_OVERLAPPING_VISITS


def test_a_superseded_plan_keeps_its_visits_as_history_outside_the_rules(stored: Session) -> None:
    """Replacing a plan by one giving J-1 to another technician at the same time is allowed; the old
    plan's visits stay stored, marked superseded through the cascading key."""
    repository = PlanRepository(stored)
    assert repository.publish(_plan("P-A", _route("T-MKE", _visit(0, "J-1", NINE))), replaces=None)
    stored.flush()
    assert repository.publish(_plan("P-B", _route("T-CHI", _visit(0, "J-1", NINE))), replaces="P-A")
    stored.flush()
    visits = table_of(PlanVisitRow)
    rows = stored.execute(select(visits.c.plan_id, visits.c.plan_status).order_by(visits.c.plan_id)).all()
    assert [tuple(row) for row in rows] == [("P-A", "superseded"), ("P-B", "published")]
    assert repository.published(DAY) is not None
    assert repository.get("P-A") is not None
