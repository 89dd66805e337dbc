"""Procedures (dispatchers keep them), visits' checklists (dispatchers read them) and technicians' marks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import DispatcherUser, NowDep, PageDep, SessionDep, TechnicianUser
from api.schemas.common import Page, Problem, page_out
from api.schemas.procedures import ChecklistOut, MarkIn, MarkOut, ProcedureChange, ProcedureIn, ProcedureOut
from api.schemas.values import RecordId
from dispatch.domain.errors import RecordNotFound
from dispatch.services.procedures import find_procedures, mark_step, procedure_records, visit_checklist

router = APIRouter(tags=["procedures"])


@router.get("/procedures", response_model=Page[ProcedureOut])
def list_procedures(
    user: DispatcherUser,
    session: SessionDep,
    paging: PageDep,
    category: Annotated[RecordId | None, Query(description="Only this ticket category.")] = None,
) -> Page[ProcedureOut]:
    """Procedures by id, optionally of one category."""
    found = find_procedures(session, category, limit=paging.limit, offset=paging.offset)
    return page_out(found, ProcedureOut.of)


@router.post("/procedures", response_model=ProcedureOut, status_code=status.HTTP_201_CREATED)
def create_procedure(body: ProcedureIn, user: DispatcherUser, session: SessionDep) -> ProcedureOut:
    """A new procedure; one per category and ticket kind (409 otherwise)."""
    return ProcedureOut.of(procedure_records.add(session, body.to_domain(body.id)))


@router.get("/procedures/{procedure_id}", response_model=ProcedureOut)
def get_procedure(procedure_id: RecordId, user: DispatcherUser, session: SessionDep) -> ProcedureOut:
    return ProcedureOut.of(procedure_records.get(session, procedure_id))


@router.put("/procedures/{procedure_id}", response_model=ProcedureOut)
def update_procedure(
    procedure_id: RecordId, body: ProcedureChange, user: DispatcherUser, session: SessionDep
) -> ProcedureOut:
    """Replace a procedure's steps; visits already begun keep the steps they began with."""
    return ProcedureOut.of(procedure_records.replace(session, body.to_domain(procedure_id)))


@router.delete("/procedures/{procedure_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_procedure(procedure_id: RecordId, user: DispatcherUser, session: SessionDep) -> None:
    """Delete a procedure; visits already begun keep their checklists."""
    procedure_records.delete(session, procedure_id)


@router.get("/jobs/{job_id}/checklist", response_model=ChecklistOut)
def job_checklist(job_id: RecordId, user: DispatcherUser, session: SessionDep) -> ChecklistOut:
    """The visit's checklist: steps, answers, who marked them and when, and who completed the visit."""
    checklist = visit_checklist(session, job_id)
    if checklist is None:
        raise RecordNotFound(f"job {job_id} has no checklist: no procedure covers its ticket's category")
    return ChecklistOut.of(checklist)


@router.post(
    "/tech/visits/{job_id}/checklist/{step_code}",
    response_model=MarkOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {
            "model": Problem,
            "description": "Not a visit on your job sheets, or not a step of its checklist",
        },
        409: {"model": Problem, "description": "The visit is over: its checklist can no longer change"},
        422: {"model": Problem, "description": "Invalid, or the key was used for another mark"},
    },
)
def mark(
    job_id: RecordId,
    step_code: RecordId,
    body: MarkIn,
    user: TechnicianUser,
    session: SessionDep,
    now: NowDep,
) -> MarkOut:
    """Tick, untick or answer a step of one of your visits; the same ``idempotency_key`` again gets the
    same answer."""
    assert user.technician_id is not None
    reply = mark_step(
        session, technician_id=user.technician_id, request=body.to_request(job_id, step_code), now=now
    )
    return MarkOut.of(reply)
