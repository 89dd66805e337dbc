"""Who did what: each change a service makes is appended to the audit trail in the same unit of work.

The actor is the login the unit of work acts for (``act_as``, set when a request's account is known), or
``system`` for the command line and the plan worker. Entries are only ever appended: the trail is read
per ticket (its own entries and those of its jobs) and per day's plan.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from dispatch.domain.accounts import Account
from dispatch.domain.audit import SYSTEM_ACTOR, AuditEntry
from dispatch.persistence.repositories import JobRepository, TicketRepository
from dispatch.persistence.repositories.audit import append_entries, entries_of_day, entries_of_subjects
from dispatch.persistence.repositories.jobs import job_statuses_of_ticket

_ACTOR = "dispatch.audit.actor"
MAX_VALUE_CHARS = 300
"""A changed field longer than this is cut in the trail (a calendar, a list of windows)."""

TICKET = "tickets"
JOB = "jobs"
PLAN = "plans"
ACCOUNT = "accounts"


def act_as(session: Session, account: Account) -> None:
    """Changes made through ``session`` from now on are recorded as made by ``account``."""
    session.info[_ACTOR] = account.email


def actor_of(session: Session) -> str:
    """Who the changes made through ``session`` are recorded as made by."""
    actor = session.info.get(_ACTOR)
    return actor if isinstance(actor, str) else SYSTEM_ACTOR


def record(
    session: Session,
    subject_kind: str,
    subject_id: str,
    action: str,
    *,
    at: datetime | None = None,
    from_value: str | None = None,
    to_value: str | None = None,
    why: str | None = None,
    plan_day: date | None = None,
) -> None:
    """Append one entry, made by the session's actor at ``at`` (now if not given)."""
    append_entries(
        session,
        [
            AuditEntry(
                at=at or datetime.now(UTC),
                actor=actor_of(session),
                subject_kind=subject_kind,
                subject_id=subject_id,
                action=action,
                from_value=from_value,
                to_value=to_value,
                why=why,
                plan_day=plan_day,
            )
        ],
    )


def record_change(session: Session, subject_kind: str, before: object, after: object, key: str) -> None:
    """Append what changed between two versions of a record (``None``: created or deleted)."""
    if before is None and after is None:
        return
    if before is None:
        record(session, subject_kind, key, "created", to_value=_shown(after))
    elif after is None:
        record(session, subject_kind, key, "deleted", from_value=_shown(before))
    else:
        old, new = _fields(before), _fields(after)
        changed = [name for name in new if old.get(name) != new[name]]
        if changed:
            record(
                session,
                subject_kind,
                key,
                "changed",
                from_value="; ".join(f"{name}={_cut(old.get(name))}" for name in changed),
                to_value="; ".join(f"{name}={_cut(new[name])}" for name in changed),
            )


def ticket_trail(session: Session, ticket_id: str) -> list[AuditEntry]:
    """Every entry about the ticket and its jobs, oldest first; ``RecordNotFound`` for an unknown ticket
    that never had any."""
    jobs = sorted(job_statuses_of_ticket(session, ticket_id))
    entries = entries_of_subjects(session, [(TICKET, ticket_id), *((JOB, job_id) for job_id in jobs)])
    if not entries:
        TicketRepository(session).require(ticket_id)
    return entries


def job_trail(session: Session, job_id: str) -> list[AuditEntry]:
    """Every entry about the job, oldest first."""
    entries = entries_of_subjects(session, [(JOB, job_id)])
    if not entries:
        JobRepository(session).require(job_id)
    return entries


def plan_trail(session: Session, day: date) -> list[AuditEntry]:
    """Every entry about the plan of ``day``, oldest first."""
    return entries_of_day(session, day)


def _fields(item: object) -> dict[str, object]:
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {f.name: getattr(item, f.name) for f in dataclasses.fields(item) if f.repr}
    return {"value": item}


def _shown(item: object) -> str:
    return "; ".join(f"{name}={_cut(value)}" for name, value in _fields(item).items())


def _cut(value: object) -> str:
    text = value.isoformat() if isinstance(value, datetime | date) else str(value)
    if hasattr(value, "value") and isinstance(value.value, str):
        text = str(value.value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"
