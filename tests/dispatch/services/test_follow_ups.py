"""Closing a ticket with work left opens planned maintenance linked to it; checks fall due by contract."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from dispatch.domain.tickets import TicketKind, TicketState
from dispatch.persistence.dataset_store import save_dataset
from dispatch.persistence.repositories import JobRepository, TicketRepository
from dispatch.services.audit import ticket_trail
from dispatch.services.follow_ups import FollowUp, close_ticket
from dispatch.services.maintenance_due import check_id, next_check, open_due_maintenance
from dispatch.services.maintenance_tickets import DEFAULT_MAINTENANCE_VISIT
from dispatch.services.ticket_lifecycle import TicketMoveRefused
from tests.dispatch.persistence.sample_data import CONTRACTS, small_dataset

NOW = datetime(2026, 11, 20, 16, tzinfo=UTC)  # a Friday


def test_closing_with_a_follow_up_opens_maintenance_linked_to_the_closed_ticket(session: Session) -> None:
    save_dataset(session, small_dataset())
    closed, ticket, job = close_ticket(
        session, "TK-2", now=NOW, why="customer confirmed", follow_up=FollowUp("Replace the ageing switch", 5)
    )
    assert closed.state is TicketState.CLOSED
    assert ticket is not None and job is not None
    assert (ticket.id, ticket.kind, ticket.follow_up_of) == ("TK-2-F1", TicketKind.MAINTENANCE, "TK-2")
    assert TicketRepository(session).require("TK-2-F1").state is TicketState.ONSITE_REQUIRED
    stored = JobRepository(session).require(job.id)
    denver = ZoneInfo("America/Denver")
    days = sorted({w.start.astimezone(denver).date() for w in stored.windows})
    # the five working days after Friday 20 November: Thanksgiving (26th) is not one
    assert days == [date(2026, 11, d) for d in (23, 24, 25, 27, 30)]
    assert stored.duration == DEFAULT_MAINTENANCE_VISIT  # nothing learned from history here
    assert ticket.resolution_due == stored.windows[-1].end
    trail = [(e.action, e.to_value) for e in ticket_trail(session, "TK-2")]
    assert ("follow_up", "TK-2-F1") in trail and ("transition", "closed") in trail


def test_a_ticket_not_resolved_cannot_be_closed_and_nothing_is_opened(session: Session) -> None:
    save_dataset(session, small_dataset())
    with pytest.raises(TicketMoveRefused, match="onsite_required"):
        close_ticket(session, "TK-1", now=NOW, follow_up=FollowUp("Anything"))
    assert TicketRepository(session).get("TK-1-F1") is None


def test_checks_fall_due_on_the_contracts_cadence_from_its_start() -> None:
    monthly = replace(CONTRACTS[0], sla=replace(CONTRACTS[0].sla, maintenance_every_days=30))
    # starts 2026-01-01: checks fall on day 330 (2026-11-27), 360 (2026-12-27), ...
    assert next_check(monthly, date(2026, 11, 20)) == date(2026, 11, 27)
    assert next_check(monthly, date(2026, 11, 27)) == date(2026, 11, 27)
    assert next_check(monthly, date(2026, 12, 1)) is None  # the next, 27 December, is over two weeks off
    assert next_check(CONTRACTS[0], date(2026, 11, 20)) is None  # the tier includes no maintenance


def test_due_checks_are_opened_once_for_every_site_of_the_contract(session: Session) -> None:
    data = small_dataset()
    acme = data.contracts[0]
    data.contracts[0] = replace(acme, sla=replace(acme.sla, maintenance_every_days=30))
    save_dataset(session, data)
    opened = open_due_maintenance(session, now=NOW)
    assert sorted(t.id for t, _ in opened) == [
        check_id("S-CHI", date(2026, 11, 27)),
        check_id("S-DAL", date(2026, 11, 27)),
    ]
    for ticket, job in opened:
        assert ticket.kind is TicketKind.MAINTENANCE and ticket.state is TicketState.ONSITE_REQUIRED
        assert len({w.start.date() for w in job.windows}) > 1  # not booked: the week plan picks the day
    assert open_due_maintenance(session, now=NOW + timedelta(days=1)) == []
