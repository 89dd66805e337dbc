"""Worked examples of SLA compliance: when a target is met, breached or pending, and the time figures."""

from __future__ import annotations

import dataclasses
from datetime import time, timedelta

from dispatch.domain.contracts import Coverage
from dispatch.domain.sla_compliance import TargetOutcome, TimeFigures, ticket_compliance
from dispatch.domain.weekly_hours import WeeklyHours
from tests.dispatch.services.sla_month import OCTOBER, PAUSES, ny

NY = "America/New_York"
H = timedelta(hours=1)
OFFICE = Coverage(hours=WeeklyHours.weekdays(time(8), time(18)), holiday_country="US")
TICKETS = {t.id: t for t in OCTOBER}


def test_a_response_exactly_at_its_due_time_is_met() -> None:
    """Arriving at the very minute the response falls due keeps the target."""
    ticket = dataclasses.replace(TICKETS["M-A"], responded_at=TICKETS["M-A"].response_due)
    standing = ticket_compliance(ticket, OFFICE, NY, "NY", (), ny(11, 2, 8))
    assert standing.response is TargetOutcome.MET
    assert standing.response_time == 2 * H


def test_an_unanswered_target_is_pending_until_due_then_breached() -> None:
    """M-F's response falls due Monday 11:00: pending at 10:59, breached at 11:01."""
    ticket = TICKETS["M-F"]
    assert ticket.response_due == ny(11, 2, 11)
    before = ticket_compliance(ticket, OFFICE, NY, "NY", (), ny(11, 2, 10, 59))
    after = ticket_compliance(ticket, OFFICE, NY, "NY", (), ny(11, 2, 11, 1))
    assert (before.response, after.response) == (TargetOutcome.PENDING, TargetOutcome.BREACHED)
    assert before.response_time is None


def test_clock_times_leave_out_uncovered_hours_and_pauses() -> None:
    """M-C spans a weekend: 10 covered hours to resolve; M-D waited 2 hours: 3.5 on the clock, not 5.5."""
    c = ticket_compliance(TICKETS["M-C"], OFFICE, NY, "NY", (), ny(11, 2, 8))
    d = ticket_compliance(TICKETS["M-D"], OFFICE, NY, "NY", PAUSES["M-D"], ny(11, 2, 8))
    assert c.resolution_time == 10 * H and c.paused == timedelta(0)
    assert (d.resolution_time, d.paused, d.resolution) == (3.5 * H, 2 * H, TargetOutcome.MET)


def test_time_figures_of_none_one_and_several() -> None:
    """No time: no figures; one time: it is both mean and 90th percentile; several: interpolated."""
    assert TimeFigures.of([None]) == TimeFigures(0, None, None)
    assert TimeFigures.of([3 * H]) == TimeFigures(1, 3 * H, 3 * H)
    assert TimeFigures.of([H, 2 * H, None, 3 * H, 4 * H]) == TimeFigures(4, 2.5 * H, 3.7 * H)
