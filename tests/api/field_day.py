"""A small published day for the technician and tracking tests, on top of the sample data set.

T-MKE (Central time) collects a switch at the Chicago depot, then visits the Chicago flagship four times
with a lunch break after the first visit; T-DET has one visit in Denver. Each test module uses its own
jobs, so the order of the tests within a module does not matter.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dispatch.domain.contracts import Priority
from dispatch.domain.jobs import Job, JobStatus, PartRequirement, SkillRequirement
from dispatch.domain.plans import Plan, PlanCost, PlannedRoute, PlannedVisit, PlanStatus, VisitKind
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState
from dispatch.persistence.dataset_store import save_dataset
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.repositories import PlanRepository
from dispatch.services.accounts import ensure_demo_accounts
from tests.dispatch.persistence.sample_data import small_dataset

DAY = date(2026, 11, 26)
CENTRAL = ZoneInfo("America/Chicago")
MOUNTAIN = ZoneInfo("America/Denver")
EXTRA_JOBS = ("J-F2", "J-F3", "J-F4", "J-F5")
"""T-MKE's visits after J-1, in route order."""


def local(hour: int, minute: int = 0, zone: ZoneInfo = CENTRAL) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=zone).astimezone(UTC)


def _ticket(number: int, summary: str) -> Ticket:
    opened = datetime(2026, 11, 25, 15, tzinfo=UTC)
    return Ticket(
        id=f"TK-F{number}",
        site_id="S-CHI",
        contract_id="K-ACME",
        channel=Channel.TELEPHONE,
        kind=TicketKind.SUPPORT,
        priority=Priority.P3,
        category="network",
        summary=summary,
        opened_at=opened,
        state=TicketState.ONSITE_REQUIRED,
        response_due=opened + timedelta(hours=4),
        resolution_due=opened + timedelta(hours=24),
    )


def _job(number: int) -> Job:
    return Job(
        id=f"J-F{number}",
        ticket_id=f"TK-F{number}",
        site_id="S-CHI",
        duration=timedelta(minutes=45),
        priority=Priority.P3,
        required_skills=(SkillRequirement("network", 2),),
        required_parts=(PartRequirement("SW-24P", 1),) if number == 2 else (),
        sla_due=datetime(2026, 11, 26, 15, tzinfo=UTC) + timedelta(hours=number),
        status=JobStatus.PLANNED,
    )


def _visit(sequence: int, job_id: str, arrive: datetime, minutes: int) -> PlannedVisit:
    return PlannedVisit(
        sequence=sequence,
        kind=VisitKind.JOB,
        arrival=arrive,
        start=arrive,
        end=arrive + timedelta(minutes=minutes),
        travel_s=1200,
        distance_m=15_000,
        job_id=job_id,
    )


def plan() -> Plan:
    """The published plan of ``DAY`` for all regions."""
    mke = PlannedRoute(
        technician_id="T-MKE",
        start=local(7, 0),
        end=local(16, 30),
        travel_s=6000,
        distance_m=120_000,
        overtime_s=0,
        lunch_start=local(11, 0),
        lunch_end=local(11, 30),
        visits=(
            PlannedVisit(
                sequence=1,
                kind=VisitKind.DEPOT_PICKUP,
                arrival=local(8, 0),
                start=local(8, 0),
                end=local(8, 15),
                travel_s=3600,
                distance_m=60_000,
                depot_id="D-CHI",
                parts_picked={"SW-24P": 1},
            ),
            _visit(2, "J-1", local(9, 0), 90),
            _visit(3, "J-F2", local(12, 0), 45),
            _visit(4, "J-F3", local(13, 5), 45),
            _visit(5, "J-F4", local(14, 10), 45),
            _visit(6, "J-F5", local(15, 15), 45),
        ),
    )
    det = PlannedRoute(
        technician_id="T-DET",
        start=local(7, 0, MOUNTAIN),
        end=local(12, 0, MOUNTAIN),
        travel_s=3600,
        distance_m=50_000,
        overtime_s=0,
        visits=(_visit(1, "J-2", local(10, 0, MOUNTAIN), 60),),
    )
    return Plan(
        id="PLAN-FIELD",
        day=DAY,
        region=None,
        created_at=datetime(2026, 11, 26, 6, tzinfo=UTC),
        status=PlanStatus.PUBLISHED,
        solver_status="feasible",
        solve_ms=10,
        cost=PlanCost(travel=1, lateness=0, drops=0, overtime=0),
        routes=(mke, det),
        unplanned=(),
    )


def seed_field_day(database_url: str) -> None:
    """Store the sample data, four more Chicago visits, the demo logins and the published plan."""
    dataset = small_dataset()
    dataset.tickets += [_ticket(n, f"Switch port flapping, closet {n}") for n in range(2, 6)]
    dataset.jobs = [dataclasses.replace(job, status=JobStatus.PLANNED) for job in dataset.jobs] + [
        _job(n) for n in range(2, 6)
    ]
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            save_dataset(session, dataset)
            ensure_demo_accounts(session)
            PlanRepository(session).publish(plan(), replaces=None)
    finally:
        engine.dispose()
