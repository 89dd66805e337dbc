"""Checklists in the services: marks once per key, completion refused while mandatory steps are open, the
completed checklist stored with the visit, and the steps fixed when work on the visit began."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from dispatch.domain.errors import Conflict, DomainError, RecordNotFound
from dispatch.domain.jobs import JobStatus
from dispatch.domain.procedures import ChecklistIncomplete, Procedure, ProcedureStep, StepKind
from dispatch.domain.progress import NotCompletedReason, ReportKind
from dispatch.domain.tickets import TicketKind
from dispatch.persistence.models import ChecklistMarkRow
from dispatch.persistence.repositories import JobRepository
from dispatch.services.procedures import (
    MarkKeyReused,
    MarkRequest,
    add_procedures,
    mark_step,
    procedure_records,
    visit_checklist,
)
from dispatch.services.progress import ReportRequest, report_progress
from tests.api.field_day import seed_field_day

pytestmark = pytest.mark.postgis

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
TECH = "T-MKE"
NETWORK = Procedure(
    "P-NET",
    "network",
    "network visit",
    (
        ProcedureStep("diagnose", "Diagnose the faulty port"),
        ProcedureStep("serial", "Serial number of the switch fitted", kind=StepKind.TEXT),
        ProcedureStep("notes", "Notes", mandatory=False, kind=StepKind.TEXT),
    ),
)
SERVER_UPKEEP = Procedure(
    "P-SRV-M",
    "server",
    "server upkeep",
    (ProcedureStep("ups", "UPS self-test passed"),),
    TicketKind.MAINTENANCE,
)


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    return postgis_server_url.set(database="dispatch_field_procedures")


@pytest.fixture(scope="module")
def seeded(engine: Engine, database_url: str) -> Engine:
    seed_field_day(database_url)
    with Session(engine) as session:
        add_procedures(session, [NETWORK, SERVER_UPKEEP])
        session.commit()
    return engine


def _report(engine: Engine, job_id: str, kind: ReportKind, **extra: object) -> dict[str, object]:
    with Session(engine) as session:
        request = ReportRequest(str(uuid.uuid4()), job_id, kind, **extra)  # type: ignore[arg-type]
        answer = report_progress(session, technician_id=TECH, request=request, now=NOW)
        session.commit()
        return answer


def _mark(
    engine: Engine,
    job_id: str,
    step: str,
    done: bool = True,
    answer: str | None = None,
    key: str | None = None,
) -> dict[str, object]:
    with Session(engine) as session:
        request = MarkRequest(key or str(uuid.uuid4()), job_id, step, done, answer)
        reply = mark_step(session, technician_id=TECH, request=request, now=NOW)
        session.commit()
        return reply


def _on_site(engine: Engine, job_id: str) -> None:
    _report(engine, job_id, ReportKind.EN_ROUTE)
    _report(engine, job_id, ReportKind.ARRIVED)


def _status(engine: Engine, job_id: str) -> JobStatus:
    with Session(engine) as session:
        return JobRepository(session).require(job_id).status


def test_completion_is_refused_until_every_mandatory_step_is_done_then_stored(seeded: Engine) -> None:
    """Open steps: ChecklistIncomplete naming them, the visit stays on site; done: completed and sealed."""
    _on_site(seeded, "J-F2")
    with pytest.raises(ChecklistIncomplete) as refused:
        _report(seeded, "J-F2", ReportKind.COMPLETED)
    assert [s.code for s in refused.value.open_steps] == ["diagnose", "serial"]
    assert _status(seeded, "J-F2") is JobStatus.ON_SITE

    assert _mark(seeded, "J-F2", "diagnose")["open_mandatory"] == ["serial"]
    with pytest.raises(ChecklistIncomplete, match="Serial number of the switch fitted"):
        _report(seeded, "J-F2", ReportKind.COMPLETED)
    assert _mark(seeded, "J-F2", "serial", answer="  SN-4471  ")["open_mandatory"] == []
    assert _report(seeded, "J-F2", ReportKind.COMPLETED)["status"] == "completed"

    with Session(seeded) as session:
        checklist = visit_checklist(session, "J-F2")
    assert checklist is not None
    assert checklist.completed_at == NOW and checklist.completed_by == TECH
    serial = checklist.lines[1]
    assert (serial.done, serial.answer, serial.marked_by, serial.marked_at) == (True, "SN-4471", TECH, NOW)
    assert not checklist.lines[2].done  # the optional step did not block


def test_a_visit_not_completed_may_leave_steps_open(seeded: Engine) -> None:
    """Could not complete stays possible with every step open."""
    _on_site(seeded, "J-F3")
    answer = _report(seeded, "J-F3", ReportKind.NOT_COMPLETED, reason=NotCompletedReason.PART_MISSING)
    assert answer["status"] == "incomplete"


def test_the_checklist_is_closed_once_the_visit_is_over(seeded: Engine) -> None:
    """A mark on a visit already not completed is a conflict, not a silent change."""
    with pytest.raises(Conflict, match="can no longer change"):
        _mark(seeded, "J-F3", "diagnose")


def test_a_mark_sent_twice_is_stored_once_and_a_reused_key_is_refused(seeded: Engine) -> None:
    """The same key again: the same reply, one row; the key on another step: MarkKeyReused."""
    key = str(uuid.uuid4())
    first = _mark(seeded, "J-F4", "diagnose", key=key)
    assert _mark(seeded, "J-F4", "diagnose", key=key) == first
    with Session(seeded) as session:
        table = ChecklistMarkRow.__table__
        count = session.scalar(select(func.count()).select_from(table).where(table.c.idempotency_key == key))
    assert count == 1
    with pytest.raises(MarkKeyReused):
        _mark(seeded, "J-F4", "serial", answer="SN-1", key=key)


def test_bad_marks_are_refused_in_words(seeded: Engine) -> None:
    """Unknown step, another technician's visit, a text step ticked without an answer."""
    with pytest.raises(RecordNotFound, match="no step 'nope'"):
        _mark(seeded, "J-F4", "nope")
    with pytest.raises(RecordNotFound, match="no visit 'J-2'"):
        _mark(seeded, "J-2", "diagnose")
    with pytest.raises(DomainError, match="needs an answer"):
        _mark(seeded, "J-F4", "serial")


def test_a_visit_keeps_the_steps_it_began_with_when_the_procedure_changes(seeded: Engine) -> None:
    """Editing the procedure after the first mark changes later visits, not this one."""
    _mark(seeded, "J-F5", "diagnose")
    edited = Procedure("P-NET", "network", "network visit", (ProcedureStep("photo", "Photo of the closet"),))
    with Session(seeded) as session:
        procedure_records.replace(session, edited)
        session.commit()
    try:
        with Session(seeded) as session:
            begun = visit_checklist(session, "J-F5")
            fresh = visit_checklist(session, "J-1")
        assert begun is not None and [line.step.code for line in begun.lines] == [
            "diagnose",
            "serial",
            "notes",
        ]
        assert fresh is not None and [line.step.code for line in fresh.lines] == ["photo"]
    finally:
        with Session(seeded) as session:
            procedure_records.replace(session, NETWORK)
            session.commit()


def test_a_category_without_a_procedure_has_no_checklist_and_completes_freely(seeded: Engine) -> None:
    """J-2 is a server support visit: only a maintenance procedure exists for servers, so no checklist."""
    with Session(seeded) as session:
        assert visit_checklist(session, "J-2") is None
