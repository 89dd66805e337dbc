"""Tickets as dispatchers keep them: read, delete and page through them by what they are about.

A ticket's details are built and checked by ``ticket_records``; its state moves by ``ticket_lifecycle``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatch.domain.listings import Page, TicketFilter
from dispatch.domain.tickets import Ticket
from dispatch.persistence.repositories import TicketRepository
from dispatch.services.records import Records

ticket_records = Records(TicketRepository)


def find_tickets(session: Session, filters: TicketFilter, *, limit: int, offset: int) -> Page[Ticket]:
    """A page of the tickets matching ``filters``, by id."""
    return TicketRepository(session).find(filters, limit=limit, offset=offset)
