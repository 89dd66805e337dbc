"""Liveness with a database round trip; open to all so load balancers and monitors can call it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import SessionDep

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: str
    database: str


@router.get(
    "/health", response_model=HealthOut, responses={503: {"description": "The database does not answer"}}
)
def health(session: SessionDep) -> HealthOut:
    """``ok`` when the service runs and its database answers; 503 when the database does not."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        raise HTTPException(503, "the database does not answer") from None
    return HealthOut(status="ok", database="ok")
