"""Liveness with a database round trip; open to all so load balancers and monitors can call it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from api.deps import SessionDep
from dispatch.services.unit_of_work import database_answers

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: str
    database: str


@router.get(
    "/health", response_model=HealthOut, responses={503: {"description": "The database does not answer"}}
)
def health(session: SessionDep) -> HealthOut:
    """``ok`` when the service runs and its database answers; 503 when the database does not."""
    if not database_answers(session):
        raise HTTPException(503, "the database does not answer")
    return HealthOut(status="ok", database="ok")
