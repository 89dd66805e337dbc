"""Procedures and visits' checklists: dispatchers keep the procedures, technicians work through them.

Marks are made on the phone and may arrive late, twice or at once, like reports: each carries an
idempotency key, and marks and reports on one visit queue behind the lock on the job's row, so a visit
is never completed while a mark that opens a step is being stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch.domain.errors import Conflict, DomainError, RecordNotFound
from dispatch.domain.jobs import Job
from dispatch.domain.lifecycle import FINAL_JOB_STATUSES
from dispatch.domain.listings import Page
from dispatch.domain.procedures import (
    Checklist,
    ChecklistIncomplete,
    Procedure,
    StepMark,
    check_answer,
    checklist_of,
    mark_is_done,
    procedure_for,
)
from dispatch.domain.tickets import Ticket
from dispatch.persistence.repositories import JobRepository, TicketRepository
from dispatch.persistence.repositories.procedures import ChecklistRepository, ProcedureRepository
from dispatch.persistence.repositories.visit_reports import VisitReportRepository
from dispatch.services.records import Records

procedure_records = Records(ProcedureRepository)


class MarkKeyReused(DomainError):
    """The idempotency key was already used for a different mark."""


@dataclass(frozen=True, slots=True)
class MarkRequest:
    idempotency_key: str
    job_id: str
    step_code: str
    done: bool
    answer: str | None = None


def find_procedures(session: Session, category: str | None, *, limit: int, offset: int) -> Page[Procedure]:
    """A page of procedures by id, of one category if given."""
    return ProcedureRepository(session).find(category, limit=limit, offset=offset)


def add_procedures(session: Session, procedures: Sequence[Procedure]) -> None:
    """Store many procedures at once (a demo catalogue, an import)."""
    ProcedureRepository(session).add_many(procedures)


def visit_checklist(session: Session, job_id: str) -> Checklist | None:
    """The checklist of a visit as it stands; ``None`` when no procedure covers the job's category.

    ``RecordNotFound`` for an unknown job.
    """
    job = JobRepository(session).require(job_id)
    return _checklists(session, [job]).get(job_id)


def checklists_of_jobs(
    session: Session, jobs: Sequence[Job], tickets: dict[str, Ticket]
) -> dict[str, Checklist]:
    """The checklists of ``jobs`` (tickets by id already read), for those whose category has a procedure."""
    return _checklists(session, jobs, tickets)


def marks_version(session: Session, technician_id: str) -> tuple[int, datetime | None]:
    """Changes each time the technician marks a step: part of their job sheet's version stamp."""
    return ChecklistRepository(session).marks_stamp(technician_id)


def mark_step(session: Session, *, technician_id: str, request: MarkRequest, now: datetime) -> dict[str, Any]:
    """Tick, untick or answer a step of one of the technician's visits (once per key); the caller commits.

    The first mark on a visit fixes its checklist to the procedure's steps as they are then.
    """
    checklists = ChecklistRepository(session)
    stored = checklists.mark_by_key(technician_id, request.idempotency_key)
    if stored is not None:
        return _replay(stored.mark, stored.reply, technician_id, request)
    reports = VisitReportRepository(session)
    if not reports.is_on_published_route(technician_id, request.job_id):
        raise RecordNotFound(f"no visit {request.job_id!r} on your job sheets")
    status = reports.lock_job_status(request.job_id)
    if status is None:
        raise RecordNotFound(f"no visit {request.job_id!r} on your job sheets")
    stored = checklists.mark_by_key(technician_id, request.idempotency_key)  # a twin may have committed
    if stored is not None:
        return _replay(stored.mark, stored.reply, technician_id, request)
    if status in FINAL_JOB_STATUSES:
        raise Conflict(f"the visit is already {status.value}: its checklist can no longer change")
    current = visit_checklist(session, request.job_id)
    if current is None:
        raise RecordNotFound(f"visit {request.job_id} has no checklist: no procedure covers its category")
    step = next((line.step for line in current.lines if line.step.code == request.step_code), None)
    if step is None:
        raise RecordNotFound(f"no step {request.step_code!r} on the checklist of visit {request.job_id}")
    answer = request.answer.strip() if request.answer is not None else None
    check_answer(step, request.done, answer)
    if checklists.get(request.job_id) is None:
        checklists.start(request.job_id, procedure_of(current), now)
    done = mark_is_done(step, request.done, answer)
    mark = StepMark(
        id=str(uuid.uuid4()),
        idempotency_key=request.idempotency_key,
        job_id=request.job_id,
        step_code=step.code,
        done=done,
        technician_id=technician_id,
        marked_at=now,
        answer=answer if done else None,
    )
    after = checklist_of(request.job_id, procedure_of(current), [*checklists.marks(request.job_id), mark])
    reply: dict[str, Any] = {
        "mark_id": mark.id,
        "job_id": mark.job_id,
        "step_code": mark.step_code,
        "done": mark.done,
        "answer": mark.answer,
        "marked_at": now.isoformat(),
        "open_mandatory": [s.code for s in after.open_mandatory],
    }
    try:
        with session.begin_nested():
            checklists.add_mark(mark, reply)
    except IntegrityError:
        stored = checklists.mark_by_key(technician_id, request.idempotency_key)
        if stored is None:
            raise
        return _replay(stored.mark, stored.reply, technician_id, request)
    return reply


