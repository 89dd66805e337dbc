"""Dispatchers' edits of a day's plan: assign (and pin) a job, take it out, lock a technician's day.

An edit goes through the day's planning pipeline (``plan_day.compose``): the rest of every route is
re-timed in the order the edit asks for, from where each technician is now, and joined to the visits done
or under way, which no edit can move. The validator checks the result against the day's problem before it
is published in place of the plan it was made from; an edit that breaks a rule is refused (``Conflict``,
so 409) with the validator's reasons, and one made from a plan replaced meanwhile is refused as stale.
Pins (``jobs.pinned_technician_id`` and a pinned start) and locked days are stored, and every later plan
keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

import optimizer as opt
from dispatch.domain.errors import Conflict, DomainError
from dispatch.domain.plan_jobs import DayLock
from dispatch.domain.plans import Plan
from dispatch.persistence.repositories import JobRepository, TechnicianRepository
from dispatch.persistence.repositories.plan_jobs import DayLockRepository, PinnedStartRepository
from dispatch.services.audit import JOB, PLAN, record
from dispatch.services.plan_day import StalePlan, compose, hold_plan, publish_outcome
from dispatch.services.rest_of_day import LiveDay, RestOfDay, load_plan_day, orders_of, rest_of_day
from optimizer.fixed_routes import best_position


@dataclass(frozen=True, slots=True)
class _Editing:
    live: LiveDay
    rest: RestOfDay
    published: Plan
    orders: dict[str, list[str]]
    unassigned: list[opt.UnassignedJob]


def assign_job(
    session: Session,
    day: date,
    *,
    job_id: str,
    technician_id: str,
    start: datetime | None = None,
    next_up: bool = False,
    pin: bool = True,
    version: str | None = None,
    params: opt.SolveParams | None = None,
    now: datetime | None = None,
) -> Plan:
    """Put ``job_id`` on ``technician_id``'s day (at ``start`` if given; ``next_up``: as the next visit they
    go to, before anything not yet under way), pinned there unless ``pin`` is False; publish the edited
    plan if it breaks no rule (caller commits)."""
    JobRepository(session).require(job_id)
    TechnicianRepository(session).require(technician_id)
    if start is not None and abs((start.date() - day).days) > 1:
        raise DomainError(f"a start of {start.isoformat()} is not on {day}")
    now = now or datetime.now(UTC)
    hold_plan(session, day, version)
    if pin:
        _pin(session, job_id, technician_id, start)
    starts = {job_id: start} if start is not None else {}
    editing = _editing(session, day, now, version, extra_starts=starts, include=job_id)
    if technician_id in editing.live.kept.locked:
        raise Conflict(f"the day of {technician_id} on {day} is locked; unlock it to add jobs")
    _refuse_locked_source(editing, job_id)
    orders = {t: [s for s in order if s != job_id] for t, order in editing.orders.items()}
    if technician_id not in {t.id for t in editing.rest.planning.problem.technicians}:
        raise Conflict(f"{technician_id} is not available for more work on {day}")
    order = orders.get(technician_id, [])
    position = 0 if next_up else None
    if start is not None:
        route = next((r for r in editing.published.routes if r.technician_id == technician_id), None)
        before = {
            v.job_id or f"depot:{v.depot_id}" for v in (route.visits if route else ()) if v.start < start
        }
        position = sum(1 for s in order if s in before)
    orders[technician_id] = best_position(
        editing.rest.planning.problem, params or opt.SolveParams(), order, technician_id, job_id, at=position
    )
    unassigned = [u for u in editing.unassigned if u.job_id != job_id]
    when = f" at {start:%H:%M} UTC" if start is not None else ""
    return _publish_edit(
        session, editing, orders, unassigned, params, now, f"assigning {job_id} to {technician_id}{when}"
    )


def unassign_job(
    session: Session,
    day: date,
    *,
    job_id: str,
    version: str | None = None,
    params: opt.SolveParams | None = None,
    now: datetime | None = None,
) -> Plan:
    """Take ``job_id`` out of the day's plan and clear its pin; publish the edited plan (caller commits)."""
    JobRepository(session).require(job_id)
    now = now or datetime.now(UTC)
    hold_plan(session, day, version)
    _pin(session, job_id, None, None)
    editing = _editing(session, day, now, version)
    _refuse_started(editing, job_id)
    if not any(job_id in order for order in editing.orders.values()):
        raise Conflict(f"job {job_id} is not in the plan for {day}")
    _refuse_locked_source(editing, job_id)
    orders = {t: [s for s in order if s != job_id] for t, order in editing.orders.items()}
    unassigned = [
        *editing.unassigned,
        opt.UnassignedJob(job_id, opt.UnassignedReason.MANUAL, "taken out of the plan by a dispatcher"),
    ]
    return _publish_edit(session, editing, orders, unassigned, params, now, f"taking {job_id} out")


