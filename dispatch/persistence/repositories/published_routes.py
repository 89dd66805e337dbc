"""Narrow reads of the published plans for the pages on a request path: one route, not a whole plan.

A technician's sheet needs their own route, and a customer's link needs where its visit is placed; loading
the whole day's plan (every route of every technician) for either costs a hundred times the rows. The
sheet's version stamp is read here too: one statement whose answer changes whenever a plan is published
for the day, a report arrives from the technician, or a job on their routes changes status.

The statements are built once, with bound parameters: building and hashing a statement of this size costs
more than the database takes to answer it, so each request only binds values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from dispatch.domain.jobs import JobStatus
from dispatch.domain.plans import PlannedRoute, PlannedVisit, PlanStatus, VisitKind
from dispatch.persistence.models import (
    JobRow,
    PlanRouteRow,
    PlanRow,
    PlanVisitRow,
    TechnicianRow,
    VisitReportRow,
    table_of,
)

_PLANS = table_of(PlanRow)
_ROUTES = table_of(PlanRouteRow)
_VISITS = table_of(PlanVisitRow)
_JOBS = table_of(JobRow)
_TECHNICIANS = table_of(TechnicianRow)
_REPORTS = table_of(VisitReportRow)
_PUBLISHED = PlanStatus.PUBLISHED.value


@dataclass(frozen=True, slots=True)
class TechnicianHeader:
    """What a page shows of a technician without loading their skills, shifts and van."""

    id: str
    name: str
    timezone: str
    region: str

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else ""


@dataclass(frozen=True, slots=True)
class SheetStamp:
    """A technician's header and a version of their sheet for one day: equal versions, equal sheets."""

    technician: TechnicianHeader
    version: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class JobState:
    id: str
    status: JobStatus
    site_id: str


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a published plan places a job: the plan, its day and the technician whose route has it."""

    job_id: str
    plan_id: str
    day: date
    technician_id: str


_HEADER = select(_TECHNICIANS.c.id, _TECHNICIANS.c.name, _TECHNICIANS.c.timezone, _TECHNICIANS.c.region)


def technician_header(session: Session, technician_id: str) -> TechnicianHeader | None:
    row = session.execute(
        _HEADER.where(_TECHNICIANS.c.id == bindparam("technician_id")), {"technician_id": technician_id}
    ).first()
    return None if row is None else TechnicianHeader(row.id, row.name, row.timezone, row.region)


def _stamp_statement() -> Select[Any]:
    technician = _TECHNICIANS
    of_day = (_PLANS.c.day == bindparam("day"),)
    by_technician = _REPORTS.c.technician_id == technician.c.id

    def scalar(column: Any, *conditions: Any) -> Any:
        return select(column).where(*conditions).correlate(technician).scalar_subquery()

    route_jobs = (
        select(_VISITS.c.technician_id, _VISITS.c.sequence, _JOBS.c.id, _JOBS.c.status)
        .join(_PLANS, _PLANS.c.id == _VISITS.c.plan_id)
        .join(_JOBS, _JOBS.c.id == _VISITS.c.job_id)
        .where(
            _PLANS.c.day == bindparam("day"),
            _PLANS.c.status == _PUBLISHED,
            _VISITS.c.technician_id == bindparam("technician_id"),
        )
        .subquery()
    )
    return (
        select(
            technician.c.id,
            technician.c.name,
            technician.c.timezone,
            technician.c.region,
            scalar(func.count(_PLANS.c.id), *of_day).label("plans"),
            scalar(func.max(_PLANS.c.created_at), *of_day).label("latest_plan"),
            scalar(func.count(_REPORTS.c.id), by_technician).label("reports"),
            scalar(func.max(_REPORTS.c.reported_at), by_technician).label("latest_report"),
            route_jobs.c.id.label("job_id"),
            route_jobs.c.status.label("job_status"),
        )
        .select_from(technician.outerjoin(route_jobs, route_jobs.c.technician_id == technician.c.id))
        .where(technician.c.id == bindparam("technician_id"))
        .order_by(route_jobs.c.id)
    )


_STAMP = _stamp_statement()


def sheet_stamp(session: Session, technician_id: str, day: date) -> SheetStamp | None:
    """The technician's header and their sheet's version for ``day`` (``None``: no such technician).

    The version counts the day's plans (publishing adds one), their
    reports (reports are only ever added) with the latest time, and lists the status of every job on
    their published routes of the day.
    """
    rows = session.execute(_STAMP, {"technician_id": technician_id, "day": day}).all()
    if not rows:
        return None
    first = rows[0]
    header = TechnicianHeader(first.id, first.name, first.timezone, first.region)
    statuses = tuple((row.job_id, row.job_status) for row in rows if row.job_id is not None)
    return SheetStamp(header, (first.plans, first.latest_plan, first.reports, first.latest_report, statuses))


def published_route(session: Session, technician_id: str, day: date) -> tuple[str, PlannedRoute] | None:
    """The technician's route in the plan published for ``day``."""
    plan_id = session.execute(
        select(_PLANS.c.id).where(_PLANS.c.day == day, _PLANS.c.status == _PUBLISHED)
    ).scalar_one_or_none()
    if plan_id is None:
        return None
    route = route_in_plan(session, plan_id, technician_id)
    return None if route is None else (plan_id, route)


