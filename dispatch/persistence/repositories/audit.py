"""The audit trail's store: append and read, nothing else (no update or delete path exists here, and on
PostgreSQL a trigger refuses both)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from dispatch.domain.audit import AuditEntry
from dispatch.persistence.models import AuditEventRow, table_of

_TABLE = table_of(AuditEventRow)


def append_entries(session: Session, entries: list[AuditEntry]) -> None:
    """Add ``entries`` to the trail in the order given."""
    if not entries:
        return
    session.execute(
        insert(_TABLE),
        [
            {
                "at": e.at,
                "actor": e.actor,
                "subject_kind": e.subject_kind,
                "subject_id": e.subject_id,
                "action": e.action,
                "from_value": e.from_value,
                "to_value": e.to_value,
                "why": e.why,
                "plan_day": e.plan_day,
            }
            for e in entries
        ],
    )


def entries_of_subjects(session: Session, subjects: list[tuple[str, str]]) -> list[AuditEntry]:
    """Every entry about any of ``subjects`` (kind, id), oldest first."""
    if not subjects:
        return []
    c = _TABLE.c
    conditions = [(c.subject_kind == kind) & (c.subject_id == key) for kind, key in subjects]
    condition = conditions[0]
    for more in conditions[1:]:
        condition = condition | more
    rows = session.execute(select(_TABLE).where(condition).order_by(c.seq)).mappings()
    return [_entry(row) for row in rows]


def entries_of_day(session: Session, day: date) -> list[AuditEntry]:
    """Every entry about the plan of ``day``, oldest first."""
    c = _TABLE.c
    rows = session.execute(select(_TABLE).where(c.plan_day == day).order_by(c.seq)).mappings()
    return [_entry(row) for row in rows]


def _entry(row: RowMapping) -> AuditEntry:
    return AuditEntry(
        at=row["at"],
        actor=row["actor"],
        subject_kind=row["subject_kind"],
        subject_id=row["subject_id"],
        action=row["action"],
        from_value=row["from_value"],
        to_value=row["to_value"],
        why=row["why"],
        plan_day=row["plan_day"],
        seq=row["seq"],
    )
