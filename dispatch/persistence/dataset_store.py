"""Whole data sets in and out of the database, in dependency order, with multi-row inserts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Table, delete, exists, false, or_, select
from sqlalchemy.orm import Session

from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import Job, JobStatus
from dispatch.domain.progress import VisitReport
from dispatch.domain.tickets import Ticket
from dispatch.persistence.models import AuditEventRow, Base, table_of
from dispatch.persistence.repositories import (
    ContractRepository,
    CustomerRepository,
    DepotRepository,
    JobRepository,
    OnCallDutyRepository,
    PartRepository,
    SiteRepository,
    SkillRepository,
    TechnicianRepository,
    TicketRepository,
)
from dispatch.persistence.repositories.plans import job_ids_of_plan
from dispatch.persistence.repositories.procedures import ProcedureRepository
from dispatch.persistence.repositories.standby import StandbyAgreementRepository
from dispatch.persistence.repositories.ticket_pauses import add_pauses, all_pauses
from dispatch.persistence.repositories.visit_reports import VisitReportRepository


def save_dataset(session: Session, dataset: Dataset) -> None:
    """Insert every entity of ``dataset`` (catalogue first, jobs last); the caller commits."""
    SkillRepository(session).add_many(dataset.skills)
    PartRepository(session).add_many(dataset.parts)
    CustomerRepository(session).add_many(dataset.customers)
    SiteRepository(session).add_many(dataset.sites)
    ContractRepository(session).add_many(dataset.contracts)
    DepotRepository(session).add_many(dataset.depots)
    TechnicianRepository(session).add_many(dataset.technicians)
    OnCallDutyRepository(session).add_many(dataset.on_call_duties)
    TicketRepository(session).add_many(dataset.tickets)
    add_pauses(session, dataset.ticket_pauses)
    JobRepository(session).add_many(dataset.jobs)
    ProcedureRepository(session).add_many(dataset.procedures)
    StandbyAgreementRepository(session).add_many(dataset.standby_agreements)


def save_history(
    session: Session, tickets: Sequence[Ticket], jobs: Sequence[Job], reports: Sequence[VisitReport]
) -> None:
    """Insert past tickets, their jobs and the reports of their visits (after ``save_dataset``)."""
    TicketRepository(session).add_many(tickets)
    JobRepository(session).add_many(jobs)
    VisitReportRepository(session).add_many(reports)


def load_dataset(session: Session) -> Dataset:
    """Every stored entity as domain objects, each list ordered by id (duties by technician and start)."""
    return Dataset(
        skills=SkillRepository(session).all(),
        parts=PartRepository(session).all(),
        customers=CustomerRepository(session).all(),
        sites=SiteRepository(session).all(),
        contracts=ContractRepository(session).all(),
        depots=DepotRepository(session).all(),
        technicians=TechnicianRepository(session).all(),
        on_call_duties=OnCallDutyRepository(session).all(),
        tickets=TicketRepository(session).all(),
        ticket_pauses=all_pauses(session),
        jobs=JobRepository(session).all(),
        procedures=ProcedureRepository(session).all(),
        standby_agreements=StandbyAgreementRepository(session).all(),
    )


def load_day_dataset(
    session: Session,
    plan_id: str | None,
    also: Collection[str],
    duties: tuple[datetime, datetime],
    *,
    open_statuses: Collection[JobStatus] = (),
) -> Dataset:
    """What one day's plan speaks of, without the rest of the history: the jobs of plan ``plan_id``, those
    named in ``also`` and those in one of ``open_statuses`` (the work still to do), their tickets and
    sites; every technician, depot, contract and catalogue entry (the workforce and the offer, not the
    history); the on-call duties and standby agreements (with their sites) with some time in ``duties``.
    Customers, procedures and ticket pauses are left out: no plan reads them. Each list is ordered as
    ``load_dataset`` orders it."""
    jobs = JobRepository.table
    in_day = or_(_jobs_of(plan_id, also), jobs.c.status.in_([s.value for s in open_statuses]))
    tickets = TicketRepository.table
    sites = SiteRepository.table
    standby = StandbyAgreementRepository(session).overlapping(*duties)
    wanted = or_(
        sites.c.id.in_(select(jobs.c.site_id).where(in_day)), sites.c.id.in_([a.site_id for a in standby])
    )
    return Dataset(
        skills=SkillRepository(session).all(),
        parts=PartRepository(session).all(),
        sites=SiteRepository(session).where(wanted),
        contracts=ContractRepository(session).all(),
        depots=DepotRepository(session).all(),
        technicians=TechnicianRepository(session).all(),
        on_call_duties=OnCallDutyRepository(session).overlapping(*duties),
        tickets=TicketRepository(session).where(tickets.c.id.in_(select(jobs.c.ticket_id).where(in_day))),
        jobs=JobRepository(session).where(in_day),
        standby_agreements=standby,
    )


def _jobs_of(plan_id: str | None, also: Collection[str]) -> ColumnElement[bool]:
    """Jobs of the plan ``plan_id`` (none when ``None``) or named in ``also``."""
    ids = JobRepository.table.c.id
    named = ids.in_(sorted(also)) if also else false()
    return named if plan_id is None else or_(ids.in_(job_ids_of_plan(plan_id)), named)


KEPT_ACROSS_REPLACE = frozenset({table_of(AuditEventRow).name})
"""Tables a replaced data set leaves alone: the audit trail is append-only and outlives what it speaks of."""


def _entity_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in KEPT_ACROSS_REPLACE]


def clear_dataset(session: Session) -> None:
    """Delete every stored entity, children before parents; the caller commits (or rolls back). The
    audit trail stays."""
    for table in reversed(_entity_tables()):
        session.execute(delete(table))


def is_empty(session: Session) -> bool:
    """True when no entity is stored at all (the catalogue included; the audit trail does not count)."""
    return not any(session.scalar(select(exists().select_from(t))) for t in _entity_tables())
