"""Standby agreements and their cover as the API accepts and shows them; the response time in minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from api.schemas.common import RequestModel
from api.schemas.jobs import SkillNeed, SkillNeedOut
from api.schemas.values import Instant, RecordId, WholeNumber
from dispatch.domain.jobs import SkillRequirement
from dispatch.domain.standby import StandbyAgreement, StandbyCoverSegment
from dispatch.services.standby import AgreementDraft, StandbyCover, local


class StandbyAgreementIn(RequestModel):
    id: RecordId
    customer_id: RecordId
    site_id: RecordId
    starts_at: Instant
    ends_at: Instant
    required_skills: list[SkillNeed] = Field(min_length=1, max_length=20)
    response_min: WholeNumber = Field(
        ge=1, le=7 * 24 * 60, description="Guaranteed onsite response, minutes."
    )

    def to_draft(self) -> AgreementDraft:
        return AgreementDraft(
            id=self.id,
            customer_id=self.customer_id,
            site_id=self.site_id,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            required_skills=tuple(SkillRequirement(n.skill, n.min_level) for n in self.required_skills),
            response=timedelta(minutes=self.response_min),
        )


class StandbyAgreementOut(BaseModel):
    id: str
    customer_id: str
    site_id: str
    starts_at: datetime
    ends_at: datetime
    required_skills: list[SkillNeedOut]
    response_min: int

    @classmethod
    def of(cls, agreement: StandbyAgreement) -> StandbyAgreementOut:
        return cls(
            id=agreement.id,
            customer_id=agreement.customer_id,
            site_id=agreement.site_id,
            starts_at=agreement.starts_at,
            ends_at=agreement.ends_at,
            required_skills=[
                SkillNeedOut(skill=r.skill, min_level=r.min_level) for r in agreement.required_skills
            ],
            response_min=int(agreement.response.total_seconds()) // 60,
        )


class CoverSegmentOut(BaseModel):
    technician_id: str | None = Field(description="Who covers this part; null: nobody (a gap).")
    start: datetime
    end: datetime
    start_local: str = Field(description="The start in the site's local time, ISO 8601 with its offset.")
    end_local: str
    gap: bool
    caused_by_plan: bool = Field(description="A gap a technician on duty could have covered.")
    reason: str = ""


class StandbyCoverOut(BaseModel):
    agreement: StandbyAgreementOut
    site_timezone: str
    segments: list[CoverSegmentOut]
    gaps: list[CoverSegmentOut]

    @classmethod
    def of(cls, cover: StandbyCover) -> StandbyCoverOut:
        def shown(s: StandbyCoverSegment) -> CoverSegmentOut:
            return CoverSegmentOut(
                technician_id=s.technician_id,
                start=s.start,
                end=s.end,
                start_local=local(s.start, cover.site).isoformat(),
                end_local=local(s.end, cover.site).isoformat(),
                gap=s.is_gap,
                caused_by_plan=s.plan_caused,
                reason=s.reason,
            )

        return cls(
            agreement=StandbyAgreementOut.of(cover.agreement),
            site_timezone=cover.site.timezone,
            segments=[shown(s) for s in cover.segments],
            gaps=[shown(s) for s in cover.gaps],
        )
