"""What reports do downstream, on both back ends: tickets through the lifecycle, parts recorded, follow-ups.

The published field day (``tests/api/field_day.py``): T-MKE picks up one SW-24P at the Chicago depot, then
visits J-1 (TK-1, needs SW-24P 1 and RCPT-PRN 2), J-F2 (needs SW-24P 1), J-F3, J-F4 and J-F5; T-DET visits
J-2, whose ticket TK-3 is still new. Each test works in a transaction rolled back afterwards.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from dispatch.domain.contracts import Priority
from dispatch.domain.errors import Conflict
from dispatch.domain.jobs import Job, JobStatus, PartRequirement, SkillRequirement
from dispatch.domain.part_movements import MovementKind
from dispatch.domain.progress import NotCompletedReason, ReportKind
from dispatch.domain.tickets import TicketState
from dispatch.persistence.models import (
    DepotStockRow,
    JobRow,
    PartMovementRow,
    TicketRow,
    VanStockRow,
    table_of,
)
from dispatch.persistence.repositories import JobRepository, TicketRepository
from dispatch.persistence.repositories.jobs import follow_up_of
from dispatch.persistence.repositories.part_movements import movements_of_job
from dispatch.services.progress import ReportRequest, report_progress
from dispatch.services.report_effects import follow_up_id, settle_day, van_stock_now
from dispatch.services.ticket_lifecycle import TicketMoveRefused
from tests.api.field_day import DAY, seed_field_day

MORNING = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
_MOVEMENTS = table_of(PartMovementRow)


@pytest.fixture(scope="module")
def seeded(engine: Engine, database_url: str) -> Engine:
    seed_field_day(database_url)
    return engine


@pytest.fixture
def db(seeded: Engine, session: Session) -> Session:
    return session


class Field:
    """Reports as a technician sends them, a few minutes apart; ``again`` resends the last one."""

    def __init__(self, session: Session, technician_id: str = "T-MKE") -> None:
        self.session = session
        self.technician_id = technician_id
        self.at = MORNING
        self.last: ReportRequest | None = None

    def report(
        self, job_id: str, kind: ReportKind, reason: NotCompletedReason | None = None
    ) -> dict[str, object]:
        self.at += timedelta(minutes=10)
        self.last = ReportRequest(str(uuid.uuid4()), job_id, kind, reason=reason)
        return report_progress(self.session, technician_id=self.technician_id, request=self.last, now=self.at)

    def again(self) -> dict[str, object]:
        assert self.last is not None
        self.at += timedelta(minutes=1)
        return report_progress(self.session, technician_id=self.technician_id, request=self.last, now=self.at)

    def visit(self, job_id: str, *kinds: ReportKind) -> None:
        for kind in kinds:
            self.report(job_id, kind)


def _ticket_state(db: Session, ticket_id: str) -> TicketState:
    return TicketRepository(db).require(ticket_id).state


def _movements(db: Session, kind: MovementKind) -> list[tuple[str | None, str | None, str, int]]:
    rows = db.execute(
        select(_MOVEMENTS.c.job_id, _MOVEMENTS.c.depot_id, _MOVEMENTS.c.sku, _MOVEMENTS.c.quantity)
        .where(_MOVEMENTS.c.kind == kind.value)
        .order_by(_MOVEMENTS.c.job_id, _MOVEMENTS.c.sku)
    )
    return [(r.job_id, r.depot_id, r.sku, r.quantity) for r in rows]


def _stock(db: Session, table: type[VanStockRow] | type[DepotStockRow], holder: str, sku: str) -> int | None:
    stock = table_of(table)
    owner = stock.c.technician_id if table is VanStockRow else stock.c.depot_id
    found = db.execute(
        select(stock.c.quantity).where(owner == holder, stock.c.sku == sku)
    ).scalar_one_or_none()
    return None if found is None else int(found)


# --- setting off and arriving ------------------------------------------------------------------------


def test_setting_off_starts_the_tickets_onsite_work_through_the_lifecycle(db: Session) -> None:
    """En route: TK-F3 goes ONSITE_REQUIRED -> SCHEDULED -> IN_PROGRESS; no response is recorded yet."""
    Field(db).report("J-F3", ReportKind.EN_ROUTE)
    ticket = TicketRepository(db).require("TK-F3")
    assert ticket.state is TicketState.IN_PROGRESS
    assert ticket.responded_at is None


def test_arriving_records_the_first_response_once(db: Session) -> None:
    """The arrival on site is TK-F3's first response; TK-1 had one earlier, which stays."""
    field = Field(db)
    field.visit("J-F3", ReportKind.EN_ROUTE, ReportKind.ARRIVED)
    assert TicketRepository(db).require("TK-F3").responded_at == field.at
    earlier = TicketRepository(db).require("TK-1").responded_at
    field.visit("J-1", ReportKind.EN_ROUTE, ReportKind.ARRIVED)
    assert TicketRepository(db).require("TK-1").responded_at == earlier
    assert _ticket_state(db, "TK-1") is TicketState.IN_PROGRESS


