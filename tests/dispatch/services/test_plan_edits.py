"""Planning that keeps what dispatchers fixed: locked days exactly as published, pinned jobs and starts."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from functools import cache

import optimizer as opt
from data.demo import DemoConfig, generate_demo
from dispatch.domain.dataset import Dataset
from dispatch.domain.plans import Plan
from dispatch.services.plan_edits import KeptDay, plan_keeping

DAY = date(2026, 3, 10)
QUICK = opt.SolveParams(time_limit_s=2, deterministic=True, solution_limit=50)


@cache
def _day() -> Dataset:
    return generate_demo(DemoConfig(seed=5, day=DAY, scale=0.2))


@cache
def _first_plan() -> Plan:
    return plan_keeping(_day(), DAY, params=QUICK).plan


def _orders(plan: Plan) -> dict[str, list[str]]:
    return {r.technician_id: [v.job_id or f"depot:{v.depot_id}" for v in r.visits] for r in plan.routes}


def test_a_locked_route_comes_back_exactly_as_published() -> None:
    """The locked technician's visits, times included, are those of the plan they were locked on."""
    first = _first_plan()
    route = next(r for r in first.routes if r.job_ids)
    kept = KeptDay(locked_orders={route.technician_id: _orders(first)[route.technician_id]}, pinned_starts={})
    again = plan_keeping(_day(), DAY, params=QUICK, kept=kept).plan
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
    plan = plan_keeping(pinned, DAY, params=QUICK, kept=KeptDay({holder: []}, {})).plan
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
    plan = plan_keeping(pinned, DAY, params=QUICK, kept=KeptDay({}, {visit.job_id: visit.start})).plan
    again = next(v for r in plan.routes for v in r.visits if v.job_id == visit.job_id)
    assert visit.start <= again.start <= visit.start + timedelta(minutes=1)
    assert visit.job_id in next(r for r in plan.routes if r.technician_id == route.technician_id).job_ids
