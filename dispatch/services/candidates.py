"""Who could take a job left out of the plan, and what each lacks: the dispatcher's next question.

A reason such as "out of reach" says why the plan could not place a job; a dispatcher deciding what to
do about it needs names. For each job left out, the nearest technicians (by distance from their home
base to the site) are named with what stands between them and the job: a skill below the level asked,
a part neither their van nor any depot holds, no shift that day, or a day already full.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

import numpy as np

from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import Job
from dispatch.domain.plans import Plan
from dispatch.domain.technicians import Technician
from optimizer.travel import ellipsoidal_distance_m

NAMED = 3
"""How many of the nearest technicians a reason names."""
NEAREST = ". Nearest: "


def with_candidates(plan: Plan, dataset: Dataset, working: frozenset[str]) -> Plan:
    """``plan`` with each left-out job's detail naming its nearest technicians and what each lacks;
    ``working`` are the technicians on shift (or on call) for the rest of the day."""
    if not plan.unplanned:
        return plan
    jobs = {j.id: j for j in dataset.jobs}
    sites = {s.id: s for s in dataset.sites}
    stock = _depot_stock(dataset)
    technicians = dataset.technicians
    lat = np.array([t.home.lat for t in technicians])
    lon = np.array([t.home.lon for t in technicians])
    told = []
    for left in plan.unplanned:
        job = jobs.get(left.job_id)
        if job is None or not technicians:
            told.append(left)
            continue
        site = sites[job.site_id].location
        metres = ellipsoidal_distance_m(lat, lon, np.full_like(lat, site.lat), np.full_like(lon, site.lon))
        nearest = [int(k) for k in np.argsort(metres)[:NAMED]]
        named = "; ".join(
            f"{technicians[k].id} ({technicians[k].name}, {metres[k] / 1000:.0f} km) "
            + _lacks(technicians[k], job, stock, plan.day, working, left.reason)
            for k in nearest
        )
        reason = left.detail.split(NEAREST)[0]
        told.append(dataclasses.replace(left, detail=f"{reason}{NEAREST}{named}"))
    return dataclasses.replace(plan, unplanned=tuple(told))


def _lacks(
    technician: Technician,
    job: Job,
    depots: Mapping[str, int],
    day: date,
    working: frozenset[str],
    reason: str,
) -> str:
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
    return _SHORT_OF.get(reason, "has the skills and parts, but the plan found no place for it")


_SHORT_OF = {
    "out_of_reach": "has the skills and parts, but cannot reach it inside their shift and its windows",
    "capacity": "has the skills and parts, but no room left in their day",
}


def _depot_stock(dataset: Dataset) -> dict[str, int]:
    total: dict[str, int] = {}
    for depot in dataset.depots:
        for sku, quantity in depot.stock.items():
            total[sku] = total.get(sku, 0) + quantity
    return total
