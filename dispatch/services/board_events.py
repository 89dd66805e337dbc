"""What tells an open board that the day changed: a new plan, a technician's report, a lock.

A board asks, every second or so, for the day's stamp; when it differs from the last one, something
changed and the board redraws. The stamp is read from the database, so every server process and the
plan workers are seen alike, without a message broker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from dispatch.persistence.db import session_scope
from dispatch.persistence.repositories import PlanRepository
from dispatch.persistence.repositories.plan_jobs import DayLockRepository
from dispatch.persistence.repositories.visit_reports import reports_stamp


@dataclass(frozen=True, slots=True)
class DayStamp:
    """The day's published plan version, and a digest of what else a board shows that can change."""

    version: str | None
    digest: str


def day_stamp(factory: sessionmaker[Session], day: date) -> DayStamp:
    """The day's stamp, read in a short transaction of its own."""
    with session_scope(factory) as session:
        version = PlanRepository(session).published_id(day)
        count, latest = reports_stamp(session)
        locked = sorted(DayLockRepository(session).locked(day))
    latest_text = "" if latest is None else latest.isoformat()
    return DayStamp(version, f"{version}|{count}|{latest_text}|{','.join(locked)}")
