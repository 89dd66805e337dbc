"""Reports that change the rest of a day ask for a better plan: a technician running well late, done
well early, or unable to complete. The search runs as a plan job from now, over the technician's region
(a report changes nothing in another, and a nationwide day re-planned whole at every report would be
slow), and publishes only a plan better than the one in force, so a report never makes the day worse or
moves visits for nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from dispatch.domain.plan_jobs import PlanJob
from dispatch.domain.progress import ReportKind
from dispatch.persistence.repositories.published_routes import placements, route_in_plan, technician_header
from dispatch.services.plan_jobs import improve_later
from dispatch.services.progress import ReportRequest, report_progress

LATE_ENOUGH = timedelta(minutes=15)
"""A delay this long or longer is worth a re-plan; a shorter one only moves the arrival estimates."""
EARLY_ENOUGH = timedelta(minutes=30)
"""Done this much before the planned end frees time worth a re-plan."""


def replan_after_report(
    session: Session,
    *,
    job_id: str,
    kind: ReportKind,
    late_by_min: int | None,
    now: datetime,
    time_limit_s: float,
    requested_by: str | None,
) -> PlanJob | None:
    """A queued search for a better plan of the job's day, if the report changes the rest of it
    (caller commits and enqueues); ``None`` otherwise, or when a solve of the day is already under way."""
    found = placements(session, [job_id])
    if not found:
        return None
    placement = found[0]
    if kind is ReportKind.RUNNING_LATE:
        worth = late_by_min is not None and timedelta(minutes=late_by_min) >= LATE_ENOUGH
    elif kind is ReportKind.NOT_COMPLETED:
        worth = True
    elif kind is ReportKind.COMPLETED:
        route = route_in_plan(session, placement.plan_id, placement.technician_id)
        visit = None if route is None else next((v for v in route.visits if v.job_id == job_id), None)
        worth = visit is not None and visit.end - now >= EARLY_ENOUGH
    else:
        worth = False
    if not worth:
        return None
    header = technician_header(session, placement.technician_id)
    region = None if header is None else header.region
    return improve_later(session, placement.day, time_limit_s, requested_by, now, region=region)


def report_and_replan(
    session: Session,
    *,
    technician_id: str,
    request: ReportRequest,
    now: datetime,
    time_limit_s: float,
    requested_by: str | None,
) -> tuple[dict[str, Any], PlanJob | None]:
    """Apply a technician's report (once per key) and, when it changes the rest of the day, the queued
    search for a better plan (caller commits, then enqueues the search)."""
    answer = report_progress(session, technician_id=technician_id, request=request, now=now)
    if not answer.get("changed", True) and request.kind.status is not None:
        return answer, None
    search = replan_after_report(
        session,
        job_id=request.job_id,
        kind=request.kind,
        late_by_min=request.late_by_min,
        now=now,
        time_limit_s=time_limit_s,
        requested_by=requested_by,
    )
    return answer, search
