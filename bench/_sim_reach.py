"""Who could reach a new ticket's site soonest, whatever the plan says: the bound on any dispatching.

When a ticket comes in, every technician on duty who may take it (``qualified``: their region, the skills
at the levels the job needs) could at best finish what they are doing now (the visit or break under way,
as it really ends), drive straight to the site at the plan's road speeds and arrive, if their day (and
the overtime allowed) still holds the visit. The soonest of those arrivals is when anyone could be there:
a response due before it could not be kept by any dispatching, however clever. It is measured on the
day as the policy has made it so far, so it says what was still possible when the ticket came in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import optimizer as opt
from dispatch.domain.geo import GeoPoint
from dispatch.domain.jobs import Job
from dispatch.domain.technicians import Technician
from optimizer.travel import GeodesicTravelTimes


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """Where and when a technician is next free, and until when they may work."""

    technician: Technician
    free_at: datetime
    at: GeoPoint
    day_ends: datetime


def qualified(technician: Technician, region: str, job: Job) -> bool:
    """Whether the technician may take ``job`` at a site of ``region``: one of the region, with every
    skill it needs at its level."""
    return technician.region == region and all(
        technician.skills.get(r.skill, 0) >= r.min_level for r in job.required_skills
    )


def drive_s(origin: GeoPoint, destination: GeoPoint) -> int:
    """The plan's drive time between two points (computed, not cached: the solves' matrix cache stays
    theirs)."""
    model = GeodesicTravelTimes()
    road_m = model.road_distance_m([opt.Location.at(p.lat, p.lon) for p in (origin, destination)])
    return math.ceil(float(model.drive_time_s(road_m)[0, 1]))


def soonest_arrival(
    now: datetime, job: Job, region: str, site: GeoPoint, team: list[Whereabouts]
) -> datetime | None:
    """The soonest any qualified technician of ``team`` could be on site, sent now; ``None``: nobody."""
    arrivals = [
        arrival
        for w in team
        if qualified(w.technician, region, job)
        and (arrival := max(now, w.free_at) + timedelta(seconds=drive_s(w.at, site))) + job.duration
        <= w.day_ends
    ]
    return min(arrivals, default=None)
