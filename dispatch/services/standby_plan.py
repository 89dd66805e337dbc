"""The planner's side of standby agreements: name who covers each one, and keep them within reach.

For each agreement with some of its period in the planned horizon, the technicians who may cover it are
those with the skills, working during part of it (their shift or on-call period in the problem) and
living within the response time of the site; at each moment the one living nearest is designated. A
designated technician may then take only jobs whose site is within ``min(R/2, R - home)`` of the
standby site (``R`` the response time, ``home`` their drive from home), and that need no parts (so no
depot run takes them away). Travel times are subadditive (longer trips are faster per
kilometre), so between two such stops, or between home and one, any point of their day stays within
``R`` of the site: the sampled cover check then finds the agreement kept. A designation is for the whole
day (a restriction in time would need the optimizer's help): cover costs some of that technician's reach.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import optimizer as opt
from dispatch.domain.customers import Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.geo import GeoPoint
from dispatch.domain.jobs import Job
from dispatch.domain.standby import StandbyAgreement
from dispatch.domain.technicians import Technician
from dispatch.services.standby_cover import Drive, planner_drive_s

SAMPLE = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class StandbyReach:
    """Designated technicians and the jobs each may still take (every other job is barred to them)."""

    reachable: dict[str, frozenset[str]] = field(default_factory=dict)
    """Technician id -> ids of the jobs they may take while covering."""

    def allowed_technicians(
        self, job_id: str, allowed: frozenset[str] | None, working: frozenset[str]
    ) -> frozenset[str] | None:
        """``allowed`` (``None``: anyone ``working``) less the designated technicians the job would take
        out of reach of their standby site."""
        barred = {t for t, jobs in self.reachable.items() if job_id not in jobs}
        if not barred:
            return allowed
        return (working if allowed is None else allowed) - barred


def standby_reach(
    dataset: Dataset,
    technicians: Iterable[opt.Technician],
    origin: datetime,
    horizon: opt.TimeWindow,
    drive: Drive = planner_drive_s,
) -> StandbyReach:
    """Designate the cover of each agreement in the horizon among ``technicians`` (the problem's), and
    the jobs each designated technician may take."""
    start, end = origin + timedelta(seconds=horizon.start_s), origin + timedelta(seconds=horizon.end_s)
    agreements = [a for a in dataset.standby_agreements if a.overlaps(start, end)]
    if not agreements:
        return StandbyReach()
    sites = {s.id: s for s in dataset.sites}
    people = {t.id: t for t in dataset.technicians}
    working = {t.id: t for t in technicians if t.id in people}
    limits: dict[str, list[tuple[GeoPoint, int]]] = {}
    for agreement in agreements:
        site = sites[agreement.site_id]
        clipped = (max(agreement.starts_at, start), min(agreement.ends_at, end))
        for tech_id, home_s in _designated(agreement, clipped, site, working, people, origin, drive).items():
            reach = int(agreement.response.total_seconds())
            limits.setdefault(tech_id, []).append((site.location, min(reach // 2, reach - home_s)))
    jobs = [j for j in dataset.jobs if j.site_id in sites]
    return StandbyReach(
        {
            tech_id: frozenset(j.id for j in jobs if _within(j, sites[j.site_id], bounds, drive))
            for tech_id, bounds in limits.items()
        }
    )


def _designated(
    agreement: StandbyAgreement,
    period: tuple[datetime, datetime],
    site: Site,
    working: dict[str, opt.Technician],
    people: dict[str, Technician],
    origin: datetime,
    drive: Drive,
) -> dict[str, int]:
    """The technicians designated at some moment of ``period`` (the agreement's, within the horizon):
    nearest home among those who may cover then, with their drive from home to the site."""
    response = int(agreement.response.total_seconds())
    near = {
        tid: home_s
        for tid in working
        if agreement.qualifies(people[tid].skills)
        and (home_s := drive(people[tid].home, site.location)) <= response
    }
    chosen: dict[str, int] = {}
    at = period[0]
    while at < period[1]:
        second = int((at - origin).total_seconds())
        on = [tid for tid in near if working[tid].shift.start_s <= second < working[tid].shift.end_s]
        if on:
            best = min(on, key=lambda tid: (near[tid], tid))
            chosen[best] = near[best]
        at += SAMPLE
    return chosen


def _within(job: Job, site: Site, bounds: list[tuple[GeoPoint, int]], drive: Drive) -> bool:
    """Whether the job keeps the technician within every bound and needs no parts (a part may take them
    to a depot, wherever it is: even one their van holds, when another job has used it up)."""
    if job.required_parts:
        return False
    return all(drive(site.location, place) <= limit for place, limit in bounds)
