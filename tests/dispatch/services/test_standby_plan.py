"""The planner keeps a standby agreement: the designated technician takes only work within reach of the
standby site, the published plan covers the whole period, and a plan sending them away is refused."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from data.demo import DemoConfig, generate_demo
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import SkillRequirement
from dispatch.domain.plans import PlannedRoute, PlannedVisit, VisitKind
from dispatch.domain.standby import StandbyAgreement
from dispatch.persistence.dataset_store import clear_dataset, save_dataset
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.services.plan_day import plan_day, publish_outcome
from dispatch.services.plan_problem import build_problem
from dispatch.services.plan_view import plan_day_view
from dispatch.services.planning import format_plan_summary, plan_and_publish
from dispatch.services.rest_of_day import load_live_day
from dispatch.services.standby import agreement_cover
from dispatch.services.standby_cover import planner_drive_s
from dispatch.services.standby_guard import StandbyBroken, plan_cover
from tests.dispatch.services.small_day import DAY, NIGHT_BEFORE, QUICK

COVER = "TECH-0004"
"""The only technician of the small day with storage at level 5; lives in the central region."""
RESPONSE = timedelta(hours=1)


def _with_standby() -> tuple[Dataset, StandbyAgreement]:
    """The small day with storage-5 standby at the central site nearest the cover's home, 09:00 to
    16:30 Chicago time (14:00 to 21:30 UTC, within their shift)."""
    dataset = generate_demo(DemoConfig(seed=5, day=DAY, scale=0.2))
    cover = next(t for t in dataset.technicians if t.id == COVER)
    site = min(dataset.sites, key=lambda s: planner_drive_s(cover.home, s.location))
    agreement = StandbyAgreement(
        "SB-1",
        site.customer_id,
        site.id,
        datetime(2026, 3, 10, 14, tzinfo=UTC),
        datetime(2026, 3, 10, 21, 30, tzinfo=UTC),
        (SkillRequirement("storage", 5),),
        RESPONSE,
    )
    dataset.standby_agreements.append(agreement)
    return dataset, agreement


def test_the_designated_technician_may_take_only_jobs_within_half_the_response() -> None:
    dataset, agreement = _with_standby()
    sites = {s.id: s for s in dataset.sites}
    cover = next(t for t in dataset.technicians if t.id == COVER)
    standby = sites[agreement.site_id].location
    limit = min(1_800, 3_600 - planner_drive_s(cover.home, standby))
    jobs = {j.id: j for j in dataset.jobs}
    problem = build_problem(dataset, DAY).problem
    far = [j for j in problem.jobs if planner_drive_s(sites[jobs[j.id].site_id].location, standby) > limit]
    near = [j for j in problem.jobs if j not in far and not jobs[j.id].required_parts]
    assert far and all(
        j.allowed_technician_ids is not None and COVER not in j.allowed_technician_ids for j in far
    )
    assert all(j.allowed_technician_ids is None or COVER in j.allowed_technician_ids for j in near)
    dataset.standby_agreements.clear()
    far_ids = {j.id for j in far}
    unbarred = [j for j in build_problem(dataset, DAY).problem.jobs if j.id in far_ids]
    assert any(j.allowed_technician_ids is None for j in unbarred)  # without standby they may go anywhere


@pytest.mark.postgis
def test_the_published_plan_covers_the_period_and_one_sending_the_cover_away_is_refused(
    engine: Engine,
) -> None:
    dataset, agreement = _with_standby()
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        clear_dataset(session)
        save_dataset(session, dataset)
    with session_scope(factory) as session:
        published = plan_and_publish(session, DAY, params=QUICK, now=NIGHT_BEFORE)
    plan = published.plan
    assert f"standby SB-1: covered by {COVER}" in format_plan_summary(published)
    cover = plan_cover(dataset, plan)
    assert cover and not any(s.is_gap for s in cover)
    assert {s.technician_id for s in cover} == {COVER}
    with session_scope(factory) as session:
        assert plan_day_view(session, DAY, now=NIGHT_BEFORE).standby == tuple(cover)  # the board's view
        assert agreement_cover(session, "SB-1").segments == tuple(cover)  # GET /standby-agreements/SB-1/cover

    sites = {s.id: s for s in dataset.sites}
    standby = sites[agreement.site_id].location
    away = max(dataset.jobs, key=lambda j: planner_drive_s(sites[j.site_id].location, standby))
    with session_scope(factory) as session:
        outcome = plan_day(load_live_day(session, DAY, NIGHT_BEFORE), params=QUICK, now=NIGHT_BEFORE)
        routes = [r for r in outcome.plan.routes if r.technician_id != COVER] + [_sent_to(away.id)]
        broken = dataclasses.replace(outcome, plan=dataclasses.replace(outcome.plan, routes=tuple(routes)))
        with pytest.raises(StandbyBroken, match="standby agreement SB-1: nobody with storage level 5"):
            publish_outcome(session, broken)


def _sent_to(job_id: str) -> PlannedRoute:
    """The cover's day spent at one job far away, 10:00 to 15:00 Chicago time."""
    start, end = datetime(2026, 3, 10, 15, tzinfo=UTC), datetime(2026, 3, 10, 20, tzinfo=UTC)
    visit = PlannedVisit(1, VisitKind.JOB, start, start, end, 0, 0, job_id=job_id)
    return PlannedRoute(COVER, start - timedelta(hours=1), end + timedelta(hours=1), 0, 0, 0, (visit,))
