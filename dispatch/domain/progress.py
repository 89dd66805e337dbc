"""What a technician reports about a visit, and the job status each report moves the visit to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from dispatch.domain.errors import DomainError
from dispatch.domain.jobs import JobStatus

MAX_LATE_MINUTES = 24 * 60


class ReportKind(StrEnum):
    EN_ROUTE = "en_route"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"
    """Could not complete; the reason says why."""
    RUNNING_LATE = "running_late"
    """No change of status: the visit will start ``late_by_min`` minutes after its planned arrival (on site:
    end that much after its planned end)."""

    @property
    def status(self) -> JobStatus | None:
        """The job status the report claims; ``None`` for a delay, which moves no status."""
        return _STATUS_OF.get(self)


_STATUS_OF = {
    ReportKind.EN_ROUTE: JobStatus.EN_ROUTE,
    ReportKind.ARRIVED: JobStatus.ON_SITE,
    ReportKind.COMPLETED: JobStatus.COMPLETED,
    ReportKind.NOT_COMPLETED: JobStatus.INCOMPLETE,
}


class NotCompletedReason(StrEnum):
    PART_MISSING = "part_missing"
    CUSTOMER_ABSENT = "customer_absent"
    NEEDS_SECOND_VISIT = "needs_second_visit"


@dataclass(frozen=True, slots=True)
class VisitReport:
    """One progress report as stored: who said what about which job, and when."""

    id: str
    idempotency_key: str
    job_id: str
    technician_id: str
    kind: ReportKind
    reported_at: datetime
    status_after: JobStatus
    reason: NotCompletedReason | None = None
    late_by_min: int | None = None
    expected_at: datetime | None = None
    """For a delay: the moment the minutes late mean, against the plan the technician had when they said
    it (the visit's start, or its end when on site), so a re-plan that publishes the delay does not count
    it again. ``None`` on a delay stored before it was kept: the minutes count against the plan."""

    def __post_init__(self) -> None:
        if self.reported_at.tzinfo is None:
            raise DomainError("reported_at must carry a time zone")
        if (self.kind is ReportKind.NOT_COMPLETED) != (self.reason is not None):
            raise DomainError("a reason goes with 'not_completed' and only with it")
        if (self.kind is ReportKind.RUNNING_LATE) != (self.late_by_min is not None):
            raise DomainError("minutes late go with 'running_late' and only with it")
        if self.late_by_min is not None and not 0 <= self.late_by_min <= MAX_LATE_MINUTES:
            raise DomainError(f"minutes late must be 0..{MAX_LATE_MINUTES}")
