"""Planning that keeps what dispatchers fixed: locked days exactly as published, pinned jobs and starts."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from functools import cache

import optimizer as opt
from data.demo import DemoConfig, generate_demo
from dispatch.domain.dataset import Dataset
from dispatch.domain.plans import Plan
from dispatch.services.plan_day import PlanOutcome, plan_day
from dispatch.services.rest_of_day import KeptDay, LiveDay

DAY = date(2026, 3, 10)
QUICK = opt.SolveParams(time_limit_s=2, deterministic=True, solution_limit=50)
NIGHT_BEFORE = datetime(2026, 3, 9, 20, tzinfo=UTC)


@cache
def _day() -> Dataset:
    return generate_demo(DemoConfig(seed=5, day=DAY, scale=0.2))


def _plan(dataset: Dataset, kept: KeptDay | None = None, published: Plan | None = None) -> PlanOutcome:
    """The day planned before it starts, keeping ``kept`` (and ``published`` as the plan it replaces)."""
    live = LiveDay.unstarted(dataset, DAY, NIGHT_BEFORE, kept)
    if published is not None:
        live = dataclasses.replace(live, state=dataclasses.replace(live.state, published=published))
    return plan_day(live, params=QUICK)


@cache
def _first_plan() -> Plan:
    return _plan(_day()).plan


def _orders(plan: Plan) -> dict[str, list[str]]:
    return {r.technician_id: [v.job_id or f"depot:{v.depot_id}" for v in r.visits] for r in plan.routes}


def test_a_locked_route_comes_back_exactly_as_published() -> None:
    """The locked technician's visits, times included, are those of the plan they were locked on."""
    first = _first_plan()
    route = next(r for r in first.routes if r.job_ids)
    kept = KeptDay(locked=frozenset({route.technician_id}))
    again = _plan(_day(), kept, published=first).plan
    assert next(r for r in again.routes if r.technician_id == route.technician_id) == route
    assert not set(route.job_ids) & {u.job_id for u in again.unplanned}


def test_a_job_pinned_to_a_locked_empty_day_is_left_out_with_the_reason() -> None:
    """Nobody else may take a job pinned to a technician whose (empty) day is locked: it is unassigned."""
    first = _first_plan()
    job_id = first.planned_job_ids[0]
    holder = next(r.technician_id for r in first.routes if job_id in r.job_ids)
    day = _day()
    pinned = dataclasses.replace(
        day,
        jobs=[dataclasses.replace(j, pinned_technician_id=holder) if j.id == job_id else j for j in day.jobs],
    )
    plan = _plan(pinned, KeptDay(locked=frozenset({holder}))).plan
    left = next(u for u in plan.unplanned if u.job_id == job_id)
    assert left.reason == "pinned_technician_unable" and "locked" in left.detail
    assert all(r.technician_id != holder for r in plan.routes)


def test_a_pinned_start_is_the_minute_the_visit_starts() -> None:
    """A job pinned to its technician at the start it was planned for starts within that minute again."""
    first = _first_plan()
    route = next(r for r in first.routes if r.job_ids)
    visit = next(v for v in route.visits if v.job_id is not None)
    assert visit.job_id is not None
    day = _day()
    pinned = dataclasses.replace(
        day,
        jobs=[
            dataclasses.replace(j, pinned_technician_id=route.technician_id) if j.id == visit.job_id else j
            for j in day.jobs
        ],
    )
    plan = _plan(pinned, KeptDay(pinned_starts={visit.job_id: visit.start})).plan
    again = next(v for r in plan.routes for v in r.visits if v.job_id == visit.job_id)
    assert visit.start <= again.start <= visit.start + timedelta(minutes=1)
    assert visit.job_id in next(r for r in plan.routes if r.technician_id == route.technician_id).job_ids
