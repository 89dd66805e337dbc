"""Escalating a ticket onsite: the ticket goes to ONSITE_REQUIRED and its visit is created to be planned.

The visit proposed needs the skill named by the ticket's category (level 1) and the parts of that category
known to be installed at the site: those that earlier visits there needed (the site's equipment as the
provider has seen it). A dispatcher may replace the parts and the duration when escalating, and edit the
job like any other afterwards.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from dispatch.domain.errors import DomainError
from dispatch.domain.jobs import Job, JobStatus, PartRequirement, SkillRequirement
from dispatch.domain.listings import JobFilter
from dispatch.domain.tickets import RemoteOutcome, Ticket
from dispatch.persistence.repositories import JobRepository, PartRepository, SkillRepository, TicketRepository
from dispatch.persistence.repositories.jobs import job_statuses_of_ticket
from dispatch.services.jobs import job_records
from dispatch.services.ticket_lifecycle import record_remote_attempt

DEFAULT_VISIT = timedelta(minutes=90)
PAST_VISITS_READ = 500
"""How many of the site's earlier visits are read for its equipment."""


def propose_onsite_job(session: Session, ticket_id: str, *, duration: timedelta | None = None) -> Job:
    """The visit escalating ``ticket_id`` would create (nothing is stored)."""
    ticket = TicketRepository(session).require(ticket_id)
    category = ticket.category.strip().lower()
    skills = (SkillRequirement(category, 1),) if SkillRepository(session).get(category) else ()
    return Job(
        id=_next_job_id(session, ticket),
        ticket_id=ticket.id,
        site_id=ticket.site_id,
        duration=duration or DEFAULT_VISIT,
        priority=ticket.priority,
        required_skills=skills,
        required_parts=_site_equipment(session, ticket.site_id, category),
        sla_due=ticket.resolution_due,
        status=JobStatus.UNSCHEDULED,
    )


def escalate_onsite(
    session: Session,
    ticket_id: str,
    note: str,
    *,
    now: datetime,
    parts: tuple[PartRequirement, ...] | None = None,
    duration: timedelta | None = None,
) -> tuple[Ticket, Job]:
    """Record the remote attempt that failed, move the ticket onsite and create its visit: the proposal,
    with ``parts`` and ``duration`` in place of the proposed ones when given."""
    job = propose_onsite_job(session, ticket_id, duration=duration)
    if parts is not None:
        catalogue = PartRepository(session)
        unknown = [p.sku for p in parts if catalogue.get(p.sku) is None]
        if unknown:
            raise DomainError(f"no part {', '.join(unknown)} in the catalogue")
        job = dataclasses.replace(job, required_parts=parts)
    ticket = record_remote_attempt(session, ticket_id, RemoteOutcome.ESCALATED, note, now=now)
    return ticket, job_records.add(session, job)


def _site_equipment(session: Session, site_id: str, category: str) -> tuple[PartRequirement, ...]:
    seen: dict[str, int] = {}
    earlier = JobRepository(session).find(JobFilter(site_id=site_id), limit=PAST_VISITS_READ, offset=0)
    for job in earlier.items:
        for need in job.required_parts:
            seen.setdefault(need.sku, 1)
    catalogue = PartRepository(session)
    kept = []
    for sku in sorted(seen):
        part = catalogue.get(sku)
        if part is not None and part.category.strip().lower() == category:
            kept.append(PartRequirement(sku, 1))
    return tuple(kept)


def _next_job_id(session: Session, ticket: Ticket) -> str:
    """``<ticket>-V<n>``: the ticket's n-th visit, the first n not taken."""
    number = len(job_statuses_of_ticket(session, ticket.id)) + 1
    jobs = JobRepository(session)
    while jobs.get(f"{ticket.id}-V{number}") is not None:
        number += 1
    return f"{ticket.id}-V{number}"
