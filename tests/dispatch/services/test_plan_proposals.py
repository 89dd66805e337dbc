"""A re-plan proposed before it is published: stored beside the plan in force, then accepted or discarded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from dispatch.domain.errors import Conflict, RecordNotFound
from dispatch.domain.plan_jobs import PlanJobStatus
from dispatch.domain.plans import Plan, PlanStatus
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.persistence.models import PlanJobRow
from dispatch.persistence.repositories import PlanRepository
from dispatch.persistence.repositories.plan_jobs import PlanJobRepository
from dispatch.services.audit import plan_trail
from dispatch.services.plan_day import StalePlan
from dispatch.services.plan_edits import unassign_job
from dispatch.services.plan_jobs import request_plan, run_plan_job
from dispatch.services.plan_proposals import accept_proposal, based_on, discard_proposal, proposal
from dispatch.services.plan_view import plan_day_view
from tests.dispatch.services.small_day import DAY, NIGHT_BEFORE, publish_small_day


@pytest.fixture
def factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    made = make_session_factory(engine)
    yield made
    with session_scope(made) as session:
        session.execute(delete(PlanJobRow))


@pytest.fixture
def published(engine: Engine) -> Plan:
    return publish_small_day(engine)


def _propose(factory: sessionmaker[Session]) -> Plan:
    """A preview re-plan of the whole day, solved the night before; the proposal it stored."""
    with session_scope(factory) as session:
        job = request_plan(
            session, day=DAY, region=None, time_limit_s=1, requested_by=None, now=NIGHT_BEFORE, preview=True
        )
    assert run_plan_job(factory, job.id, clock=lambda: NIGHT_BEFORE) is PlanJobStatus.SUCCEEDED
    with session_scope(factory) as session:
        done = PlanJobRepository(session).require(job.id)
        assert done.preview and done.plan_id is not None
        return proposal(session, DAY, done.plan_id)


def _published_id(factory: sessionmaker[Session]) -> str | None:
    with session_scope(factory) as session:
        return PlanRepository(session).published_id(DAY)


def test_a_preview_is_stored_as_a_proposal_and_the_plan_in_force_stays(
    factory: sessionmaker[Session], published: Plan
) -> None:
    """Technicians and customers keep the published plan; the proposal names the plan it was made from,
    and its visits, which overlap the published ones of the same technicians, break no published rule."""
    proposed = _propose(factory)
    assert proposed.status is PlanStatus.PROPOSED
    assert _published_id(factory) == published.id
    assert based_on(proposed) == published.id
    published_visits = {(r.technician_id, v.start) for r in published.routes for v in r.visits}
    assert published_visits & {(r.technician_id, v.start) for r in proposed.routes for v in r.visits}
    with session_scope(factory) as session:
        trail = plan_trail(session, DAY)
    assert any(e.action == "proposed" and e.to_value == proposed.id for e in trail)


def test_the_board_view_shows_the_proposal_with_the_figures_of_the_plan_in_force(
    factory: sessionmaker[Session], published: Plan
) -> None:
    proposed = _propose(factory)
    with session_scope(factory) as session:
        shown = plan_day_view(session, DAY, now=NIGHT_BEFORE, proposal_id=proposed.id)
        in_force = plan_day_view(session, DAY, now=NIGHT_BEFORE)
    assert shown.version == published.id and shown.proposal is not None
    assert not shown.proposal.stale and shown.proposal.id == proposed.id
    assert shown.proposal.in_force == in_force.kpis
    routed = {s.job_id for t in shown.technicians if t.route for s in t.route.stops if s.job_id}
    assert routed == set(proposed.planned_job_ids)


def test_accepting_publishes_the_proposal_and_records_it(
    factory: sessionmaker[Session], published: Plan
) -> None:
    proposed = _propose(factory)
    with session_scope(factory) as session:
        accepted = accept_proposal(session, DAY, proposed.id, version=published.id, now=NIGHT_BEFORE)
    assert _published_id(factory) == accepted.id != published.id
    assert {r.technician_id: r.job_ids for r in accepted.routes if r.job_ids} == {
        r.technician_id: r.job_ids for r in proposed.routes if r.job_ids
    }
    assert accepted.changes is not None and accepted.changes.replaces == published.id
    with session_scope(factory) as session:
        assert PlanRepository(session).require(proposed.id).status is PlanStatus.ACCEPTED
        with pytest.raises(Conflict, match="already accepted"):
            proposal(session, DAY, proposed.id)


def test_a_proposal_made_from_a_replaced_plan_is_refused_and_can_still_be_discarded(
    factory: sessionmaker[Session], published: Plan
) -> None:
    """Another dispatcher's edit publishes meanwhile: the proposal no longer says what it would change."""
    proposed = _propose(factory)
    with session_scope(factory) as session:
        edited = unassign_job(
            session, DAY, job_id=published.planned_job_ids[-1], version=None, now=NIGHT_BEFORE
        )
    with session_scope(factory) as session, pytest.raises(StalePlan, match="propose a re-plan again"):
        accept_proposal(session, DAY, proposed.id, version=edited.id, now=NIGHT_BEFORE)
    with session_scope(factory) as session:
        assert plan_day_view(session, DAY, now=NIGHT_BEFORE, proposal_id=proposed.id).proposal.stale  # type: ignore[union-attr]
        discard_proposal(session, DAY, proposed.id, now=NIGHT_BEFORE)
    assert _published_id(factory) == edited.id
    with session_scope(factory) as session:
        assert PlanRepository(session).require(proposed.id).status is PlanStatus.DISCARDED


def test_accepting_with_the_version_of_a_replaced_plan_is_stale(
    factory: sessionmaker[Session], published: Plan
) -> None:
    proposed = _propose(factory)
    with session_scope(factory) as session, pytest.raises(StalePlan):
        accept_proposal(session, DAY, proposed.id, version="an-older-version", now=NIGHT_BEFORE)
    assert _published_id(factory) == published.id


def test_a_proposal_is_looked_up_on_its_own_day_only(factory: sessionmaker[Session], published: Plan) -> None:
    proposed = _propose(factory)
    with session_scope(factory) as session:
        with pytest.raises(RecordNotFound):
            proposal(session, DAY + timedelta(days=1), proposed.id)
        with pytest.raises(RecordNotFound):
            proposal(session, DAY, published.id)
        with pytest.raises(RecordNotFound):
            discard_proposal(session, DAY, "no-such-plan", now=NIGHT_BEFORE)
