"""Planning a stored day: the plan is validated, published, stored whole, and supersedes the last one."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

import optimizer as opt
from data.demo import DemoConfig, generate_demo
from dispatch.domain.jobs import JobStatus
from dispatch.domain.plans import PlanStatus
from dispatch.persistence.dataset_store import clear_dataset, load_dataset, save_dataset
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.persistence.repositories import JobRepository, PlanRepository
from dispatch.services import plan_day as pipeline
from dispatch.services.plan_day import PlanRejected, plan_day
from dispatch.services.planning import format_plan_summary, plan_and_publish
from dispatch.services.rest_of_day import LiveDay

DAY = date(2026, 3, 10)
QUICK = opt.SolveParams(time_limit_s=1, deterministic=True, solution_limit=100)


@pytest.fixture(scope="module")
def loaded(engine: Engine) -> Iterator[Engine]:
    """A small demo day stored in the test database (both back ends)."""
    with session_scope(make_session_factory(engine)) as session:
        clear_dataset(session)
        save_dataset(session, generate_demo(DemoConfig(seed=5, day=DAY, scale=0.2)))
    yield engine


def test_a_published_plan_is_stored_whole_and_marks_its_jobs_planned(loaded: Engine) -> None:
    """The stored plan reads back equal; assigned jobs become PLANNED, the rest stay UNSCHEDULED."""
    factory = make_session_factory(loaded)
    with session_scope(factory) as session:
        outcome = plan_and_publish(session, DAY, params=QUICK)
    with session_scope(factory) as session:
        stored = PlanRepository(session).published(DAY)
        jobs = {j.id: j for j in JobRepository(session).all()}
    assert stored == outcome.plan
    assert stored.planned_job_ids, "a small demo day has plannable jobs"
    for job_id in stored.planned_job_ids:
        assert jobs[job_id].status is JobStatus.PLANNED
    for unplanned in stored.unplanned:
        assert jobs[unplanned.job_id].status is JobStatus.UNSCHEDULED
    every = set(stored.planned_job_ids) | {u.job_id for u in stored.unplanned}
    assert len(every) == len(stored.planned_job_ids) + len(stored.unplanned)
    assert "validator: no violations" in format_plan_summary(outcome)


def test_planning_again_supersedes_the_previous_plan(loaded: Engine) -> None:
    """Only one plan per day and region is published; the older one is kept as superseded."""
    factory = make_session_factory(loaded)
    with session_scope(factory) as session:
        first = plan_and_publish(session, DAY, params=QUICK).plan
    with session_scope(factory) as session:
        second = plan_and_publish(session, DAY, params=QUICK).plan
    with session_scope(factory) as session:
        plans = PlanRepository(session)
        assert plans.published(DAY) == second
        old = plans.require(first.id)
    assert old.status is PlanStatus.SUPERSEDED
    assert old.routes == first.routes


def test_a_plan_that_fails_validation_is_refused_and_nothing_changes(
    loaded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A solver answer that serves a job twice is refused; the published plan stays the same."""
    factory = make_session_factory(loaded)
    with session_scope(factory) as session:
        before = plan_and_publish(session, DAY, params=QUICK).plan
    real_solve = pipeline.solve

    def serve_a_job_twice(problem: opt.Problem, params: opt.SolveParams, **hooks: object) -> opt.Solution:
        solution = real_solve(problem, params)
        route = next(r for r in solution.routes if r.visits)
        doubled = dataclasses.replace(route, visits=(*route.visits, route.visits[0]))
        return dataclasses.replace(
            solution, routes=tuple(doubled if r is route else r for r in solution.routes)
        )

    monkeypatch.setattr(pipeline, "solve", serve_a_job_twice)
    with pytest.raises(PlanRejected, match="would break"), session_scope(factory) as session:
        plan_and_publish(session, DAY, params=QUICK)
    with session_scope(factory) as session:
        assert PlanRepository(session).published(DAY) == before


def test_a_regional_plan_only_touches_its_region() -> None:
    """Planning one region plans only that region's technicians and jobs."""
    dataset = generate_demo(DemoConfig(seed=5, day=DAY, scale=0.2))
    region = dataset.technicians[0].region
    outcome = plan_day(
        LiveDay.unstarted(dataset, DAY, datetime(2026, 1, 1, tzinfo=UTC)), region=region, params=QUICK
    )
    techs = {t.id: t.region for t in dataset.technicians}
    assert all(techs[r.technician_id] == region for r in outcome.plan.routes)
    assert outcome.plan.region == region


def test_a_regional_re_plan_is_part_of_the_days_plan_and_promises_no_depot_stock_twice(
    loaded: Engine,
) -> None:
    """Re-planning one region keeps every other region's routes as published, the day keeps one plan,
    and no depot gives out more of a part than it holds."""
    factory = make_session_factory(loaded)
    with session_scope(factory) as session:
        whole = plan_and_publish(session, DAY, params=QUICK).plan
        data = load_dataset(session)
    regions = {t.id: t.region for t in data.technicians}
    region = regions[whole.routes[0].technician_id]
    with session_scope(factory) as session:
        part = plan_and_publish(session, DAY, region=region, params=QUICK).plan
    with session_scope(factory) as session:
        assert PlanRepository(session).published_id(DAY) == part.id
    outside = {r.technician_id: r for r in whole.routes if regions[r.technician_id] != region}
    assert {r.technician_id: r for r in part.routes if regions[r.technician_id] != region} == outside
    picked: dict[tuple[str, str], int] = {}
    for route in part.routes:
        for visit in route.visits:
            for sku, quantity in visit.parts_picked.items():
                key = (str(visit.depot_id), sku)
                picked[key] = picked.get(key, 0) + quantity
    stock = {(d.id, sku): q for d in data.depots for sku, q in d.stock.items()}
    assert all(quantity <= stock.get(key, 0) for key, quantity in picked.items()), picked


def test_each_job_left_out_names_the_nearest_technicians_and_what_each_lacks(loaded: Engine) -> None:
    """A dispatcher reads who could take a job left out and what stands in the way, once per reason."""
    with session_scope(make_session_factory(loaded)) as session:
        plan = plan_and_publish(session, DAY, params=QUICK).plan
        again = plan_and_publish(session, DAY, params=QUICK).plan
    assert plan.unplanned
    phrases = ("lacks ", "cannot get ", "is not working on ", "has the skills and parts, but ")
    for left in (*plan.unplanned, *again.unplanned):
        assert left.detail.count("Nearest: ") == 1, left.detail
        named = left.detail.split("Nearest: ")[1].split("; ")
        assert len(named) == 3 and all(n.startswith("TECH-") and any(p in n for p in phrases) for n in named)