def test_setting_off_to_a_ticket_still_new_takes_it_onsite(db: Session) -> None:
    """J-2's ticket TK-3 was never sent onsite (new): a technician on the way puts its onsite work in
    progress, through the lifecycle's steps."""
    Field(db, "T-DET").report("J-2", ReportKind.EN_ROUTE)
    assert _ticket_state(db, "TK-3") is TicketState.IN_PROGRESS


def test_a_ticket_move_the_lifecycle_refuses_refuses_the_report(db: Session) -> None:
    """A closed ticket cannot have onsite work start again: setting off is refused with the reason."""
    tickets = TicketRow.__table__
    db.execute(update(tickets).where(tickets.c.id == "TK-3").values(state=TicketState.CLOSED.value))
    with pytest.raises(TicketMoveRefused, match=r"TK-3.*cannot move from closed"):
        Field(db, "T-DET").report("J-2", ReportKind.EN_ROUTE)
    db.rollback()
    assert JobRepository(db).require("J-2").status is JobStatus.PLANNED


def test_setting_off_after_a_depot_pickup_records_it_once(db: Session) -> None:
    """The pickup before J-1 is recorded when T-MKE sets off to J-1, and not again for J-F2 or a replay."""
    field = Field(db)
    field.report("J-1", ReportKind.EN_ROUTE)
    field.again()
    assert _movements(db, MovementKind.PICKED_UP) == [("J-1", "D-CHI", "SW-24P", 1)]
    field.visit("J-1", ReportKind.ARRIVED, ReportKind.COMPLETED)
    field.report("J-F2", ReportKind.EN_ROUTE)
    assert _movements(db, MovementKind.PICKED_UP) == [("J-1", "D-CHI", "SW-24P", 1)]


# --- completing ------------------------------------------------------------------------------------


def test_completing_uses_the_parts_once_and_resolves_the_ticket(db: Session) -> None:
    """J-1 completed: its two parts are used once (a replay adds nothing); TK-1 is resolved at that time."""
    field = Field(db)
    field.visit("J-1", ReportKind.EN_ROUTE, ReportKind.ARRIVED)
    first = field.report("J-1", ReportKind.COMPLETED)
    completed_at = field.at
    assert field.again() == first
    assert _movements(db, MovementKind.USED) == [("J-1", None, "RCPT-PRN", -2), ("J-1", None, "SW-24P", -1)]
    ticket = TicketRepository(db).require("TK-1")
    assert ticket.state is TicketState.RESOLVED
    assert ticket.resolved_at == completed_at


def test_a_ticket_with_another_open_job_stays_in_progress(db: Session) -> None:
    """TK-F4 has a second job still to do: completing J-F4 leaves the ticket in progress, unresolved."""
    JobRepository(db).add(
        Job("J-F4-B", "TK-F4", "S-CHI", timedelta(minutes=30), Priority.P3, status=JobStatus.UNSCHEDULED)
    )
    Field(db).visit("J-F4", ReportKind.EN_ROUTE, ReportKind.ARRIVED, ReportKind.COMPLETED)
    ticket = TicketRepository(db).require("TK-F4")
    assert ticket.state is TicketState.IN_PROGRESS
    assert ticket.resolved_at is None


def test_the_van_now_adds_the_days_movements_to_the_stored_stock(db: Session) -> None:
    """Loaded 3 receipt printers; picked up a switch; J-1 used a switch and two printers: one printer left,
    while the van_stock table still says what was loaded (the live day derives the rest)."""
    db.execute(insert(table_of(VanStockRow)).values(technician_id="T-MKE", sku="RCPT-PRN", quantity=3))
    field = Field(db)
    field.report("J-1", ReportKind.EN_ROUTE)
    assert van_stock_now(db, "T-MKE", field.at) == {"RCPT-PRN": 3, "SW-24P": 1}
    field.visit("J-1", ReportKind.ARRIVED, ReportKind.COMPLETED)
    assert van_stock_now(db, "T-MKE", field.at) == {"RCPT-PRN": 1}
    assert van_stock_now(db, "T-MKE", MORNING) == {"RCPT-PRN": 3}
    assert _stock(db, VanStockRow, "T-MKE", "RCPT-PRN") == 3
    assert _stock(db, DepotStockRow, "D-CHI", "SW-24P") == 12


# --- could not complete ----------------------------------------------------------------------------


