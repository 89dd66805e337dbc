"""Estimated times of a stored route, from the plan, the windows and depot hours, and the reports so far."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from dispatch.domain.jobs import Job
from dispatch.domain.plans import PlannedRoute
from dispatch.domain.technicians import Depot
from dispatch.domain.timezones import zone
from dispatch.persistence.repositories import DepotRepository, JobRepository
from dispatch.persistence.repositories.visit_reports import VisitReportRepository
from dispatch.services.eta import PlannedStop, Progress, StopEstimate, estimate_route, opening_of


def planned_stops(
    route: PlannedRoute, jobs: Mapping[str, Job], depots: Mapping[str, Depot]
) -> list[PlannedStop]:
    """The route's stops with the earliest each may begin."""
    stops = []
    for visit in route.visits:
        opens: datetime
        if visit.job_id is not None and visit.job_id in jobs:
            opens = opening_of(visit.start, (w.start for w in jobs[visit.job_id].windows), route.start)
        elif visit.depot_id is not None and visit.depot_id in depots:
            depot = depots[visit.depot_id]
            local = visit.start.astimezone(zone(depot.timezone))
            opens = min(
                visit.start,
                local.replace(
                    hour=depot.opening_hours_start.hour,
                    minute=depot.opening_hours_start.minute,
                    second=0,
                    microsecond=0,
                ),
            )
        else:
            opens = visit.start
        stops.append(
            PlannedStop(
                sequence=visit.sequence,
                arrival=visit.arrival,
                start=visit.start,
                end=visit.end,
                travel_s=visit.travel_s,
                opens=opens,
                job_id=visit.job_id,
            )
        )
    return stops


def estimate_stored_route(
    session: Session,
    route: PlannedRoute,
    *,
    jobs: Mapping[str, Job] | None = None,
    depots: Mapping[str, Depot] | None = None,
) -> list[StopEstimate]:
    """Estimates for every stop of ``route`` from its reports so far (pass jobs and depots if loaded)."""
    if jobs is None:
        jobs = {job.id: job for job in JobRepository(session).get_many(list(route.job_ids))}
    if depots is None:
        depot_ids = [v.depot_id for v in route.visits if v.depot_id is not None]
        depots = {depot.id: depot for depot in DepotRepository(session).get_many(depot_ids)}
    reports = VisitReportRepository(session).for_jobs(list(route.job_ids))
    progress = [
        Progress(r.job_id, r.kind, r.reported_at, r.late_by_min)
        for r in reports
        if r.technician_id == route.technician_id
    ]
    return estimate_route(planned_stops(route, jobs, depots), progress)
