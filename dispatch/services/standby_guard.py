"""No plan is published that breaks a standby guarantee it could have kept.

Before a day's plan is published, the standby agreements with some of their period in its horizon are
checked against its routes. A gap where a skilled technician is on duty near the site but the plan sends
them too far away is the plan's doing: the plan is refused (``StandbyBroken``) unless the plan it
replaces already had that gap (what has happened cannot be undone by re-planning). A gap where nobody
skilled is on duty within reach is reported with the plan, not refused: no plan can make a duty.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

from dispatch.domain.dataset import Dataset
from dispatch.domain.errors import DomainError
from dispatch.domain.plans import Plan
from dispatch.domain.standby import StandbyAgreement, StandbyCoverSegment
from dispatch.services.plan_problem import HORIZON
from dispatch.services.standby_cover import STEP, CoverCheck


class StandbyBroken(DomainError):
    """The plan would break a standby guarantee that a technician on duty could have kept."""


def day_agreements(dataset: Dataset, plan: Plan) -> list[StandbyAgreement]:
    """The agreements with some of their period in the plan's horizon, clipped to it."""
    origin = datetime.combine(plan.day, time(0), UTC)
    return [
        _clipped(a, origin, origin + HORIZON)
        for a in dataset.standby_agreements
        if a.overlaps(origin, origin + HORIZON)
    ]


def _clipped(agreement: StandbyAgreement, start: datetime, end: datetime) -> StandbyAgreement:
    return replace(agreement, starts_at=max(agreement.starts_at, start), ends_at=min(agreement.ends_at, end))


def plan_cover(dataset: Dataset, plan: Plan) -> list[StandbyCoverSegment]:
    """Who covers which part of each agreement in the plan's horizon, and the gaps, in order."""
    check = CoverCheck(dataset, plan.routes)
    return [s for a in day_agreements(dataset, plan) for s in check.segments(a)]


def check_standby(dataset: Dataset, plan: Plan, before: Plan | None) -> list[StandbyCoverSegment]:
    """The plan's cover; ``StandbyBroken`` naming each agreement, part of its period and why, when the
    plan causes a gap that ``before`` (the plan it replaces) did not have."""
    if not dataset.standby_agreements:
        return []
    cover = plan_cover(dataset, plan)
    caused = [s for s in cover if s.is_gap and s.plan_caused]
    if caused and before is not None:
        known = {
            (s.agreement_id, at) for s in plan_cover(dataset, before) if s.plan_caused for at in _instants(s)
        }
        caused = [s for s in caused if any((s.agreement_id, at) not in known for at in _instants(s))]
    if caused:
        told = "; ".join(f"standby agreement {s.agreement_id}: {s.reason}" for s in caused[:3])
        raise StandbyBroken(f"the plan for {plan.day} would break a standby guarantee: {told}")
    return cover


def _instants(segment: StandbyCoverSegment) -> list[datetime]:
    found, at = [], segment.start
    while at < segment.end:
        found.append(at)
        at += STEP
    return found
