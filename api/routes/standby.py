"""Standby agreements: guaranteed technician availability at a site over a period (dispatchers only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from api.deps import SessionDep, require_dispatcher
from api.schemas.standby import StandbyAgreementIn, StandbyAgreementOut, StandbyCoverOut
from api.schemas.values import RecordId
from dispatch.services.standby import agreement_cover, create_agreement, list_agreements

router = APIRouter(prefix="/standby-agreements", tags=["standby"], dependencies=[Depends(require_dispatcher)])


@router.post("", response_model=StandbyAgreementOut, status_code=status.HTTP_201_CREATED)
def create_standby_agreement(body: StandbyAgreementIn, session: SessionDep) -> StandbyAgreementOut:
    """Guarantee a skilled technician within the response time at the site over the period."""
    return StandbyAgreementOut.of(create_agreement(session, body.to_draft()))


@router.get("", response_model=list[StandbyAgreementOut])
def list_standby_agreements(session: SessionDep) -> list[StandbyAgreementOut]:
    """Every standby agreement, by start."""
    return [StandbyAgreementOut.of(a) for a in list_agreements(session)]


@router.get("/{agreement_id}/cover", response_model=StandbyCoverOut)
def standby_cover(agreement_id: RecordId, session: SessionDep) -> StandbyCoverOut:
    """Who covers which part of the period on the published plans, and the gaps with their reasons."""
    return StandbyCoverOut.of(agreement_cover(session, agreement_id))
