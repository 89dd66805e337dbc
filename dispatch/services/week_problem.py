"""A week of technician-days as one optimizer problem: the maintenance to book and the support it must not
delay.

Each technician's working day is a vehicle of its own (``<technician>@<YYYY-MM-DD>``) with that day's
shift, and with its working span capped at the share of the shift left after the reserve kept for the
reactive work expected in its region: maintenance may fill the rest, never the reserve. The jobs are the
maintenance visits still to book (one window per allowed day), those already booked in the week (fixed
load), and the support visits waiting for a technician, with their SLA due. The origin is midnight UTC of
the first day; times are seconds from it, as in the day's problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import optimizer as opt
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import Job, JobStatus
from dispatch.domain.maintenance import is_booked
from dispatch.domain.tickets import Ticket, TicketKind
from dispatch.domain.visit_due import visit_start_due
from dispatch.services.plan_problem import job_windows, optimizer_job, technician_on

DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class TechnicianDay:
    technician_id: str
    day: date
    region: str
    shift_s: int
    """The shift's length, lunch included."""


@dataclass(frozen=True, slots=True)
class WeekProblem:
    """The week's problem with what is needed to read it back: who each vehicle is, which jobs are
    maintenance still to book."""

    first_day: date
    days: int
    origin: datetime
    problem: opt.Problem
    vehicles: Mapping[str, TechnicianDay]
    to_book: frozenset[str]
    maintenance: frozenset[str]

    def instant(self, seconds: int) -> datetime:
        return self.origin + timedelta(seconds=seconds)


def vehicle_id(technician_id: str, day: date) -> str:
    return f"{technician_id}@{day:%Y-%m-%d}"


def build_week_problem(
    dataset: Dataset, first_day: date, days: int, reserve: Mapping[str, float]
) -> WeekProblem:
    """The week from ``first_day`` (``days`` calendar days); ``reserve`` is the share of each shift kept
    free in each region (a region not named keeps none)."""
    origin = datetime.combine(first_day, time(0), UTC)
    horizon = opt.TimeWindow(0, int((days * DAY + timedelta(hours=12)).total_seconds()))
    vehicles: dict[str, TechnicianDay] = {}
    technicians: list[opt.Technician] = []
    for offset in range(days):
        day = first_day + offset * DAY
        for tech in dataset.technicians:
            planned = technician_on(tech, day, origin)
            if planned is None:
                continue
            span = planned.shift.end_s - planned.shift.start_s
            kept = int(span * (1.0 - reserve.get(tech.region, 0.0)))
            vid = vehicle_id(tech.id, day)
            technicians.append(replace(planned, id=vid, max_work_s=kept))
            vehicles[vid] = TechnicianDay(tech.id, day, tech.region, span)
    by_technician: dict[str, frozenset[str]] = {}
    for vid, td in vehicles.items():
        by_technician[td.technician_id] = by_technician.get(td.technician_id, frozenset()) | {vid}
    jobs, to_book, maintenance = _week_jobs(dataset, origin, horizon, by_technician)
    problem = opt.Problem(
        technicians=tuple(technicians),
        jobs=tuple(jobs),
        horizon=horizon,
        depots=tuple(
            opt.Depot(id=d.id, location=opt.Location.at(d.location.lat, d.location.lon), stock=dict(d.stock))
            for d in dataset.depots
        ),
        name=f"week from {first_day:%Y-%m-%d}",
    )
    return WeekProblem(first_day, days, origin, problem, vehicles, frozenset(to_book), frozenset(maintenance))


def _week_jobs(
    dataset: Dataset, origin: datetime, horizon: opt.TimeWindow, by_technician: Mapping[str, frozenset[str]]
) -> tuple[list[opt.Job], set[str], set[str]]:
    sites = {s.id: s for s in dataset.sites}
    tickets = {t.id: t for t in dataset.tickets}
    jobs: list[opt.Job] = []
    to_book: set[str] = set()
    maintenance: set[str] = set()
    for job in dataset.jobs:
        ticket = tickets.get(job.ticket_id)
        if job.status is not JobStatus.UNSCHEDULED or ticket is None or not ticket.state.is_open:
            continue
        windows = job_windows(job, origin, horizon)
        if job.windows and not windows:
            continue  # not in this week
        site = sites[job.site_id]
        if ticket.kind is TicketKind.MAINTENANCE:
            maintenance.add(job.id)
            if not is_booked(job, site.timezone):
                to_book.add(job.id)
        pinned = job.pinned_technician_id
        due_s = _due_s(job, ticket, origin)
        jobs.append(
            replace(
                optimizer_job(job, site, windows),
                sla_due_s=due_s,
                sla_breach_s=due_s,
                allowed_technician_ids=None if pinned is None else by_technician.get(pinned, frozenset()),
            )
        )
    return jobs, to_book, maintenance


def _due_s(job: Job, ticket: Ticket, origin: datetime) -> int | None:
    """The support visit's latest start for its SLA; maintenance is due only by its windows."""
    if ticket.kind is TicketKind.MAINTENANCE:
        return None
    due = visit_start_due(job, ticket)
    return None if due is None else max(0, int((due - origin).total_seconds()))
