"""Work reported during the day: a ticket that needs a technician on site, stored with its job."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatch.domain.jobs import Job
from dispatch.domain.tickets import Ticket
from dispatch.persistence.repositories import JobRepository, TicketRepository


def log_onsite_work(session: Session, ticket: Ticket, job: Job) -> None:
    """Store ``ticket`` and the onsite ``job`` it needs, to be planned (caller commits)."""
    if job.ticket_id != ticket.id:
        raise ValueError(f"job {job.id} belongs to ticket {job.ticket_id}, not {ticket.id}")
    TicketRepository(session).add(ticket)
    JobRepository(session).add(job)
