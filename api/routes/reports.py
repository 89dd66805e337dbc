"""Progress reports on visits: technicians report on their own visits; dispatchers read the history."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import DispatcherUser, NowDep, SessionDep, TechnicianUser
from api.schemas.common import Problem, RecordId
from api.schemas.progress import HistoryOut, ReportIn, ReportOut
from dispatch.persistence.repositories import JobRepository
from dispatch.persistence.repositories.visit_reports import VisitReportRepository
from dispatch.services.progress import report_progress

router = APIRouter(tags=["progress"])


@router.post(
    "/tech/visits/{job_id}/reports",
    response_model=ReportOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"model": Problem, "description": "Not a visit on your job sheets"},
        409: {"model": Problem, "description": "Out of order: states only move forward"},
        422: {"model": Problem, "description": "Invalid, or the key was used for another report"},
    },
)
def report(
    job_id: RecordId, body: ReportIn, user: TechnicianUser, session: SessionDep, now: NowDep
) -> ReportOut:
    """Report progress on one of your visits; the same ``idempotency_key`` again gets the same answer."""
    assert user.technician_id is not None
    answer = report_progress(
        session, technician_id=user.technician_id, request=body.to_request(job_id), now=now
    )
    return ReportOut.of(answer)


@router.get("/jobs/{job_id}/reports", response_model=list[HistoryOut])
def history(job_id: RecordId, user: DispatcherUser, session: SessionDep) -> list[HistoryOut]:
    """Every report on a job, oldest first, with who reported it and when."""
    JobRepository(session).require(job_id)
    return [HistoryOut.model_validate(r) for r in VisitReportRepository(session).for_jobs([job_id])]
