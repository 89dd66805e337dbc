"""The priority suggested for a new ticket, and what a ticket pause must hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from dispatch.domain.contracts import Contract, Coverage, Priority, SlaPolicy, SlaTarget
from dispatch.domain.errors import DomainError
from dispatch.domain.intake import Impact, suggest_priority
from dispatch.domain.tickets import TicketPause
from dispatch.domain.weekly_hours import WeeklyHours

_TARGETS = {p: SlaTarget(timedelta(hours=k), timedelta(hours=4 * k)) for k, p in enumerate(Priority, 1)}
ROUND_THE_CLOCK = Contract("K-1", "C-1", "gold", SlaPolicy("gold", _TARGETS, Coverage()), date(2026, 1, 1))
OFFICE_HOURS = Contract(
    "K-2",
    "C-1",
    "bronze",
    SlaPolicy("bronze", _TARGETS, Coverage(WeeklyHours.weekdays(time(8), time(18)), "US")),
    date(2026, 1, 1),
)


@pytest.mark.parametrize(
    ("category", "impact", "contract", "expected"),
    [
        ("pos", Impact.STOPPED, ROUND_THE_CLOCK, Priority.P1),
        ("desktop", Impact.STOPPED, ROUND_THE_CLOCK, Priority.P1),
        ("pos", Impact.STOPPED, OFFICE_HOURS, Priority.P2),
        ("Network", Impact.DEGRADED, ROUND_THE_CLOCK, Priority.P2),
        ("printers", Impact.DEGRADED, ROUND_THE_CLOCK, Priority.P3),
        ("server", Impact.ONE_USER, ROUND_THE_CLOCK, Priority.P4),
    ],
)
def test_suggested_priority(category: str, impact: Impact, contract: Contract, expected: Priority) -> None:
    assert suggest_priority(category, impact, contract) is expected


def test_a_pause_needs_a_reason_and_cannot_end_before_it_began() -> None:
    start = datetime(2026, 12, 6, 9, tzinfo=UTC)
    assert TicketPause("TK-1", start, None, "awaiting photos").resumed_at is None
    with pytest.raises(DomainError, match="reason"):
        TicketPause("TK-1", start, None, "  ")
    with pytest.raises(DomainError, match="before it began"):
        TicketPause("TK-1", start, start - timedelta(minutes=1), "awaiting photos")
    with pytest.raises(DomainError, match="time zone"):
        TicketPause("TK-1", start.replace(tzinfo=None), None, "awaiting photos")
