"""A hand-made month of tickets under the sample data's silver contract, with figures worked by hand.

Silver cover is weekdays 08:00-18:00 at the site (New York here), US holidays off. Targets: P1 2h/8h,
P2 4h/4h, P3 8h/40h, P4 16h/80h. Figures are judged at ``NOW``, Monday 2 November 2026 08:00.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dispatch.domain.contracts import Priority
from dispatch.domain.sla_clock import ticket_due_times
from dispatch.domain.sla_pauses import PauseSpan
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState
from tests.dispatch.persistence.sample_data import SILVER

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 2, 8, tzinfo=NY)


def ny(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


def _ticket(
    ticket_id: str,
    priority: Priority,
    opened: datetime,
    responded: datetime | None = None,
    resolved: datetime | None = None,
    *,
    site_id: str = "S-NYC",
    contract_id: str = "K-GLOBEX",
) -> Ticket:
    due = ticket_due_times(opened, priority, SILVER, "America/New_York", "NY")
    return Ticket(
        id=ticket_id,
        site_id=site_id,
        contract_id=contract_id,
        channel=Channel.TELEPHONE,
        kind=TicketKind.SUPPORT,
        priority=priority,
        category="network",
        summary=f"hand-made ticket {ticket_id}",
        opened_at=opened,
        state=TicketState.RESOLVED if resolved else TicketState.ONSITE_REQUIRED,
        response_due=due.response_due,
        resolution_due=due.resolution_due,
        responded_at=responded,
        resolved_at=resolved,
    )


OCTOBER = [
    # both met: responded after 1 clock hour, resolved after 6
    _ticket("M-A", Priority.P1, ny(10, 6, 9), ny(10, 6, 10), ny(10, 6, 15)),
    # both breached: responded after 3 clock hours, resolved after 10 (9 on Tuesday, 1 on Wednesday)
    _ticket("M-B", Priority.P1, ny(10, 6, 9), ny(10, 6, 12), ny(10, 7, 9)),
    # over a weekend: 1 clock hour on Friday and 1 on Monday to respond, 10 in all to resolve; both met
    _ticket("M-C", Priority.P3, ny(10, 16, 17), ny(10, 19, 9), ny(10, 19, 17)),
    # waited on the customer 10:00-12:00: due times move from 13:00 to 15:00, so both met;
    # clock times 3.5h - 2h = 1.5h and 5.5h - 2h = 3.5h
    _ticket("M-D", Priority.P2, ny(10, 20, 9), ny(10, 20, 12, 30), ny(10, 20, 14, 30)),
    # no response by NOW: response (due 28 Oct 15:00) breached, resolution (80 clock hours) pending
    _ticket("M-E", Priority.P4, ny(10, 27, 9)),
    # opened Friday 17:00: response due Monday 11:00, after NOW: both pending
    _ticket("M-F", Priority.P2, ny(10, 30, 17)),
]
OUTSIDE = [
    _ticket("M-SEP", Priority.P1, ny(9, 30, 19, 30)),  # 23:30 UTC on 30 September
    _ticket("M-NOV", Priority.P1, ny(11, 1, 9)),
    _ticket("M-ACME", Priority.P1, ny(10, 6, 9), ny(10, 6, 9, 30), site_id="S-CHI", contract_id="K-ACME"),
]
"""Two tickets outside October, and one of another contract inside it."""
PAUSES: dict[str, list[PauseSpan]] = {"M-D": [(ny(10, 20, 10), ny(10, 20, 12))]}
