"""Progress reports and job sheets as the API speaks them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.schemas.common import RequestModel
from api.schemas.procedures import ChecklistOut
from dispatch.domain.jobs import JobStatus
from dispatch.domain.plans import VisitKind
from dispatch.domain.procedures import Checklist
from dispatch.domain.progress import MAX_LATE_MINUTES, NotCompletedReason, ReportKind
from dispatch.services.progress import ReportRequest


class ReportIn(RequestModel):
    """One progress report; retry it with the same ``idempotency_key`` as often as needed."""

    idempotency_key: uuid.UUID = Field(description="Made by the client (a UUID), one per report.")
    kind: ReportKind
    reason: NotCompletedReason | None = Field(default=None, description="Only with `not_completed`.")
    late_by_min: Annotated[int, Field(ge=1, le=MAX_LATE_MINUTES)] | None = Field(
        default=None, description="Only with `running_late`: minutes after the planned arrival."
    )

    @model_validator(mode="after")
    def _details_match_the_kind(self) -> Self:
        if (self.kind is ReportKind.NOT_COMPLETED) != (self.reason is not None):
            raise ValueError("a reason is required with 'not_completed' and allowed only with it")
        if (self.kind is ReportKind.RUNNING_LATE) != (self.late_by_min is not None):
            raise ValueError("late_by_min is required with 'running_late' and allowed only with it")
        return self

    def to_request(self, job_id: str) -> ReportRequest:
        return ReportRequest(
            idempotency_key=str(self.idempotency_key),
            job_id=job_id,
            kind=self.kind,
            reason=self.reason,
            late_by_min=self.late_by_min,
        )


class ReportOut(BaseModel):
    """The answer to a report; a retry with the same key gets exactly this answer again."""

    report_id: str
    job_id: str
    kind: ReportKind
    status: JobStatus = Field(description="The visit's status after the report.")
    changed: bool = Field(description="False when the visit already had this status (a no-op).")
    reported_at: datetime

    @classmethod
    def of(cls, answer: dict[str, Any]) -> ReportOut:
        return cls.model_validate(answer)


class HistoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    job_id: str
    technician_id: str
    kind: ReportKind
    reason: NotCompletedReason | None
    late_by_min: int | None
    reported_at: datetime
    status_after: JobStatus


class PartLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sku: str
    name: str
    quantity: int
    source: str


class SkillLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    min_level: int


class SheetStopOut(BaseModel):
    """A stop with local times (ISO 8601 with the place's UTC offset)."""

    model_config = ConfigDict(from_attributes=True)

    sequence: int
    kind: VisitKind
    arrival: datetime
    start: datetime
    end: datetime
    window_from: datetime
    window_to: datetime
    window_promised: bool = Field(
        default=False,
        description="The window was told to the customer: do not begin the visit before it opens.",
    )
    estimated_start: datetime
    place_name: str
    address: str
    lat: float
    lon: float
    timezone: str
    maps_url: str
    job_id: str | None
    ticket_id: str | None
    status: JobStatus | None
    summary: str
    category: str
    priority: str
    sla_due: datetime | None = Field(
        default=None, description="Resolve by then: the ticket's resolution due time while it is unresolved."
    )
    response_due: datetime | None = Field(
        default=None,
        description="Arrive by then: the ticket's response due time while it awaits its first response.",
    )
    after_sla: bool = Field(
        default=False,
        description="Planned to arrive after the response due time or to end after the resolution due time.",
    )
    contact_name: str
    contact_phone: str
    contact_email: str
    access_notes: str
    skills: list[SkillLineOut]
    parts: list[PartLineOut]
    checklist: ChecklistOut | None = Field(
        default=None, description="The visit's procedure steps and what is done; none without a procedure."
    )

    @field_validator("checklist", mode="before")
    @classmethod
    def _checklist_out(cls, value: object) -> object:
        return ChecklistOut.of(value) if isinstance(value, Checklist) else value


class JobSheetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    technician_id: str
    technician_name: str
    day: date
    timezone: str
    plan_id: str
    starts: datetime
    ends: datetime
    lunch_start: datetime | None
    lunch_end: datetime | None
    lunch_before: int | None
    stops: list[SheetStopOut]
