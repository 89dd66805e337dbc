"""Onsite jobs as dispatchers keep them: read, add, replace, delete and page through them.

Cancelling a visit, which changes the day's plan, is ``day_events.cancel_visit``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatch.domain.jobs import Job
from dispatch.domain.listings import JobFilter, Page
from dispatch.persistence.repositories import JobRepository
from dispatch.services.records import Records

job_records = Records(JobRepository)


def find_jobs(session: Session, filters: JobFilter, *, limit: int, offset: int) -> Page[Job]:
    """A page of the jobs matching ``filters``, by id."""
    return JobRepository(session).find(filters, limit=limit, offset=offset)
