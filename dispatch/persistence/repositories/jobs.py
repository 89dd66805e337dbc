"""Repository of onsite jobs with their required skills, parts and time windows."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from dispatch.domain.contracts import Priority
from dispatch.domain.jobs import Job, JobStatus, PartRequirement, SkillRequirement, TimeWindow
from dispatch.domain.listings import JobFilter, Page
from dispatch.persistence.models import JobPartRow, JobRow, JobSkillRow, JobWindowRow, table_of
from dispatch.persistence.repositories._base import Child, ChildRows, Repository, RowsByTable
from dispatch.persistence.repositories._conversions import whole_seconds

_SKILLS = table_of(JobSkillRow)
_PARTS = table_of(JobPartRow)
_WINDOWS = table_of(JobWindowRow)


class JobRepository(Repository[Job]):
    table = table_of(JobRow)
    key = "id"
    children = (
        Child(_SKILLS, "job_id", "position"),
        Child(_PARTS, "job_id", "position"),
        Child(_WINDOWS, "job_id", "position"),
    )

    def key_of(self, item: Job) -> str:
        return item.id

    def to_rows(self, item: Job) -> RowsByTable:
        row = {
            "id": item.id,
            "ticket_id": item.ticket_id,
            "site_id": item.site_id,
            "duration_s": whole_seconds(item.duration),
            "priority": item.priority.value,
            "sla_due": item.sla_due,
            "pinned_technician_id": item.pinned_technician_id,
            "status": item.status.value,
        }
        owner = {"job_id": item.id}
        return {
            self.table: [row],
            _SKILLS: [
                {**owner, "skill_code": need.skill, "min_level": need.min_level, "position": position}
                for position, need in enumerate(item.required_skills)
            ],
            _PARTS: [
                {**owner, "sku": need.sku, "quantity": need.quantity, "position": position}
                for position, need in enumerate(item.required_parts)
            ],
            _WINDOWS: [
                {**owner, "position": position, "starts_at": window.start, "ends_at": window.end}
                for position, window in enumerate(item.windows)
            ],
        }

    def from_rows(self, row: RowMapping, children: ChildRows) -> Job:
        return Job(
            id=row["id"],
            ticket_id=row["ticket_id"],
            site_id=row["site_id"],
            duration=timedelta(seconds=row["duration_s"]),
            priority=Priority(row["priority"]),
            required_skills=tuple(
                SkillRequirement(skill=need["skill_code"], min_level=need["min_level"])
                for need in children[_SKILLS]
            ),
            required_parts=tuple(
                PartRequirement(sku=need["sku"], quantity=need["quantity"]) for need in children[_PARTS]
            ),
            windows=tuple(
                TimeWindow(start=window["starts_at"], end=window["ends_at"]) for window in children[_WINDOWS]
            ),
            sla_due=row["sla_due"],
            pinned_technician_id=row["pinned_technician_id"],
            status=JobStatus(row["status"]),
        )

    def list(
        self,
        *,
        ticket_id: str | None = None,
        site_id: str | None = None,
        status: JobStatus | None = None,
        priority: Priority | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> builtins.list[Job]:
        """Jobs by id, filtered by ticket, site, status or priority."""
        filters = JobFilter(ticket_id=ticket_id, site_id=site_id, status=status, priority=priority)
        return self._select(self._matching(filters), limit=limit, offset=offset)

    def find(self, filters: JobFilter, *, limit: int, offset: int) -> Page[Job]:
        """A page of the jobs matching ``filters``, by id."""
        return self._page(self._matching(filters), limit=limit, offset=offset)

    def _matching(self, filters: JobFilter) -> builtins.list[ColumnElement[bool]]:
        c = self.table.c
        conditions: builtins.list[ColumnElement[bool]] = []
        if filters.ticket_id is not None:
            conditions.append(c.ticket_id == filters.ticket_id)
        if filters.site_id is not None:
            conditions.append(c.site_id == filters.site_id)
        if filters.status is not None:
            conditions.append(c.status == filters.status.value)
        if filters.priority is not None:
            conditions.append(c.priority == filters.priority.value)
        if filters.pinned_technician_id is not None:
            conditions.append(c.pinned_technician_id == filters.pinned_technician_id)
        return conditions


def set_job_statuses(
    session: Session, statuses: Mapping[str, JobStatus], *, only_from: frozenset[JobStatus] | None = None
) -> None:
    """Move many jobs to new statuses in one statement per status (a plan publishes many at once);
    with ``only_from``, only jobs whose stored status is one of those move (a report in between wins)."""
    table = JobRepository.table
    by_status: dict[JobStatus, list[str]] = {}
    for job_id, status in statuses.items():
        by_status.setdefault(status, []).append(job_id)
    for status, job_ids in by_status.items():
        where = [table.c.id.in_(job_ids)]
        if only_from is not None:
            where.append(table.c.status.in_([s.value for s in only_from]))
        session.execute(update(table).where(*where).values(status=status.value))


def follow_up_of(session: Session, job_id: str) -> str | None:
    """The visit that could not complete and sent ``job_id`` out, if any."""
    table = JobRepository.table
    found: str | None = session.execute(
        select(table.c.follow_up_of_job).where(table.c.id == job_id)
    ).scalar_one_or_none()
    return found


def link_follow_up(session: Session, job_id: str, follows: str) -> None:
    """Record that ``job_id`` was sent out because the visit ``follows`` could not complete."""
    table = JobRepository.table
    session.execute(update(table).where(table.c.id == job_id).values(follow_up_of_job=follows))


def job_statuses_of_ticket(session: Session, ticket_id: str) -> dict[str, JobStatus]:
    """Every job of the ticket with its status, as stored now."""
    table = JobRepository.table
    rows = session.execute(select(table.c.id, table.c.status).where(table.c.ticket_id == ticket_id))
    return {row.id: JobStatus(row.status) for row in rows}
