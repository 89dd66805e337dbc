"""What a technician's report does beyond the visit's own status: the ticket, the parts, the follow-up.

Called once per report that changes a visit's status (a replayed report never gets here), inside the
report's unit of work, so a refused effect refuses the report and nothing is half done.

- Setting off (``en_route``): the ticket's onsite work is in progress, and the depot pickups the route
  made before this visit are recorded as parts picked up.
- Arriving: the same, and the ticket's first response is recorded if it has none yet (the SLA's response
  is the first response; a technician on site is one, an earlier remote answer came first).
- Completed: the job's parts are recorded as used from the van; the ticket is resolved once none of its
  jobs is still open.
- Could not complete: a follow-up job goes out to be planned (for every reason: the visit that happened
  stays in the day's history as incomplete), and the ticket goes back to ONSITE_REQUIRED.

Ticket states move only through ``lifecycle.advance_ticket`` and are stored with their audit entries
(``ticket_lifecycle.store_move``); a move the lifecycle refuses refuses the
report (409) with the reason. Parts are recorded as movements, never taken off ``van_stock`` or
``depot_stock`` during the day: the live day derives each van from the published route (``day_state``),
so changing the tables as well would count each part twice. ``settle_day`` applies a day's movements once
its work is over.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from dispatch.domain.errors import Conflict, DomainError, RecordNotFound
from dispatch.domain.jobs import Job, JobStatus
from dispatch.domain.lifecycle import FINAL_JOB_STATUSES
from dispatch.domain.part_movements import MovementKind, PartMovement
from dispatch.domain.progress import ReportKind, VisitReport
from dispatch.domain.tickets import Ticket, TicketState
from dispatch.persistence.models import ID
from dispatch.persistence.repositories import JobRepository
from dispatch.persistence.repositories.jobs import follow_up_of, job_statuses_of_ticket, link_follow_up
from dispatch.persistence.repositories.part_movements import (
    add_movements,
    change_depot_stock,
    change_van_stock,
    jobs_under_way_on,
    lock_unsettled_of_day,
    mark_settled,
    picked_up_on,
    unsettled_of_technician,
    van_stock_of,
)
from dispatch.persistence.repositories.published_routes import placements, published_route
from dispatch.persistence.repositories.tickets import lock_ticket
from dispatch.services.ticket_lifecycle import moved_to, store_move

FOLLOW_UP_MARK = "-F"
"""A follow-up's id is its first visit's id, this mark and how many visits came before it: J-7-F1, J-7-F2."""
MAX_ID_LENGTH = ID.length or 40


def apply_report_effects(session: Session, report: VisitReport) -> None:
    """Apply what ``report`` (which has just changed its visit's status) does downstream."""
    job = JobRepository(session).require(report.job_id)
    if report.kind is ReportKind.EN_ROUTE:
        _start_onsite_work(session, job, report, responded=False)
        _record_pickups_before(session, job, report)
    elif report.kind is ReportKind.ARRIVED:
        _start_onsite_work(session, job, report, responded=True)
    elif report.kind is ReportKind.COMPLETED:
        _use_parts(session, job, report)
        _resolve_if_done(session, job, report)
    elif report.kind is ReportKind.NOT_COMPLETED:
        _send_follow_up(session, job, report)


def follow_up_id(session: Session, job_id: str) -> str:
    """The id of the job that follows up ``job_id``: fixed by the chain of visits, so a report applied
    twice finds the job it made rather than making another."""
    first, before = job_id, 1
    seen = {job_id}
    parent = follow_up_of(session, job_id)
    while parent is not None and parent not in seen:
        seen.add(parent)
        first, before = parent, before + 1
        parent = follow_up_of(session, parent)
    found = f"{first}{FOLLOW_UP_MARK}{before}"
    if len(found) > MAX_ID_LENGTH:
        raise DomainError(
            f"the follow-up of {job_id} would have an id longer than {MAX_ID_LENGTH} characters"
        )
    return found


# --- tickets --------------------------------------------------------------------------------------


_BEFORE_SCHEDULED = frozenset(
    {TicketState.NEW, TicketState.REMOTE, TicketState.ONSITE_REQUIRED, TicketState.WAITING_CUSTOMER}
)


def _move(ticket: Ticket, to: TicketState, why: str, report: VisitReport) -> Ticket:
    return moved_to(ticket, to, at=report.reported_at, why=why)


def _start_onsite_work(session: Session, job: Job, report: VisitReport, *, responded: bool) -> None:
    """The ticket's onsite work is in progress. A visit on a published route is scheduled, which the
    ticket may not say yet (publishing a plan does not touch tickets), so ONSITE_REQUIRED steps through
    SCHEDULED first, as the lifecycle requires; a ticket still new or tried remotely has, with a
    technician on the way, gone onsite, and steps through ONSITE_REQUIRED before that. A ticket waiting
    on the customer stops waiting: the technician's visit is scheduled."""
    ticket = lock_ticket(session, job.ticket_id)
    why = f"{report.kind.value} on visit {job.id}"
    steps = []
    if ticket.state in (TicketState.NEW, TicketState.REMOTE):
        steps.append(TicketState.ONSITE_REQUIRED)
    if ticket.state in _BEFORE_SCHEDULED:
        steps.append(TicketState.SCHEDULED)
    steps.append(TicketState.IN_PROGRESS)
    for step in steps:  # each step is stored, so the audit trail shows every move the lifecycle made
        moved = _move(ticket, step, why, report)
        store_move(session, ticket, moved, at=report.reported_at, why=why)
        ticket = moved
    if responded and ticket.responded_at is None:
        store_move(
            session, ticket, replace(ticket, responded_at=report.reported_at), at=report.reported_at, why=why
        )


def _resolve_if_done(session: Session, job: Job, report: VisitReport) -> None:
    """Resolved when none of the ticket's jobs is still open; otherwise the onsite work goes on."""
    ticket = lock_ticket(session, job.ticket_id)
    statuses = job_statuses_of_ticket(session, job.ticket_id)
    if any(status not in FINAL_JOB_STATUSES for job_id, status in statuses.items() if job_id != job.id):
        return
    why = f"completing visit {job.id}"
    moved = _move(ticket, TicketState.RESOLVED, why, report)
    store_move(session, ticket, moved, at=report.reported_at, why=why)


def _send_follow_up(session: Session, job: Job, report: VisitReport) -> None:
    """A new job for the same ticket and site, with the same skills, parts and duration, to be planned.

    Every reason gets one: a part missing needs the part brought, a second visit needs the time, and a
    customer absent needs the same visit again. The visit that happened stays as it was (incomplete, on
    its technician's route for the day) rather than returning to be planned itself. The follow-up is due
    when the ticket must be resolved, the SLA target left to meet; its windows were the day's and pass.
    """
    ticket = lock_ticket(session, job.ticket_id)
    new_id = follow_up_id(session, job.id)
    jobs = JobRepository(session)
    existing = jobs.get(new_id)
    if existing is None:
        jobs.add(
            Job(
                id=new_id,
                ticket_id=job.ticket_id,
                site_id=job.site_id,
                duration=job.duration,
                priority=job.priority,
                required_skills=job.required_skills,
                required_parts=job.required_parts,
                sla_due=ticket.resolution_due,
                status=JobStatus.UNSCHEDULED,
            )
        )
        link_follow_up(session, new_id, job.id)
    elif follow_up_of(session, new_id) != job.id:
        raise Conflict(
            f"cannot send out the follow-up of {job.id}: job {new_id} already exists for other work"
        )
    why = f"visit {job.id} not completed ({report.reason.value if report.reason else 'no reason'})"
    moved = _move(ticket, TicketState.ONSITE_REQUIRED, why, report)
    store_move(session, ticket, moved, at=report.reported_at, why=why)


# --- parts ----------------------------------------------------------------------------------------


def _day_of(session: Session, job_id: str, technician_id: str) -> date:
    """The day of the published plan that sends the technician to the job."""
    found = next((p.day for p in placements(session, [job_id]) if p.technician_id == technician_id), None)
    if found is None:
        raise RecordNotFound(f"no visit {job_id!r} on the published routes of {technician_id}")
    return found


def _use_parts(session: Session, job: Job, report: VisitReport) -> None:
    """The job's parts leave the van (what was loaded, or picked up on the way)."""
    if not job.required_parts:
        return
    day = _day_of(session, job.id, report.technician_id)
    add_movements(
        session,
        [
            PartMovement(
                id=str(uuid.uuid4()),
                day=day,
                technician_id=report.technician_id,
                sku=need.sku,
                quantity=-need.quantity,
                kind=MovementKind.USED,
                at=report.reported_at,
                job_id=job.id,
            )
            for need in job.required_parts
        ],
    )


def _record_pickups_before(session: Session, job: Job, report: VisitReport) -> None:
    """Setting off to a visit means the route's depot pickups before it are made: record what they
    collected beyond what is recorded already (each pickup once, however many visits follow it)."""
    day = _day_of(session, job.id, report.technician_id)
    found = published_route(session, report.technician_id, day)
    if found is None:
        return
    _, route = found
    ordered = sorted(route.visits, key=lambda v: v.sequence)
    position = next((k for k, v in enumerate(ordered) if v.job_id == job.id), None)
    if position is None:
        return
    collected: dict[tuple[str, str], int] = {}
    for visit in ordered[:position]:
        if visit.depot_id is not None:
            for sku, quantity in visit.parts_picked.items():
                key = (visit.depot_id, sku)
                collected[key] = collected.get(key, 0) + quantity
    recorded = picked_up_on(session, report.technician_id, day)
    add_movements(
        session,
        [
            PartMovement(
                id=str(uuid.uuid4()),
                day=day,
                technician_id=report.technician_id,
                sku=sku,
                quantity=quantity - recorded.get((depot_id, sku), 0),
                kind=MovementKind.PICKED_UP,
                at=report.reported_at,
                job_id=job.id,
                depot_id=depot_id,
            )
            for (depot_id, sku), quantity in sorted(collected.items())
            if quantity > recorded.get((depot_id, sku), 0)
        ],
    )


def van_stock_now(session: Session, technician_id: str, at: datetime) -> dict[str, int]:
    """What is on the technician's van at ``at``: the stored (settled) stock plus the movements recorded
    since, for the job sheet and dispatchers. Only parts with a positive quantity are listed."""
    stock = van_stock_of(session, technician_id)
    for movement in unsettled_of_technician(session, technician_id, at):
        stock[movement.sku] = stock.get(movement.sku, 0) + movement.quantity
    return {sku: quantity for sku, quantity in sorted(stock.items()) if quantity > 0}


@dataclass(frozen=True, slots=True)
class Settlement:
    """What settling a day applied: movements, and the net change per van and per depot line."""

    day: date
    movements: int
    van_changes: dict[tuple[str, str], int]
    depot_changes: dict[tuple[str, str], int]


def settle_day(session: Session, day: date, *, now: datetime) -> Settlement:
    """Apply the day's part movements to ``van_stock`` and ``depot_stock``, each movement once.

    Only when no visit of the day is still under way: until then the live day derives vans and depots
    from the published route, and changed tables would count the same parts twice. A second settlement
    finds nothing left to apply.
    """
    under_way = jobs_under_way_on(session, day)
    if under_way:
        shown = ", ".join(under_way[:5]) + (" ..." if len(under_way) > 5 else "")
        raise Conflict(f"{day} cannot be settled yet: visits still under way ({shown})")
    movements = lock_unsettled_of_day(session, day)
    van: dict[tuple[str, str], int] = {}
    depot: dict[tuple[str, str], int] = {}
    for m in movements:
        van[(m.technician_id, m.sku)] = van.get((m.technician_id, m.sku), 0) + m.quantity
        if m.kind is MovementKind.PICKED_UP and m.depot_id is not None:
            depot[(m.depot_id, m.sku)] = depot.get((m.depot_id, m.sku), 0) - m.quantity
    change_van_stock(session, van)
    change_depot_stock(session, depot)
    mark_settled(session, [m.id for m in movements], now)
    return Settlement(day=day, movements=len(movements), van_changes=van, depot_changes=depot)


def format_settlement(settled: Settlement) -> str:
    """The command line's account of a settlement."""
    if settled.movements == 0:
        return f"{settled.day}: nothing to settle (no part movements left unsettled)"
    lines = [f"{settled.day}: settled {settled.movements} part movements"]
    lines += [f"  van {t:<12} {sku:<14} {q:+d}" for (t, sku), q in sorted(settled.van_changes.items()) if q]
    lines += [
        f"  depot {d:<10} {sku:<14} {q:+d}" for (d, sku), q in sorted(settled.depot_changes.items()) if q
    ]
    return "\n".join(lines)


def settle_day_command(database_url: str, day: date, now: datetime) -> str:
    """What ``dispatch settle DAY`` does: settle in one unit of work and describe it."""
    from dispatch.persistence.db import make_engine, make_session_factory, session_scope

    engine = make_engine(database_url, sqlite_begin="BEGIN IMMEDIATE")
    try:
        with session_scope(make_session_factory(engine)) as session:
            settled = settle_day(session, day, now=now)
    finally:
        engine.dispose()
    return format_settlement(settled)