def route_in_plan(session: Session, plan_id: str, technician_id: str) -> PlannedRoute | None:
    """One technician's route of one plan, with its visits in order."""
    row = (
        session.execute(
            select(_ROUTES).where(_ROUTES.c.plan_id == plan_id, _ROUTES.c.technician_id == technician_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    visits = session.execute(
        select(_VISITS)
        .where(_VISITS.c.plan_id == plan_id, _VISITS.c.technician_id == technician_id)
        .order_by(_VISITS.c.sequence)
    ).mappings()
    return PlannedRoute(
        technician_id=technician_id,
        start=row["starts_at"],
        end=row["ends_at"],
        travel_s=row["travel_s"],
        distance_m=row["distance_m"],
        overtime_s=row["overtime_s"],
        visits=tuple(
            PlannedVisit(
                sequence=v["sequence"],
                kind=VisitKind(v["kind"]),
                arrival=v["arrives_at"],
                start=v["starts_at"],
                end=v["ends_at"],
                travel_s=v["travel_s"],
                distance_m=v["distance_m"],
                job_id=v["job_id"],
                depot_id=v["depot_id"],
                parts_picked=dict(v["parts_picked"] or {}),
                sla_lateness_s=v["sla_lateness_s"],
            )
            for v in visits
        ),
        lunch_start=row["lunch_starts_at"],
        lunch_end=row["lunch_ends_at"],
    )


_JOBS_OF_TICKET = (
    select(_JOBS.c.id, _JOBS.c.status, _JOBS.c.site_id)
    .where(_JOBS.c.ticket_id == bindparam("ticket_id"))
    .order_by(_JOBS.c.id)
)
_PLACEMENTS = (
    select(_VISITS.c.job_id, _PLANS.c.id, _PLANS.c.day, _VISITS.c.technician_id)
    .join(_PLANS, _PLANS.c.id == _VISITS.c.plan_id)
    .where(_VISITS.c.job_id.in_(bindparam("job_ids", expanding=True)), _PLANS.c.status == _PUBLISHED)
    .order_by(_PLANS.c.day.desc(), _PLANS.c.created_at.desc(), _PLANS.c.id)
)


def job_states_of_ticket(session: Session, ticket_id: str) -> list[JobState]:
    """The ticket's jobs with their status, by id."""
    rows = session.execute(_JOBS_OF_TICKET, {"ticket_id": ticket_id})
    return [JobState(row.id, JobStatus(row.status), row.site_id) for row in rows]


def placements(session: Session, job_ids: Sequence[str]) -> list[Placement]:
    """Where published plans place these jobs, the latest day (then the latest plan) first."""
    if not job_ids:
        return []
    rows = session.execute(_PLACEMENTS, {"job_ids": list(job_ids)})
    return [Placement(row.job_id, row.id, row.day, row.technician_id) for row in rows]
