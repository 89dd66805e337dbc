"""Progress reports on visits and the job status they move, with the answer first given to each key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from dispatch.domain.jobs import JobStatus
from dispatch.domain.plans import PlanStatus
from dispatch.domain.progress import NotCompletedReason, ReportKind, VisitReport
from dispatch.persistence.models import JobRow, PlanRow, PlanVisitRow, TicketRow, VisitReportRow, table_of

_REPORTS = table_of(VisitReportRow)
_JOBS = table_of(JobRow)
_PLANS = table_of(PlanRow)
_VISITS = table_of(PlanVisitRow)
_TICKETS = table_of(TicketRow)


@dataclass(frozen=True, slots=True)
class StoredReport:
    report: VisitReport
    answer: dict[str, Any]


class VisitReportRepository:
    """Reads and writes inside the caller's session; never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_key(self, technician_id: str, idempotency_key: str) -> StoredReport | None:
        """The report ``technician_id`` stored under ``idempotency_key`` and its answer, if any.

        Keys are unique per technician only: each phone makes its own, and another's key means nothing here.
        """
        row = (
            self.session.execute(
                select(_REPORTS).where(
                    _REPORTS.c.technician_id == technician_id, _REPORTS.c.idempotency_key == idempotency_key
                )
            )
            .mappings()
            .one_or_none()
        )
        return None if row is None else StoredReport(_report_of(row), dict(row["answer"]))

    def add(self, report: VisitReport, answer: dict[str, Any]) -> None:
        """Store a report; the same technician storing the same key again breaks the unique constraint."""
        self.session.execute(insert(_REPORTS).values(**_row_of(report, answer)))

    def add_many(self, reports: Sequence[VisitReport]) -> None:
        """Store many reports in one multi-row statement (a history loaded at once), answers empty."""
        if not reports:
            return
        self.session.execute(insert(_REPORTS), [_row_of(report, {}) for report in reports])

    def for_jobs(self, job_ids: Sequence[str]) -> list[VisitReport]:
        """Every report on these jobs, oldest first."""
        if not job_ids:
            return []
        rows = self.session.execute(
            select(_REPORTS)
            .where(_REPORTS.c.job_id.in_(job_ids))
            .order_by(_REPORTS.c.reported_at, _REPORTS.c.id)
        ).mappings()
        return [_report_of(row) for row in rows]

    def is_on_published_route(self, technician_id: str, job_id: str) -> bool:
        """Whether a published plan sends ``technician_id`` to ``job_id`` (their own work)."""
        return self.published_times(technician_id, job_id) is not None

    def published_times(self, technician_id: str, job_id: str) -> tuple[datetime, datetime] | None:
        """The planned arrival and end of ``technician_id``'s visit to ``job_id`` in a published plan."""
        found = self.session.execute(
            select(_VISITS.c.arrives_at, _VISITS.c.ends_at)
            .join(_PLANS, _PLANS.c.id == _VISITS.c.plan_id)
            .where(
                _VISITS.c.job_id == job_id,
                _VISITS.c.technician_id == technician_id,
                _PLANS.c.status == PlanStatus.PUBLISHED.value,
            )
            .limit(1)
        ).first()
        return None if found is None else (found[0], found[1])

    def lock_job_status(self, job_id: str) -> JobStatus | None:
        """The job's status, its row locked until the transaction ends (PostgreSQL), so reports queue."""
        status = self.session.execute(
            select(_JOBS.c.status).where(_JOBS.c.id == job_id).with_for_update()
        ).scalar_one_or_none()
        return None if status is None else JobStatus(status)

    def set_job_status(self, job_id: str, status: JobStatus) -> None:
        self.session.execute(update(_JOBS).where(_JOBS.c.id == job_id).values(status=status.value))


def reports_stamp(session: Session) -> tuple[int, datetime | None]:
    """How many reports are stored and when the latest was made: changes whenever one arrives."""
    count, latest = session.execute(
        select(func.count(), func.max(_REPORTS.c.reported_at)).select_from(_REPORTS)
    ).one()
    return int(count), latest


def published_plan_id_with_job(session: Session, job_id: str) -> str | None:
    """The published plan that places ``job_id``, the latest day first."""
    return session.execute(
        select(_PLANS.c.id)
        .join(_VISITS, _VISITS.c.plan_id == _PLANS.c.id)
        .where(_VISITS.c.job_id == job_id, _PLANS.c.status == PlanStatus.PUBLISHED.value)
        .order_by(_PLANS.c.day.desc(), _PLANS.c.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def _report_of(row: RowMapping) -> VisitReport:
    return VisitReport(
        id=row["id"],
        idempotency_key=row["idempotency_key"],
        job_id=row["job_id"],
        technician_id=row["technician_id"],
        kind=ReportKind(row["kind"]),
        reported_at=row["reported_at"],
        status_after=JobStatus(row["status_after"]),
        reason=None if row["reason"] is None else NotCompletedReason(row["reason"]),
        late_by_min=row["late_by_min"],
        expected_at=row["expected_at"],
    )


@dataclass(frozen=True, slots=True)
class TimedVisit:
    """A completed visit as reported: its ticket's category and kind, who did it, and its time on site."""

    job_id: str
    technician_id: str
    category: str
    ticket_kind: str
    arrived_at: datetime
    completed_at: datetime


def completed_visits(session: Session, *, since: datetime) -> list[TimedVisit]:
    """Every visit reported arrived and then completed by the same technician at or after ``since``.

    The last arrival before the completion counts (a technician who re-reports arrival restarts the clock).
    """
    reports = (
        select(
            _REPORTS.c.job_id,
            _REPORTS.c.technician_id,
            _REPORTS.c.kind,
            _REPORTS.c.reported_at,
            _TICKETS.c.category,
            _TICKETS.c.kind.label("ticket_kind"),
        )
        .join(_JOBS, _JOBS.c.id == _REPORTS.c.job_id)
        .join(_TICKETS, _TICKETS.c.id == _JOBS.c.ticket_id)
        .where(
            _JOBS.c.status == JobStatus.COMPLETED.value,
            _REPORTS.c.kind.in_([ReportKind.ARRIVED.value, ReportKind.COMPLETED.value]),
            _REPORTS.c.reported_at >= since,
        )
        .order_by(_REPORTS.c.job_id, _REPORTS.c.technician_id, _REPORTS.c.reported_at)
    )
    visits = []
    arrived: dict[tuple[str, str], datetime] = {}
    for row in session.execute(reports):
        key = (row.job_id, row.technician_id)
        if row.kind == ReportKind.ARRIVED.value:
            arrived[key] = row.reported_at
        elif key in arrived and row.reported_at > arrived[key]:
            visits.append(
                TimedVisit(
                    row.job_id,
                    row.technician_id,
                    row.category,
                    row.ticket_kind,
                    arrived[key],
                    row.reported_at,
                )
            )
    return visits


def _row_of(report: VisitReport, answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": report.id,
        "idempotency_key": report.idempotency_key,
        "job_id": report.job_id,
        "technician_id": report.technician_id,
        "kind": report.kind.value,
        "reason": None if report.reason is None else report.reason.value,
        "late_by_min": report.late_by_min,
        "expected_at": report.expected_at,
        "reported_at": report.reported_at,
        "status_after": report.status_after.value,
        "answer": answer,
    }
