"""Events of the live day that change who can do what: a technician off sick, a visit cancelled.

Each is one operation that records the fact and publishes the day's plan re-made from now through the
same pipeline as every other change: a sick technician's remaining visits go, most urgent first, where
each adds least to another technician's day (a lower-priority visit making way on a full day), and
what fits nowhere is left to plan with the reason; a cancelled visit leaves its route, and the rest of
that route is re-timed from where the technician is.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

import optimizer as opt
from dispatch.domain.errors import Conflict, DomainError
from dispatch.domain.jobs import JobStatus
from dispatch.domain.lifecycle import advance_job
from dispatch.domain.plans import Plan
from dispatch.domain.technicians import Shift
from dispatch.domain.timezones import zone
from dispatch.persistence.repositories import JobRepository, TechnicianRepository
from dispatch.persistence.repositories.jobs import set_job_statuses
from dispatch.persistence.repositories.on_call import OnCallDutyRepository
from dispatch.persistence.repositories.published_routes import placements
from dispatch.services.audit import JOB, record
from dispatch.services.plan_day import compose, hold_plan, publish_outcome
from dispatch.services.rest_of_day import load_live_day, orders_of, rest_of_day
from optimizer.fixed_routes import cheapest_insertion


@dataclass(frozen=True, slots=True)
class Reassigned:
    """The plan after an event, and where each visit it displaced went (``None``: left to plan)."""

    plan: Plan
    moved_to: dict[str, str | None]


def report_off_sick(
    session: Session,
    day: date,
    technician_id: str,
    *,
    now: datetime,
    version: str | None = None,
    params: opt.SolveParams | None = None,
) -> Reassigned:
    """``technician_id`` stops working now for the rest of ``day`` (their shift cut short, their on-call
    duties of the next day stood down); their visits not yet started go to others (caller commits). A
    visit they are on or driving to stays theirs: it is under way."""
    hold_plan(session, day, version)
    technicians = TechnicianRepository(session)
    technician = technicians.require(technician_id)
    shift = technician.calendar.shift_on(day)
    on_call = OnCallDutyRepository(session).stand_down(technician_id, now, now + timedelta(hours=24))
    if shift is None and not on_call:
        raise Conflict(f"{technician.name} ({technician_id}) is neither working nor on call on {day}")
    if shift is not None:
        calendar = technician.calendar
        exceptions = {**calendar.exceptions, day: _cut_short(shift, day, now, technician.timezone)}
        technicians.update(
            dataclasses.replace(technician, calendar=dataclasses.replace(calendar, exceptions=exceptions))
        )
    return _replace_visits(session, day, now, params, f"{technician_id} off sick", vacated=technician_id)


def cancel_visit(
    session: Session, job_id: str, *, now: datetime, params: opt.SolveParams | None = None
) -> Plan | None:
    """Cancel ``job_id`` (the customer no longer needs it) and take it out of its day's published plan;
    the plan published, or ``None`` when no plan had it (caller commits)."""
    job = JobRepository(session).require(job_id)
    if job.status is JobStatus.CANCELLED:
        raise Conflict(f"job {job_id} cannot be cancelled: it is cancelled already")
    try:
        advance_job(job.status, JobStatus.CANCELLED)
    except DomainError as refused:
        raise Conflict(f"job {job_id} cannot be cancelled: {refused}") from None
    found = placements(session, [job_id])
    set_job_statuses(session, {job_id: JobStatus.CANCELLED})
    record(
        session,
        JOB,
        job_id,
        "status",
        at=now,
        from_value=job.status.value,
        to_value=JobStatus.CANCELLED.value,
        why="the customer no longer needs the visit",
    )
    if not found:
        return None
    return _replace_visits(session, found[0].day, now, params, f"cancelling {job_id}").plan


def _cut_short(shift: Shift, day: date, now: datetime, timezone: str) -> Shift | None:
    """The shift ending at ``now`` (local time), or no shift at all if it had not begun."""
    local = now.astimezone(zone(timezone))
    if local.date() < day or local.time() <= shift.start:
        return None
    if local.date() > day or local.time() >= shift.end:
        return shift
    end = time(local.hour, local.minute)
    lunch = shift.lunch if shift.lunch is not None and shift.lunch.latest < end else None
    return Shift(start=shift.start, end=max(end, _one_minute_after(shift.start)), lunch=lunch)


def _one_minute_after(moment: time) -> time:
    minutes = moment.hour * 60 + moment.minute + 1
    return time(min(23, minutes // 60), minutes % 60 if minutes < 24 * 60 else 59)


def _replace_visits(
    session: Session,
    day: date,
    now: datetime,
    params: opt.SolveParams | None,
    what: str,
    *,
    vacated: str | None = None,
) -> Reassigned:
    """The day's plan re-made from now: visits that lost their place (``vacated``'s, all of them) go
    where each adds least."""
    params = params or opt.SolveParams()
    live = load_live_day(session, day, now)
    published = live.state.published
    if published is None:
        raise Conflict(f"there is no published plan for {day}; plan the day first")
    named = {*published.planned_job_ids, *(u.job_id for u in published.unplanned)}
    rest = rest_of_day(live, job_ids=named)
    orders, unassigned = orders_of(live, rest, published)
    for stop in orders.pop(vacated, []) if vacated is not None else []:
        if not stop.startswith("depot:"):
            unassigned.append(opt.UnassignedJob(stop, opt.UnassignedReason.MANUAL, what))
    routed_before = set(published.planned_job_ids)
    homeless = [u for u in unassigned if u.job_id in routed_before]
    problem = rest.planning.problem
    stuck = live.kept.locked | {vacated}
    movable = dataclasses.replace(
        problem, technicians=tuple(t for t in problem.technicians if t.id not in stuck)
    )
    moved_to: dict[str, str | None] = {}
    left = [u for u in unassigned if u.job_id not in routed_before]
    for lost in sorted(homeless, key=lambda u: problem.job(u.job_id).priority):
        free_orders = {t: o for t, o in orders.items() if t not in stuck}
        found = cheapest_insertion(movable, params, free_orders, lost.job_id)
        if found is None:
            moved_to[lost.job_id] = None
            left.append(
                opt.UnassignedJob(
                    lost.job_id, opt.UnassignedReason.CAPACITY, f"no one could take it after {what}"
                )
            )
            continue
        orders[found.technician_id] = found.order
        moved_to[lost.job_id] = found.technician_id
        for bumped in found.bumped:
            moved_to[bumped] = None
            left.append(
                opt.UnassignedJob(
                    bumped, opt.UnassignedReason.CAPACITY, f"made way for {lost.job_id} after {what}"
                )
            )
    outcome = compose(live, rest, orders, left, params, what, now=now)
    return Reassigned(publish_outcome(session, outcome, what).plan, moved_to)
