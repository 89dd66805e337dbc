"""The SLA compliance report of a hand-made month, figures checked against the ones worked by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from dispatch.domain.contracts import Priority
from dispatch.domain.errors import RecordNotFound
from dispatch.domain.sla_compliance import TargetCounts, TargetOutcome
from dispatch.domain.tickets import TicketPause
from dispatch.persistence.dataset_store import save_dataset
from dispatch.persistence.repositories import TicketRepository
from dispatch.persistence.repositories.ticket_pauses import close_open_pauses, open_pause
from dispatch.services.sla_report import month_bounds, sla_compliance
from tests.dispatch.persistence.sample_data import small_dataset
from tests.dispatch.services.sla_month import NOW, OCTOBER, OUTSIDE, PAUSES

OCT = date(2026, 10, 1)
H = timedelta(hours=1)


@pytest.fixture
def month(session: Session) -> Session:
    save_dataset(session, small_dataset())
    TicketRepository(session).add_many([*OCTOBER, *OUTSIDE])
    session.flush()
    return session


def test_one_contracts_month_counts_outcomes_times_and_pauses(month: Session) -> None:
    """Met, breached and pending per target and priority; clock times' mean and 90th percentile; pause."""
    [report] = sla_compliance(month, OCT, NOW, contract_id="K-GLOBEX", pauses=PAUSES)
    f = report.figures
    assert (report.contract_id, report.tier, report.month) == ("K-GLOBEX", "silver", OCT)
    assert sorted(t.ticket_id for t in report.tickets) == [t.id for t in OCTOBER]
    assert f.response == TargetCounts(met=3, breached=2, pending=1)
    assert f.resolution == TargetCounts(met=3, breached=1, pending=2)
    by_priority = {p.priority: p for p in f.by_priority}
    assert by_priority[Priority.P1].response == TargetCounts(met=1, breached=1)
    assert by_priority[Priority.P2].resolution == TargetCounts(met=1, pending=1)
    assert by_priority[Priority.P4].response == TargetCounts(breached=1)
    assert by_priority[Priority.P4].resolution == TargetCounts(pending=1)
    assert [p.tickets for p in f.by_priority] == [2, 2, 1, 1]
    # response times 1, 3, 2, 1.5 h; resolution times 6, 10, 10, 3.5 h
    assert (f.response_time.count, f.response_time.mean, f.response_time.p90) == (4, 1.875 * H, 2.7 * H)
    assert (f.resolution_time.mean, f.resolution_time.p90) == (7.375 * H, 10 * H)
    assert f.paused == 2 * H


def test_a_pause_turns_a_breach_into_a_met_target(month: Session) -> None:
    """Without its two hours waiting on the customer, M-D's resolution at 14:30 misses 13:00."""
    with_pause = {
        t.ticket_id: t
        for t in sla_compliance(month, OCT, NOW, contract_id="K-GLOBEX", pauses=PAUSES)[0].tickets
    }
    without = {t.ticket_id: t for t in sla_compliance(month, OCT, NOW, contract_id="K-GLOBEX")[0].tickets}
    assert with_pause["M-D"].resolution is TargetOutcome.MET
    assert without["M-D"].resolution is TargetOutcome.BREACHED
    assert without["M-D"].resolution_time == 5.5 * H
    assert with_pause["M-D"].due.resolution_due - without["M-D"].due.resolution_due == 2 * H


def test_all_contracts_are_reported_and_the_month_is_bounded_in_utc(month: Session) -> None:
    """Without a contract, every contract with tickets opened that month; September's last UTC hour and
    November stay out."""
    reports = sla_compliance(month, OCT, NOW)
    assert [(r.contract_id, r.figures.tickets) for r in reports] == [("K-ACME", 1), ("K-GLOBEX", 6)]
    start, end = month_bounds(date(2026, 12, 1))
    assert (start.month, end.year, end.month) == (12, 2027, 1)


def test_an_unknown_contract_is_not_found(month: Session) -> None:
    """Naming a contract that does not exist is an error saying so."""
    with pytest.raises(RecordNotFound, match="no contract 'K-NONE'"):
        sla_compliance(month, OCT, NOW, contract_id="K-NONE")


def test_the_pauses_stored_with_the_tickets_count_by_default(month: Session) -> None:
    """A wait on the customer stored as the ticket's life records it moves the report as given pauses do."""
    for ticket_id, spans in PAUSES.items():
        for paused_at, resumed_at in spans:
            open_pause(month, TicketPause(ticket_id, paused_at, None, "waiting for the shop to open"))
            if resumed_at is not None:
                close_open_pauses(month, ticket_id, resumed_at)
    given = sla_compliance(month, OCT, NOW, contract_id="K-GLOBEX", pauses=PAUSES)[0]
    stored = sla_compliance(month, OCT, NOW, contract_id="K-GLOBEX")[0]
    assert stored == given
    assert stored.figures.paused == 2 * H
