"""A whole data set saved with save_dataset comes back equal from load_dataset; one day's part of it
from load_day_dataset."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from dispatch.domain.plans import (
    Plan,
    PlanCost,
    PlannedRoute,
    PlannedVisit,
    PlanStatus,
    UnplannedJob,
    VisitKind,
)
from dispatch.persistence.dataset_store import load_dataset, load_day_dataset, save_dataset
from dispatch.persistence.repositories import PlanRepository
from tests.dispatch.persistence.sample_data import small_dataset


def test_dataset_round_trips(session: Session) -> None:
    """Every entity list comes back equal (ordered by id), with the same counts."""
    data = small_dataset()
    save_dataset(session, data)
    loaded = load_dataset(session)
    assert loaded.counts() == data.counts()
    assert loaded.skills == sorted(data.skills, key=lambda s: s.code)
    assert loaded.parts == sorted(data.parts, key=lambda p: p.sku)
    for name in ("customers", "sites", "contracts", "depots", "technicians", "tickets", "jobs"):
        assert getattr(loaded, name) == sorted(getattr(data, name), key=lambda item: item.id), name


def test_empty_database_loads_an_empty_dataset(session: Session) -> None:
    """load_dataset on a freshly migrated database returns no entities at all."""
    assert sum(load_dataset(session).counts().values()) == 0


def _plan_of(route_job: str, left_out: str) -> Plan:
    start = datetime(2026, 11, 26, 15, tzinfo=UTC)
    visit = PlannedVisit(0, VisitKind.JOB, start, start, start + timedelta(hours=1), 0, 0, job_id=route_job)
    return Plan(
        id="P-DAY",
        day=date(2026, 11, 26),
        region=None,
        created_at=start,
        status=PlanStatus.PUBLISHED,
        solver_status="FEASIBLE",
        solve_ms=1,
        cost=PlanCost(0, 0, 0, 0),
        routes=(PlannedRoute("T-MKE", start, visit.end, 0, 0, 0, visits=(visit,)),),
        unplanned=(UnplannedJob(left_out, "capacity", "no room"),),
    )


def test_a_day_loads_the_jobs_its_plan_names_with_their_tickets_and_sites(session: Session) -> None:
    """The plan's jobs (routed and left out) and those asked for, their tickets and sites; the whole
    workforce, depots, contracts and catalogue; nothing of jobs the plan does not name."""
    data = small_dataset()
    save_dataset(session, data)
    PlanRepository(session).add(_plan_of("J-1", "J-2"))
    duties = (datetime(2026, 11, 26, tzinfo=UTC), datetime(2026, 11, 27, 12, tzinfo=UTC))
    whole = load_dataset(session)
    day = load_day_dataset(session, "P-DAY", (), duties)
    assert [j.id for j in day.jobs] == ["J-1", "J-2"]
    assert day.jobs == whole.jobs
    assert day.tickets == [t for t in whole.tickets if t.id in {"TK-1", "TK-3"}]
    assert day.sites == [s for s in whole.sites if s.id in {"S-CHI", "S-DEN"}]
    for name in ("skills", "parts", "contracts", "depots", "technicians"):
        assert getattr(day, name) == getattr(whole, name), name
    assert day.customers == [] and day.procedures == []
    only_named = load_day_dataset(session, None, ("J-2",), duties)
    assert [j.id for j in only_named.jobs] == ["J-2"]
    assert [t.id for t in only_named.tickets] == ["TK-3"] and [s.id for s in only_named.sites] == ["S-DEN"]
    assert load_day_dataset(session, None, (), duties).jobs == []
