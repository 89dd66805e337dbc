"""Onsite jobs as the API shows and accepts them; durations in whole minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from api.schemas.common import RequestModel
from api.schemas.values import Instant, RecordId, SkillLevel, WholeNumber
from dispatch.domain.contracts import Priority
from dispatch.domain.jobs import Job, JobStatus, PartRequirement, SkillRequirement, TimeWindow


class SkillNeed(RequestModel):
    skill: RecordId
    min_level: SkillLevel


class PartNeed(RequestModel):
    sku: RecordId
    quantity: WholeNumber = Field(ge=1, le=10_000)


class WindowIn(RequestModel):
    start: Instant
    end: Instant


class JobChange(RequestModel):
    ticket_id: RecordId
    site_id: RecordId
    duration_min: WholeNumber = Field(ge=1, le=24 * 60, description="Time on site, in minutes.")
    priority: Priority
    required_skills: list[SkillNeed] = Field(default_factory=list, max_length=20)
    required_parts: list[PartNeed] = Field(default_factory=list, max_length=50)
    windows: list[WindowIn] = Field(default_factory=list, max_length=20)
    sla_due: Instant | None = None
    pinned_technician_id: RecordId | None = None
    status: JobStatus = JobStatus.UNSCHEDULED

    def to_domain(self, job_id: str) -> Job:
        return Job(
            id=job_id,
            ticket_id=self.ticket_id,
            site_id=self.site_id,
            duration=timedelta(minutes=self.duration_min),
            priority=self.priority,
            required_skills=tuple(SkillRequirement(n.skill, n.min_level) for n in self.required_skills),
            required_parts=tuple(PartRequirement(n.sku, n.quantity) for n in self.required_parts),
            windows=tuple(TimeWindow(w.start, w.end) for w in self.windows),
            sla_due=self.sla_due,
            pinned_technician_id=self.pinned_technician_id,
            status=self.status,
        )


class JobIn(JobChange):
    id: RecordId


class SkillNeedOut(BaseModel):
    skill: str
    min_level: int


class PartNeedOut(BaseModel):
    sku: str
    quantity: int


class WindowOut(BaseModel):
    start: datetime
    end: datetime


class JobOut(BaseModel):
    id: str
    ticket_id: str
    site_id: str
    duration_min: int
    priority: Priority
    required_skills: list[SkillNeedOut]
    required_parts: list[PartNeedOut]
    windows: list[WindowOut]
    sla_due: datetime | None
    pinned_technician_id: str | None
    status: JobStatus

    @classmethod
    def of(cls, job: Job) -> JobOut:
        return cls(
            id=job.id,
            ticket_id=job.ticket_id,
            site_id=job.site_id,
            duration_min=int(job.duration.total_seconds() // 60),
            priority=job.priority,
            required_skills=[SkillNeedOut(skill=n.skill, min_level=n.min_level) for n in job.required_skills],
            required_parts=[PartNeedOut(sku=n.sku, quantity=n.quantity) for n in job.required_parts],
            windows=[WindowOut(start=w.start, end=w.end) for w in job.windows],
            sla_due=job.sla_due,
            pinned_technician_id=job.pinned_technician_id,
            status=job.status,
        )
