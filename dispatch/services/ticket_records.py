"""Tickets entered by hand: checked against their site and contract, SLA due times filled in when left out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dispatch.domain.contracts import Priority
from dispatch.domain.errors import DomainError
from dispatch.domain.sla_clock import ticket_due_times
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState
from dispatch.persistence.repositories import ContractRepository, SiteRepository


def build_ticket(
    session: Session,
    *,
    ticket_id: str,
    site_id: str,
    contract_id: str,
    channel: Channel,
    kind: TicketKind,
    priority: Priority,
    category: str,
    summary: str,
    opened_at: datetime,
    state: TicketState,
    response_due: datetime | None = None,
    resolution_due: datetime | None = None,
    responded_at: datetime | None = None,
    resolved_at: datetime | None = None,
    follow_up_of: str | None = None,
) -> Ticket:
    """A ticket whose site and contract exist and belong to the same customer.

    Missing due times come from the contract's SLA, counted in covered hours at the site's time zone
    with the site's state as holiday subdivision, exactly as imported and generated tickets are.
    """
    site = SiteRepository(session).get(site_id)
    if site is None:
        raise DomainError(f"no site {site_id!r}")
    contract = ContractRepository(session).get(contract_id)
    if contract is None:
        raise DomainError(f"no contract {contract_id!r}")
    if contract.customer_id != site.customer_id:
        raise DomainError(
            f"contract {contract_id} is with customer {contract.customer_id}, "
            f"but site {site_id} belongs to {site.customer_id}"
        )
    if response_due is None or resolution_due is None:
        due = ticket_due_times(opened_at, priority, contract.sla, site.timezone, site.state)
        response_due = response_due or due.response_due
        resolution_due = resolution_due or due.resolution_due
    return Ticket(
        id=ticket_id,
        site_id=site_id,
        contract_id=contract_id,
        channel=channel,
        kind=kind,
        priority=priority,
        category=category,
        summary=summary,
        opened_at=opened_at,
        state=state,
        response_due=response_due,
        resolution_due=resolution_due,
        responded_at=responded_at,
        resolved_at=resolved_at,
        follow_up_of=follow_up_of,
    )