def lock_day(
    session: Session, day: date, technician_id: str, *, by: str | None = None, now: datetime | None = None
) -> None:
    """Keep ``technician_id``'s day as published through later solves and edits (caller commits)."""
    TechnicianRepository(session).require(technician_id)
    at = now or datetime.now(UTC)
    DayLockRepository(session).lock(DayLock(technician_id, day, at, by))
    record(session, PLAN, day.isoformat(), "day_locked", at=at, to_value=technician_id, plan_day=day)


def locked_technicians(session: Session, day: date) -> list[str]:
    """The technicians whose ``day`` is kept as published, by id."""
    return sorted(DayLockRepository(session).locked(day))


def unlock_day(session: Session, day: date, technician_id: str) -> None:
    TechnicianRepository(session).require(technician_id)
    DayLockRepository(session).unlock(technician_id, day)
    record(session, PLAN, day.isoformat(), "day_unlocked", from_value=technician_id, plan_day=day)


def _pin(session: Session, job_id: str, technician_id: str | None, start: datetime | None) -> None:
    record(
        session,
        JOB,
        job_id,
        "pinned" if technician_id else "unpinned",
        to_value=technician_id and (technician_id + (f" at {start.isoformat()}" if start else "")),
    )
    table = JobRepository.table
    session.execute(update(table).where(table.c.id == job_id).values(pinned_technician_id=technician_id))
    PinnedStartRepository(session).set(job_id, start if technician_id is not None else None)


def _editing(
    session: Session,
    day: date,
    now: datetime,
    version: str | None,
    *,
    extra_starts: dict[str, datetime] | None = None,
    include: str | None = None,
) -> _Editing:
    live = load_plan_day(session, day, now, also=() if include is None else (include,))
    published = live.state.published
    if published is None:
        raise Conflict(f"there is no published plan for {day} to edit; plan the day first")
    if version is not None and version != published.id:
        raise StalePlan(
            f"the plan of {day} you are editing (version {version}) has been replaced by version "
            f"{published.id}; reload it and try again",
            published.id,
        )
    if include is not None:
        _refuse_started_job(live, include)
    in_plan = set(published.planned_job_ids) | {u.job_id for u in published.unplanned}
    rest = rest_of_day(live, job_ids=in_plan | ({include} if include else set()), extra_starts=extra_starts)
    if include is not None and include not in rest.job_ids:
        skipped = next((s.detail for s in rest.planning.skipped if s.job_id == include), None)
        raise Conflict(
            skipped or f"job {include} is not to be planned on {day} (its status, region or windows)"
        )
    orders, unassigned = orders_of(live, rest, published)
    return _Editing(live, rest, published, orders, unassigned)


def _refuse_started(editing: _Editing, job_id: str) -> None:
    _refuse_started_job(editing.live, job_id)


def _refuse_started_job(live: LiveDay, job_id: str) -> None:
    """Visits done or under way are facts: no edit moves them."""
    holder = live.state.technician_of(job_id)
    if holder is not None:
        status = live.state.job_status[job_id].value.replace("_", " ")
        raise Conflict(f"job {job_id} is {status} with {holder}; a visit done or under way cannot be moved")


def _refuse_locked_source(editing: _Editing, job_id: str) -> None:
    for technician_id, order in editing.orders.items():
        if job_id in order and technician_id in editing.live.kept.locked:
            raise Conflict(f"job {job_id} is on the locked day of {technician_id}; unlock it first")


def _publish_edit(
    session: Session,
    editing: _Editing,
    orders: dict[str, list[str]],
    unassigned: list[opt.UnassignedJob],
    params: opt.SolveParams | None,
    now: datetime,
    what: str,
) -> Plan:
    outcome = compose(editing.live, editing.rest, orders, unassigned, params, what, now=now)
    return publish_outcome(session, outcome, what).plan
