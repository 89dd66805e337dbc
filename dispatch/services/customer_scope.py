"""What a login may see of tickets and sites: staff see every one; a customer user only their own
organisation's. Another organisation's record is answered as missing, not forbidden, so a customer user
cannot learn that it exists."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from dispatch.domain.accounts import Account, Role
from dispatch.domain.audit import AuditEntry
from dispatch.domain.customers import Site
from dispatch.domain.errors import DomainError, RecordNotFound
from dispatch.domain.intake import Impact, suggest_priority
from dispatch.domain.listings import Page, SiteFilter, TicketFilter
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketPause, TicketState
from dispatch.persistence.repositories import ContractRepository, SiteRepository, TicketRepository
from dispatch.persistence.repositories.ticket_pauses import pauses_of
from dispatch.services.audit import ticket_trail
from dispatch.services.ticket_records import build_ticket
from dispatch.services.tickets import ticket_records


def _organisation(viewer: Account) -> str | None:
    """The customer a viewer is limited to; ``None`` for staff, who see everything."""
    return viewer.customer_id if viewer.role is Role.CUSTOMER else None


def tickets_seen_by(
    session: Session, viewer: Account, filters: TicketFilter, *, limit: int, offset: int
) -> Page[Ticket]:
    """A page of the tickets matching ``filters`` that ``viewer`` may see, by id."""
    own = _organisation(viewer)
    if own is not None:
        filters = dataclasses.replace(filters, customer_id=own)
    return TicketRepository(session).find(filters, limit=limit, offset=offset)


def ticket_seen_by(session: Session, viewer: Account, ticket_id: str) -> Ticket:
    """The ticket, if ``viewer`` may see it; ``RecordNotFound`` (as for a missing one) otherwise."""
    ticket = TicketRepository(session).get(ticket_id)
    own = _organisation(viewer)
    if ticket is not None and own is not None:
        site = SiteRepository(session).get(ticket.site_id)
        if site is None or site.customer_id != own:
            ticket = None
    if ticket is None:
        raise RecordNotFound(f"tickets: no record {ticket_id!r}")
    return ticket


def pauses_seen_by(session: Session, viewer: Account, ticket_id: str) -> list[TicketPause]:
    """The ticket's waits on the customer, oldest first, if ``viewer`` may see the ticket."""
    ticket_seen_by(session, viewer, ticket_id)
    return pauses_of(session, ticket_id)


def trail_seen_by(session: Session, viewer: Account, ticket_id: str) -> list[AuditEntry]:
    """The ticket's audit trail (its own entries and its jobs'), if ``viewer`` may see the ticket."""
    ticket_seen_by(session, viewer, ticket_id)
    return ticket_trail(session, ticket_id)


def sites_seen_by(
    session: Session, viewer: Account, filters: SiteFilter, *, limit: int, offset: int
) -> Page[Site]:
    """A page of the sites matching ``filters`` that ``viewer`` may see, by id."""
    own = _organisation(viewer)
    if own is not None:
        filters = dataclasses.replace(filters, customer_id=own)
    return SiteRepository(session).find(filters, limit=limit, offset=offset)


def site_seen_by(session: Session, viewer: Account, site_id: str) -> Site:
    """The site, if ``viewer`` may see it; ``RecordNotFound`` (as for a missing one) otherwise."""
    site = SiteRepository(session).get(site_id)
    own = _organisation(viewer)
    if site is None or (own is not None and site.customer_id != own):
        raise RecordNotFound(f"sites: no record {site_id!r}")
    return site


def submit_online(
    session: Session,
    viewer: Account,
    *,
    site_id: str,
    category: str,
    summary: str,
    impact: Impact,
    now: datetime,
) -> Ticket:
    """A customer user's ticket raised online at one of their sites, under the customer's contract in
    force today (the one with the shortest P1 response if several), at the suggested priority, new and
    waiting for a dispatcher's triage."""
    own = _organisation(viewer)
    if own is None:
        raise DomainError("online tickets are raised by customer users; dispatchers use POST /tickets")
    site = site_seen_by(session, viewer, site_id)
    if not summary.strip() or not category.strip():
        raise DomainError("say what the ticket is about (category and summary)")
    contracts = ContractRepository(session).list(customer_id=own, active_on=now.date())
    if not contracts:
        raise DomainError("your organisation has no contract in force today: call the service desk")
    contract = min(contracts, key=lambda c: (min(t.response for t in c.sla.targets.values()), c.id))
    ticket = build_ticket(
        session,
        ticket_id=f"TKT-W{uuid.uuid4().hex[:10].upper()}",
        site_id=site.id,
        contract_id=contract.id,
        channel=Channel.ONLINE,
        kind=TicketKind.SUPPORT,
        priority=suggest_priority(category, impact, contract),
        category=category.strip().lower(),
        summary=summary.strip(),
        opened_at=now,
        state=TicketState.NEW,
    )
    return ticket_records.add(session, ticket)
