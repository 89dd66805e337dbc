"""The audit trail's store on both back ends: entries come back in order, and the database itself refuses
to change or remove one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from dispatch.domain.audit import AuditEntry
from dispatch.persistence.repositories.audit import append_entries, entries_of_day, entries_of_subjects

AT = datetime(2026, 12, 6, 15, 30, tzinfo=UTC)


def _entry(subject_id: str, action: str, plan_day: date | None = None) -> AuditEntry:
    who = "someone@fieldops.example"
    return AuditEntry(AT, who, "tickets", subject_id, action, "a", "b", "why", plan_day)


def test_entries_read_back_per_subject_and_per_day_in_order(session: Session) -> None:
    append_entries(session, [_entry("TK-A", "one"), _entry("TK-B", "two", date(2026, 12, 6))])
    append_entries(session, [_entry("TK-A", "three")])
    found = entries_of_subjects(session, [("tickets", "TK-A")])
    assert [e.action for e in found] == ["one", "three"]
    assert found[0].seq is not None and found[1].seq is not None and found[0].seq < found[1].seq
    assert found[0].at == AT and found[0].from_value == "a" and found[0].why == "why"
    assert [e.subject_id for e in entries_of_day(session, date(2026, 12, 6))] == ["TK-B"]
    assert entries_of_subjects(session, []) == []


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"])
def test_the_database_refuses_to_change_or_remove_entries(engine: Engine, statement: str) -> None:
    with engine.begin() as connection:
        append_entries(Session(bind=connection), [_entry("TK-KEEP", "kept")])
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT count(*) FROM audit_events WHERE subject_id = 'TK-KEEP'"))
        assert kept.scalar_one() >= 1
