"""Progress reports on visits: technicians report on their own visits; dispatchers read the history."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, status

from api.deps import DispatcherUser, NowDep, SessionDep, SettingsDep, TechnicianUser
from api.routes.plan_jobs import QueueDep, SessionFactoryDep
from api.schemas.common import Problem, RecordId
from api.schemas.progress import HistoryOut, ReportIn, ReportOut
from dispatch.services.plan_jobs import enqueue_plan_job
from dispatch.services.progress import report_history
from dispatch.services.report_replans import report_and_replan

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
    job_id: RecordId,
    body: ReportIn,
    user: TechnicianUser,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    queue: QueueDep,
    factory: SessionFactoryDep,
    after_commit: BackgroundTasks,
) -> ReportOut:
    """Report progress on one of your visits; the same ``idempotency_key`` again gets the same answer.

    Running well late, done well early or unable to complete starts a search for a better plan of the
    day, published only if better."""
    assert user.technician_id is not None
    answer, search = report_and_replan(
        session,
        technician_id=user.technician_id,
        request=body.to_request(job_id),
        now=now,
        time_limit_s=settings.plan_time_limit_s,
        requested_by=user.id,
    )
    if search is not None:
        after_commit.add_task(enqueue_plan_job, factory, queue, search.id)
    return ReportOut.of(answer)


@router.get("/jobs/{job_id}/reports", response_model=list[HistoryOut])
def history(job_id: RecordId, user: DispatcherUser, session: SessionDep) -> list[HistoryOut]:
    """Every report on a job, oldest first, with who reported it and when."""
    return [HistoryOut.model_validate(r) for r in report_history(session, job_id)]
