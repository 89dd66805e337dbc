"""Technicians' progress reports: each takes effect once, whatever the network does to it.

A report carries a client-made idempotency key. The first request with a key decides the answer and
stores it beside the report; every later request with that key (a retry, or a twin sent at the same
moment) gets the stored answer back and changes nothing. Twins are serialised by locking the job's
row; the unique key is the last line of defence when two twins still race to insert.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch.domain.errors import Conflict, DomainError, RecordNotFound
from dispatch.domain.jobs import JobStatus
from dispatch.domain.lifecycle import FINAL_JOB_STATUSES, advance_job
from dispatch.domain.progress import NotCompletedReason, ReportKind, VisitReport
from dispatch.persistence.repositories import JobRepository
from dispatch.persistence.repositories.visit_reports import StoredReport, VisitReportRepository
from dispatch.services.audit import JOB, record
from dispatch.services.procedures import refuse_completion_with_open_steps, seal_checklist
from dispatch.services.report_effects import apply_report_effects


class ReportOutOfOrder(Conflict):
    """The report does not follow from the visit's current status (states only move forward)."""


class KeyReused(DomainError):
    """The idempotency key was already used for a different report."""


@dataclass(frozen=True, slots=True)
class ReportRequest:
    idempotency_key: str
    job_id: str
    kind: ReportKind
    reason: NotCompletedReason | None = None
    late_by_min: int | None = None


def report_progress(
    session: Session, *, technician_id: str, request: ReportRequest, now: datetime
) -> dict[str, Any]:
    """Apply a report (once per key) and return its answer; the caller's unit of work commits.

    A visit is completed only with every mandatory step of its checklist done (``ChecklistIncomplete``,
    a ``Conflict`` naming the open steps, otherwise); the checklist is then stored as completed with it.

    ``RecordNotFound`` when the job is not on the technician's published route: another technician's
    visit looks exactly like one that does not exist.
    """
    reports = VisitReportRepository(session)
    stored = reports.by_key(technician_id, request.idempotency_key)
    if stored is not None:
        return _replay(stored, technician_id, request)
    planned = reports.published_times(technician_id, request.job_id)
    if planned is None:
        raise RecordNotFound(f"no visit {request.job_id!r} on your job sheets")
    current = reports.lock_job_status(request.job_id)
    if current is None:
        raise RecordNotFound(f"no visit {request.job_id!r} on your job sheets")
    stored = reports.by_key(technician_id, request.idempotency_key)  # a twin may have committed meanwhile
    if stored is not None:
        return _replay(stored, technician_id, request)

    target = request.kind.status
    if target is None:
        if current in FINAL_JOB_STATUSES:
            raise ReportOutOfOrder(f"the visit is already {current.value}: a delay no longer applies")
        after = current
    else:
        try:
            after = advance_job(current, target)
        except DomainError as refused:
            raise ReportOutOfOrder(f"{request.kind.value} cannot be reported now: {refused}") from None
    completing = after is JobStatus.COMPLETED and current is not JobStatus.COMPLETED
    if completing:
        refuse_completion_with_open_steps(session, request.job_id)
    report = VisitReport(
        id=str(uuid.uuid4()),
        idempotency_key=request.idempotency_key,
        job_id=request.job_id,
        technician_id=technician_id,
        kind=request.kind,
        reported_at=now,
        status_after=after,
        reason=request.reason,
        late_by_min=request.late_by_min,
        expected_at=_expected_at(request, current, planned),
    )
    answer: dict[str, Any] = {
        "report_id": report.id,
        "job_id": report.job_id,
        "kind": report.kind.value,
        "status": after.value,
        "changed": after != current,
        "reported_at": now.isoformat(),
    }
    try:
        with session.begin_nested():
            reports.add(report, answer)
    except IntegrityError:
        stored = reports.by_key(technician_id, request.idempotency_key)
        if stored is None:
            raise
        return _replay(stored, technician_id, request)
    if completing:
        seal_checklist(session, request.job_id, technician_id, now)
    if after != current:
        reports.set_job_status(request.job_id, after)
        why = f"{request.kind.value} reported" + (f" ({request.reason.value})" if request.reason else "")
        old, new = current.value, after.value
        record(session, JOB, request.job_id, "status", at=now, from_value=old, to_value=new, why=why)
        apply_report_effects(session, report)
    return answer


def _expected_at(
    request: ReportRequest, current: JobStatus, planned: tuple[datetime, datetime]
) -> datetime | None:
    """What a delay means in time: the planned arrival (on site: the planned end) plus the minutes late."""
    if request.late_by_min is None:
        return None
    arrival, end = planned
    return (end if current is JobStatus.ON_SITE else arrival) + timedelta(minutes=request.late_by_min)


def report_history(session: Session, job_id: str) -> list[VisitReport]:
    """Every report on ``job_id``, oldest first; ``RecordNotFound`` for an unknown job."""
    JobRepository(session).require(job_id)
    return VisitReportRepository(session).for_jobs([job_id])


def _replay(stored: StoredReport, technician_id: str, request: ReportRequest) -> dict[str, Any]:
    """The stored answer, if the key is being reused for the very same report."""
    first = stored.report
    same = (
        first.technician_id == technician_id
        and first.job_id == request.job_id
        and first.kind is request.kind
        and first.reason == request.reason
        and first.late_by_min == request.late_by_min
    )
    if not same:
        raise KeyReused("this idempotency key was already used for a different report; make a new key")
    return stored.answer
