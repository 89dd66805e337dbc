"""Standby agreements as dispatchers handle them: create, list, and see who covers each on the plans.

A new agreement is checked in the site's local time (a period ending before it begins, a site of another
customer) so the refusal reads as the dispatcher wrote it. Its cover is computed on the published plans
of every day its period touches; where nobody covers it, the gap says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dispatch.domain.customers import Site
from dispatch.domain.errors import Conflict, DomainError, InvalidReference, RecordNotFound
from dispatch.domain.jobs import SkillRequirement
from dispatch.domain.plans import PlannedRoute
from dispatch.domain.standby import LONGEST_PERIOD, StandbyAgreement, StandbyCoverSegment
from dispatch.persistence.dataset_store import load_dataset
from dispatch.persistence.repositories import PlanRepository, SiteRepository, SkillRepository
from dispatch.persistence.repositories.standby import StandbyAgreementRepository
from dispatch.services.audit import record_change
from dispatch.services.standby_cover import CoverCheck

TABLE = "standby_agreements"


@dataclass(frozen=True, slots=True)
class StandbyCover:
    """An agreement, its site (for local times) and who covers which part of its period."""

    agreement: StandbyAgreement
    site: Site
    segments: tuple[StandbyCoverSegment, ...]

    @property
    def gaps(self) -> tuple[StandbyCoverSegment, ...]:
        return tuple(s for s in self.segments if s.is_gap)


def local(instant: datetime, site: Site) -> datetime:
    """The instant in the site's time zone."""
    return instant.astimezone(ZoneInfo(site.timezone))


def _said(instant: datetime, site: Site) -> str:
    return f"{local(instant, site):%a %Y-%m-%d %H:%M}"


@dataclass(frozen=True, slots=True)
class AgreementDraft:
    """An agreement as a dispatcher asks for it, before it is checked against its site."""

    id: str
    customer_id: str
    site_id: str
    starts_at: datetime
    ends_at: datetime
    required_skills: tuple[SkillRequirement, ...]
    response: timedelta


def create_agreement(session: Session, draft: AgreementDraft) -> StandbyAgreement:
    """Store a new agreement (caller commits); refusals speak of the site's local time."""
    site = SiteRepository(session).get(draft.site_id)
    if site is None:
        raise InvalidReference(f"site {draft.site_id} is not stored")
    if site.customer_id != draft.customer_id:
        raise InvalidReference(
            f"site {site.id} ({site.name}) belongs to customer {site.customer_id}, not {draft.customer_id}"
        )
    unknown = [r.skill for r in draft.required_skills if SkillRepository(session).get(r.skill) is None]
    if unknown:
        raise InvalidReference(f"no skill {', '.join(unknown)} in the catalogue")
    if draft.ends_at <= draft.starts_at:
        raise DomainError(
            f"the standby period ends {_said(draft.ends_at, site)}, not after it starts "
            f"{_said(draft.starts_at, site)} (local time at {site.name})"
        )
    if draft.ends_at - draft.starts_at > LONGEST_PERIOD:
        raise DomainError(
            f"the standby period from {_said(draft.starts_at, site)} to {_said(draft.ends_at, site)} "
            f"(local time at {site.name}) is longer than {LONGEST_PERIOD.days} days: agree it month by month"
        )
    agreement = StandbyAgreement(
        draft.id,
        draft.customer_id,
        draft.site_id,
        draft.starts_at,
        draft.ends_at,
        draft.required_skills,
        draft.response,
    )
    repository = StandbyAgreementRepository(session)
    if repository.get(agreement.id) is not None:
        raise Conflict(f"standby agreement {agreement.id} already exists")
    repository.add_many([agreement])
    record_change(session, TABLE, None, agreement, agreement.id)
    return agreement


def list_agreements(session: Session) -> list[StandbyAgreement]:
    """Every agreement, by start then id."""
    return StandbyAgreementRepository(session).all()


def agreement_cover(session: Session, agreement_id: str) -> StandbyCover:
    """Who covers which part of the agreement on the published plans of the days its period touches."""
    agreement = StandbyAgreementRepository(session).get(agreement_id)
    if agreement is None:
        raise RecordNotFound(f"standby agreement {agreement_id} is not stored")
    dataset = load_dataset(session)
    site = next(s for s in dataset.sites if s.id == agreement.site_id)
    check = CoverCheck(dataset, _routes_over(session, agreement))
    return StandbyCover(agreement, site, check.segments(agreement))


def _routes_over(session: Session, agreement: StandbyAgreement) -> list[PlannedRoute]:
    """The routes of the published plans of every day the period touches (a day's plan runs into the
    next UTC day, so the day before the start counts too)."""
    plans = PlanRepository(session)
    day = agreement.starts_at.astimezone(ZoneInfo("UTC")).date() - timedelta(days=1)
    last = agreement.ends_at.astimezone(ZoneInfo("UTC")).date()
    routes: list[PlannedRoute] = []
    while day <= last:
        plan = plans.published(day)
        if plan is not None:
            routes.extend(plan.routes)
        day += timedelta(days=1)
    return routes
