"""Reading the day's published plan, whole or one region's part of it, with the jobs it places."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from dispatch.domain.errors import RecordNotFound
from dispatch.domain.jobs import Job
from dispatch.domain.plans import Plan
from dispatch.persistence.repositories import (
    JobRepository,
    PlanRepository,
    SiteRepository,
    TechnicianRepository,
)


@dataclass(frozen=True, slots=True)
class PlanView:
    """A published plan (or a region's part of it) and the jobs it names, by id."""

    plan: Plan
    jobs: dict[str, Job]

    @property
    def version(self) -> str:
        """What an edit must name to change this plan: the published plan's id."""
        return self.plan.id


def published_plan(session: Session, day: date, region: str | None = None) -> PlanView:
    """The day's published plan; with ``region``, only the routes of its technicians and the jobs of its
    sites left out. ``RecordNotFound`` when the day has no published plan."""
    plan = PlanRepository(session).published(day)
    if plan is None:
        raise RecordNotFound(f"no published plan for {day}; plan the day first")
    return view_of(session, plan, region)


def view_of(session: Session, plan: Plan, region: str | None = None) -> PlanView:
    """``plan`` (or its part in ``region``) with the jobs it names."""
    if region is not None:
        plan = _part_in(session, plan, region)
    named = [*plan.planned_job_ids, *(u.job_id for u in plan.unplanned)]
    jobs = {job.id: job for job in JobRepository(session).get_many(named)}
    return PlanView(plan, jobs)


def _part_in(session: Session, plan: Plan, region: str) -> Plan:
    known = TechnicianRepository(session).regions()
    if region not in known:
        raise RecordNotFound(f"no region {region!r}; the regions are {', '.join(known) or 'none yet'}")
    technicians = TechnicianRepository(session).get_many([r.technician_id for r in plan.routes])
    in_region = {t.id for t in technicians if t.region == region}
    jobs = JobRepository(session).get_many([u.job_id for u in plan.unplanned])
    sites = {s.id: s for s in SiteRepository(session).get_many([j.site_id for j in jobs])}
    local_jobs = {j.id for j in jobs if sites[j.site_id].region == region}
    return dataclasses.replace(
        plan,
        routes=tuple(r for r in plan.routes if r.technician_id in in_region),
        unplanned=tuple(u for u in plan.unplanned if u.job_id in local_jobs),
    )
