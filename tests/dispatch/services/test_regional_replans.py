"""A report re-plans its technician's region only, and a region's plan never undoes another region's plan
published while it was being solved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dispatch.domain.plan_jobs import IMPROVEMENT_SCOPE, scope_of
from dispatch.domain.plans import Plan
from dispatch.domain.progress import ReportKind
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.persistence.repositories import PlanRepository, TechnicianRepository
from dispatch.services.plan_day import plan_day, publish_outcome, rebase
from dispatch.services.plan_edits import unassign_job
from dispatch.services.report_replans import replan_after_report
from dispatch.services.rest_of_day import load_live_day
from tests.dispatch.services.small_day import DAY, NIGHT_BEFORE, QUICK, publish_small_day


@pytest.fixture
def planned(engine: Engine) -> Iterator[Plan]:
    yield publish_small_day(engine)


def _routes_by_region(session: Session, plan: Plan) -> dict[str, list[str]]:
    """Region -> technicians with visits in ``plan``."""
    routed = [r.technician_id for r in plan.routes if r.job_ids]
    regions: dict[str, list[str]] = {}
    for technician in TechnicianRepository(session).get_many(routed):
        regions.setdefault(technician.region, []).append(technician.id)
    return regions


def _late(session: Session, plan: Plan, technician_id: str) -> str | None:
    """The region of the search a 30-minute delay on the technician's first visit asks for, if any."""
    route = next(r for r in plan.routes if r.technician_id == technician_id)
    visit = next(v for v in route.visits if v.job_id is not None)
    assert visit.job_id is not None
    search = replan_after_report(
        session,
        job_id=visit.job_id,
        kind=ReportKind.RUNNING_LATE,
        late_by_min=30,
        now=visit.start - timedelta(minutes=5),
        time_limit_s=5,
        requested_by=None,
    )
    return None if search is None else search.region or "*"


def test_a_report_asks_for_a_search_of_its_technicians_region(planned: Plan, session: Session) -> None:
    """Delays in two regions ask for two searches, each of its own region; a second delay in a region
    whose search waits asks for none."""
    regions = _routes_by_region(session, planned)
    assert len(regions) >= 2, "the small day spans several regions"
    (first, first_techs), (second, second_techs) = sorted(regions.items())[:2]
    assert _late(session, planned, first_techs[0]) == first
    assert _late(session, planned, second_techs[0]) == second
    assert _late(session, planned, first_techs[-1]) is None
    assert scope_of(first, only_if_better=True) == f"{IMPROVEMENT_SCOPE}:{first}" != scope_of(None)


def test_a_regions_plan_keeps_another_regions_edit_published_while_it_was_solved(
    engine: Engine, planned: Plan
) -> None:
    """Region A is solved from the morning plan; meanwhile a dispatcher takes a job of region B off the
    day. Publishing A's plan keeps B's edit: B's job stays off, A's routes are A's plan."""
    factory = make_session_factory(engine)
    now = NIGHT_BEFORE + timedelta(minutes=30)
    with session_scope(factory) as session:
        regions = _routes_by_region(session, planned)
        (region_a, techs_a), (_, techs_b) = sorted(regions.items())[:2]
        outcome = plan_day(load_live_day(session, DAY, now), region=region_a, params=QUICK, now=now)
    taken_off = next(r for r in planned.routes if r.technician_id == techs_b[0]).job_ids[0]
    with session_scope(factory) as session:
        unassign_job(session, DAY, job_id=taken_off, now=now)
    with session_scope(factory) as session:
        publish_outcome(session, rebase(session, outcome, now), "a search of one region")
    with session_scope(factory) as session:
        published = PlanRepository(session).published(DAY)
    assert published is not None
    assert taken_off not in published.planned_job_ids
    assert taken_off in {u.job_id for u in published.unplanned}
    solved = {r.technician_id: r.job_ids for r in outcome.plan.routes if r.technician_id in techs_a}
    assert {r.technician_id: r.job_ids for r in published.routes if r.technician_id in techs_a} == solved
    assert len(published.planned_job_ids) == len(set(published.planned_job_ids))