@pytest.mark.parametrize("reason", list(NotCompletedReason))
def test_not_completed_sends_out_a_follow_up_job_and_reopens_the_ticket(
    db: Session, reason: NotCompletedReason
) -> None:
    """J-F2 (needs a switch) not completed: J-F2-F1 for the same ticket, site, skills, parts and duration,
    unscheduled, due at the ticket's resolution, linked to J-F2; J-F2 stays incomplete on the day; the
    ticket is back to ONSITE_REQUIRED; a replay of the report makes nothing more."""
    field = Field(db)
    field.visit("J-F2", ReportKind.EN_ROUTE, ReportKind.ARRIVED)
    field.report("J-F2", ReportKind.NOT_COMPLETED, reason)
    field.again()
    jobs = JobRepository(db)
    original = jobs.require("J-F2")
    assert original.status is JobStatus.INCOMPLETE
    follow_up = jobs.require("J-F2-F1")
    assert follow_up.status is JobStatus.UNSCHEDULED
    assert (follow_up.ticket_id, follow_up.site_id, follow_up.duration) == (
        "TK-F2",
        "S-CHI",
        original.duration,
    )
    assert follow_up.required_skills == (SkillRequirement("network", 2),)
    assert follow_up.required_parts == (PartRequirement("SW-24P", 1),)
    assert follow_up.sla_due == TicketRepository(db).require("TK-F2").resolution_due
    assert follow_up.pinned_technician_id is None and follow_up.windows == ()
    assert follow_up_of(db, "J-F2-F1") == "J-F2"
    assert [j.id for j in jobs.list(ticket_id="TK-F2")] == ["J-F2", "J-F2-F1"]
    assert _ticket_state(db, "TK-F2") is TicketState.ONSITE_REQUIRED
    used = [m for m in movements_of_job(db, "J-F2") if m.kind is MovementKind.USED]
    assert used == [], "nothing was used on a visit that did not complete"


def test_a_follow_up_of_a_follow_up_is_numbered_from_the_first_visit(db: Session) -> None:
    """J-F2 -> J-F2-F1 -> J-F2-F2: ids come from the chain, so the same report always names the same job."""
    assert follow_up_id(db, "J-F2") == "J-F2-F1"
    JobRepository(db).add(Job("J-F2-F1", "TK-F2", "S-CHI", timedelta(minutes=45), Priority.P3))
    jobs = table_of(JobRow)
    db.execute(update(jobs).where(jobs.c.id == "J-F2-F1").values(follow_up_of_job="J-F2"))
    assert follow_up_id(db, "J-F2-F1") == "J-F2-F2"


def test_a_follow_up_id_taken_by_other_work_is_a_conflict(db: Session) -> None:
    """An unrelated J-F3-F1 already exists: the report is refused rather than reusing that job."""
    JobRepository(db).add(Job("J-F3-F1", "TK-F3", "S-CHI", timedelta(minutes=45), Priority.P3))
    field = Field(db)
    field.visit("J-F3", ReportKind.EN_ROUTE, ReportKind.ARRIVED)
    with pytest.raises(Conflict, match="J-F3-F1 already exists"):
        field.report("J-F3", ReportKind.NOT_COMPLETED, NotCompletedReason.CUSTOMER_ABSENT)


# --- settling the day ------------------------------------------------------------------------------


def test_settling_applies_the_days_movements_to_the_stock_once(db: Session) -> None:
    """Refused while J-1 is under way; once done, the van loses what was used and gains what was picked
    up, the depot loses the pickup; a second settlement changes nothing; the van now is unchanged by it."""
    db.execute(insert(table_of(VanStockRow)).values(technician_id="T-MKE", sku="RCPT-PRN", quantity=3))
    field = Field(db)
    field.report("J-1", ReportKind.EN_ROUTE)
    with pytest.raises(Conflict, match="still under way \\(J-1\\)"):
        settle_day(db, DAY, now=field.at)
    field.visit("J-1", ReportKind.ARRIVED, ReportKind.COMPLETED)
    before = van_stock_now(db, "T-MKE", field.at)

    settled = settle_day(db, DAY, now=field.at)
    assert settled.movements == 3
    assert settled.van_changes == {("T-MKE", "RCPT-PRN"): -2, ("T-MKE", "SW-24P"): 0}
    assert settled.depot_changes == {("D-CHI", "SW-24P"): -1}
    assert _stock(db, VanStockRow, "T-MKE", "RCPT-PRN") == 1
    assert _stock(db, DepotStockRow, "D-CHI", "SW-24P") == 11
    assert van_stock_now(db, "T-MKE", field.at) == before == {"RCPT-PRN": 1}

    again = settle_day(db, DAY, now=field.at)
    assert again.movements == 0
    assert _stock(db, VanStockRow, "T-MKE", "RCPT-PRN") == 1
    assert _stock(db, DepotStockRow, "D-CHI", "SW-24P") == 11
