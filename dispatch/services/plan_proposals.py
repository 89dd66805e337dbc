"""Re-plans a dispatcher sees before they replace the day's plan: proposed, then accepted or discarded.

A dispatcher asks for the rest of the day to be re-planned as a preview (a plan job with ``preview``).
Its plan is stored beside the published one with what it would change (visits given to another
technician, customers whose window moves); technicians and customers see nothing of it. Accepting it
publishes it timed again on the day as it then stands, so reports that came in meanwhile are kept. That
is allowed only while the plan it was made from is still in force: after another edit or re-plan it no
longer says what it would change, and the dispatcher is asked to re-plan again.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from sqlalchemy.orm import Session

from dispatch.domain.errors import Conflict, RecordNotFound
from dispatch.domain.plans import Plan, PlanStatus
from dispatch.persistence.repositories import PlanRepository
from dispatch.services.audit import PLAN, record
from dispatch.services.plan_changes import changes_between
from dispatch.services.plan_day import (
    PlanOutcome,
    StalePlan,
    hold_plan,
    plan_subject,
    publish_outcome,
    retimed,
)
from dispatch.services.rest_of_day import load_live_day

ACCEPTED_WHY = "a dispatcher accepted the proposed re-plan"


def propose_outcome(session: Session, outcome: PlanOutcome) -> Plan:
    """Store the solved plan as a proposal, with what it would change from the plan in force (caller
    commits); the plan in force stays published."""
    plan = dataclasses.replace(outcome.plan, status=PlanStatus.PROPOSED)
    if outcome.before is not None:
        plan = dataclasses.replace(plan, changes=changes_between(outcome.before, plan))
    PlanRepository(session).add(plan)
    record(
        session,
        PLAN,
        plan_subject(plan),
        "proposed",
        at=plan.created_at,
        from_value=outcome.replaces,
        to_value=plan.id,
        why=_what_it_changes(plan),
        plan_day=plan.day,
    )
    return plan


def proposal(session: Session, day: date, plan_id: str) -> Plan:
    """The proposal ``plan_id`` of ``day``, still waiting for a decision."""
    plan = PlanRepository(session).get(plan_id)
    if plan is None or plan.day != day or plan.status not in _PROPOSALS:
        raise RecordNotFound(f"no proposed re-plan {plan_id} for {day}")
    if plan.status is not PlanStatus.PROPOSED:
        raise Conflict(f"the proposed re-plan {plan_id} was already {plan.status.value}")
    return plan


def based_on(plan: Plan) -> str | None:
    """The version of the published plan a proposal was made from (``None``: the day had none)."""
    return None if plan.changes is None else plan.changes.replaces


def accept_proposal(session: Session, day: date, plan_id: str, *, version: str | None, now: datetime) -> Plan:
    """Publish the proposal, timed again on the day as it stands now (caller commits); ``StalePlan`` if
    the plan in force is no longer ``version`` or the one the proposal was made from, a refusal in words
    if what happened since makes it break a rule. The plan as published."""
    current = hold_plan(session, day, version)
    proposed = proposal(session, day, plan_id)
    if based_on(proposed) != current:
        raise StalePlan(
            f"the plan of {day} changed after this re-plan was proposed (now version {current}), so it no "
            "longer says what it would change; propose a re-plan again",
            current,
        )
    live = load_live_day(session, day, now)
    outcome = retimed(live, proposed, now, what="the proposed re-plan, as the day now stands")
    published = publish_outcome(session, outcome, ACCEPTED_WHY).plan
    PlanRepository(session).move_status(plan_id, PlanStatus.PROPOSED, PlanStatus.ACCEPTED)
    record(session, PLAN, plan_subject(proposed), "accepted", at=now, to_value=published.id, plan_day=day)
    return published


def discard_proposal(session: Session, day: date, plan_id: str, *, now: datetime) -> None:
    """Turn the proposal down (caller commits); the plan in force is untouched."""
    proposed = proposal(session, day, plan_id)
    PlanRepository(session).move_status(plan_id, PlanStatus.PROPOSED, PlanStatus.DISCARDED)
    record(session, PLAN, plan_subject(proposed), "discarded", at=now, from_value=plan_id, plan_day=day)


_PROPOSALS = frozenset({PlanStatus.PROPOSED, PlanStatus.ACCEPTED, PlanStatus.DISCARDED})


def _what_it_changes(plan: Plan) -> str:
    why = "a dispatcher asked to see a re-plan before it is published"
    changes = plan.changes
    if changes is None:
        return why
    return (
        f"{why}: {len(changes.reassigned)} visits to another technician, "
        f"{len(changes.windows_moved)} windows moved"
    )