def refuse_completion_with_open_steps(session: Session, job_id: str) -> None:
    """``ChecklistIncomplete`` naming the open mandatory steps, if the visit has any."""
    current = visit_checklist(session, job_id)
    if current is not None and current.open_mandatory:
        raise ChecklistIncomplete(job_id, current.open_mandatory)


def seal_checklist(session: Session, job_id: str, technician_id: str, now: datetime) -> None:
    """Store the visit's checklist as completed by ``technician_id`` at ``now`` (fixing it if unmarked)."""
    current = visit_checklist(session, job_id)
    if current is None:
        return
    checklists = ChecklistRepository(session)
    if checklists.get(job_id) is None:
        checklists.start(job_id, procedure_of(current), now)
    checklists.complete(job_id, technician_id, now)


def procedure_of(checklist: Checklist) -> Procedure:
    """The steps a checklist was made from, as a procedure."""
    steps = tuple(line.step for line in checklist.lines)
    return Procedure(checklist.procedure_id, "", checklist.procedure_name, steps)


def _checklists(
    session: Session, jobs: Sequence[Job], tickets: dict[str, Ticket] | None = None
) -> dict[str, Checklist]:
    if not jobs:
        return {}
    stored = ChecklistRepository(session).for_jobs([job.id for job in jobs])
    if tickets is None:
        tickets = {t.id: t for t in TicketRepository(session).get_many([job.ticket_id for job in jobs])}
    procedures: dict[str, list[Procedure]] = {}
    found: dict[str, Checklist] = {}
    repository = ProcedureRepository(session)
    for job in jobs:
        if job.id in stored:
            fixed, marks = stored[job.id]
            found[job.id] = checklist_of(
                job.id,
                fixed.procedure,
                marks,
                completed_at=fixed.completed_at,
                completed_by=fixed.completed_by,
            )
            continue
        ticket = tickets.get(job.ticket_id)
        if ticket is None:
            continue
        if ticket.category not in procedures:
            procedures[ticket.category] = repository.of_category(ticket.category)
        procedure = procedure_for(procedures[ticket.category], ticket.category, ticket.kind)
        if procedure is not None:
            found[job.id] = checklist_of(job.id, procedure, [])
    return found


def _replay(
    first: StepMark, reply: dict[str, Any], technician_id: str, request: MarkRequest
) -> dict[str, Any]:
    """The stored reply, if the key is being reused for the very same mark."""
    answer = request.answer.strip() if request.answer is not None else None
    same = (
        first.technician_id == technician_id
        and first.job_id == request.job_id
        and first.step_code == request.step_code
        and first.done == request.done
        and first.answer == (answer if request.done else None)
    )
    if not same:
        raise MarkKeyReused("this idempotency key was already used for a different mark; make a new key")
    return reply
