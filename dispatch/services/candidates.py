"""Who could take a job left out of the plan, and what each lacks: the dispatcher's next question.

A reason such as "out of reach" says why the plan could not place a job; a dispatcher deciding what to
do about it needs names. For each job left out, the nearest technicians (by distance from their home
base to the site) are named with what stands between them and the job: a skill below the level asked,
a part neither their van nor any depot holds, no shift that day, or a day already full.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from dispatch.domain.customers import Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import Job
from dispatch.domain.plans import Plan
from dispatch.domain.technicians import Technician
from optimizer.travel import GeodesicTravelTimes, ellipsoidal_distance_m

NAMED = 3
"""How many of the nearest technicians a reason names."""
NEAREST = ". Nearest: "
_TRAVEL = GeodesicTravelTimes()


@dataclass(frozen=True, slots=True)
class Candidate:
    """One of the technicians nearest a job, and what stands between them and it (``None``: nothing
    but the plan's other work)."""

    technician_id: str
    name: str
    distance_m: float
    drive_s: int
    """Driving time from their home base, by the plan's travel model."""
    lacks: str | None

    def told(self) -> str:
        return f"{self.technician_id} ({self.name}, {self.distance_m / 1000:.0f} km) " + (
            self.lacks or "has the skills and parts, but the plan found no place for it"
        )


def nearest_candidates(
    job: Job,
    site: Site,
    technicians: Sequence[Technician],
    depot_stock: Mapping[str, int],
    day: date,
    working: frozenset[str],
    reason: str,
    *,
    named: int = NAMED,
) -> list[Candidate]:
    """The ``named`` technicians nearest ``job``'s site, nearest first, each with what they lack."""
    if not technicians:
        return []
    lat = np.array([t.home.lat for t in technicians])
    lon = np.array([t.home.lon for t in technicians])
    there = site.location
    metres = ellipsoidal_distance_m(lat, lon, np.full_like(lat, there.lat), np.full_like(lon, there.lon))
    nearest = [int(k) for k in np.argsort(metres, kind="stable")[:named]]
    drive = _TRAVEL.drive_time_s(metres[nearest] * _TRAVEL.circuity)
    return [
        Candidate(
            technician_id=technicians[k].id,
            name=technicians[k].name,
            distance_m=float(metres[k]),
            drive_s=int(drive[i]),
            lacks=_lacks(technicians[k], job, depot_stock, day, working, reason),
        )
        for i, k in enumerate(nearest)
    ]


def with_candidates(plan: Plan, dataset: Dataset, working: frozenset[str]) -> Plan:
    """``plan`` with each left-out job's detail naming its nearest technicians and what each lacks;
    ``working`` are the technicians on shift (or on call) for the rest of the day."""
    if not plan.unplanned:
        return plan
    jobs = {j.id: j for j in dataset.jobs}
    sites = {s.id: s for s in dataset.sites}
    stock = depot_stock(dataset)
    told = []
    for left in plan.unplanned:
        job = jobs.get(left.job_id)
        if job is None or not dataset.technicians:
            told.append(left)
            continue
        found = nearest_candidates(
            job, sites[job.site_id], dataset.technicians, stock, plan.day, working, left.reason
        )
        named = "; ".join(candidate.told() for candidate in found)
        told.append(dataclasses.replace(left, detail=f"{reason_of(left.detail)}{NEAREST}{named}"))
    return dataclasses.replace(plan, unplanned=tuple(told))


def reason_of(detail: str) -> str:
    """A left-out job's detail without the nearest technicians it names."""
    return detail.split(NEAREST)[0]


def _lacks(
    technician: Technician,
    job: Job,
    depots: Mapping[str, int],
    day: date,
    working: frozenset[str],
    reason: str,
) -> str | None:
    skills = [
        f"{need.skill} level {need.min_level} (has {technician.skills.get(need.skill, 0)})"
        for need in job.required_skills
        if technician.skills.get(need.skill, 0) < need.min_level
    ]
    if skills:
        return "lacks " + ", ".join(skills)
    parts = [
        need.sku
        for need in job.required_parts
        if technician.van_stock.get(need.sku, 0) + depots.get(need.sku, 0) < need.quantity
    ]
    if parts:
        return "cannot get " + ", ".join(parts) + " from their van or any depot"
    if technician.id not in working:
        return f"is not working on {day:%A}"
    return _SHORT_OF.get(reason)


_SHORT_OF = {
    "out_of_reach": "has the skills and parts, but cannot reach it inside their shift and its windows",
    "capacity": "has the skills and parts, but no room left in their day",
}


def depot_stock(dataset: Dataset) -> dict[str, int]:
    """Every part held at any depot, summed over depots."""
    total: dict[str, int] = {}
    for depot in dataset.depots:
        for sku, quantity in depot.stock.items():
            total[sku] = total.get(sku, 0) + quantity
    return total
