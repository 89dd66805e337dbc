"""Parts used and picked up during a day, and the van and depot stock they are settled into."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from dispatch.domain.jobs import JobStatus
from dispatch.domain.part_movements import MovementKind, PartMovement
from dispatch.domain.plans import PlanStatus
from dispatch.persistence.models import (
    DepotStockRow,
    JobRow,
    PartMovementRow,
    PlanRow,
    PlanVisitRow,
    VanStockRow,
    table_of,
)

_MOVEMENTS = table_of(PartMovementRow)
_VAN = table_of(VanStockRow)
_DEPOT = table_of(DepotStockRow)
_JOBS = table_of(JobRow)
_PLANS = table_of(PlanRow)
_VISITS = table_of(PlanVisitRow)


def add_movements(session: Session, movements: Iterable[PartMovement]) -> None:
    rows = [
        {
            "id": m.id,
            "day": m.day,
            "technician_id": m.technician_id,
            "job_id": m.job_id,
            "depot_id": m.depot_id,
            "sku": m.sku,
            "quantity": m.quantity,
            "kind": m.kind.value,
            "at": m.at,
            "settled_at": m.settled_at,
        }
        for m in movements
    ]
    if rows:
        session.execute(insert(_MOVEMENTS), rows)


def picked_up_on(session: Session, technician_id: str, day: date) -> dict[tuple[str, str], int]:
    """What the technician has been recorded picking up on ``day``: (depot id, sku) -> quantity."""
    rows = session.execute(
        select(_MOVEMENTS.c.depot_id, _MOVEMENTS.c.sku, func.sum(_MOVEMENTS.c.quantity).label("quantity"))
        .where(
            _MOVEMENTS.c.technician_id == technician_id,
            _MOVEMENTS.c.day == day,
            _MOVEMENTS.c.kind == MovementKind.PICKED_UP.value,
        )
        .group_by(_MOVEMENTS.c.depot_id, _MOVEMENTS.c.sku)
    )
    return {(str(row.depot_id), row.sku): int(row.quantity) for row in rows}


def movements_of_job(session: Session, job_id: str) -> list[PartMovement]:
    rows = session.execute(
        select(_MOVEMENTS).where(_MOVEMENTS.c.job_id == job_id).order_by(_MOVEMENTS.c.at, _MOVEMENTS.c.id)
    ).mappings()
    return [_movement_of(row) for row in rows]


def unsettled_of_technician(session: Session, technician_id: str, until: datetime) -> list[PartMovement]:
    """The technician's movements recorded by ``until`` and not yet settled into the stock tables."""
    rows = session.execute(
        select(_MOVEMENTS)
        .where(
            _MOVEMENTS.c.technician_id == technician_id,
            _MOVEMENTS.c.at <= until,
            _MOVEMENTS.c.settled_at.is_(None),
        )
        .order_by(_MOVEMENTS.c.at, _MOVEMENTS.c.id)
    ).mappings()
    return [_movement_of(row) for row in rows]


def lock_unsettled_of_day(session: Session, day: date) -> list[PartMovement]:
    """The day's movements not yet settled, locked (PostgreSQL) so two settlements cannot both apply them."""
    rows = session.execute(
        select(_MOVEMENTS)
        .where(_MOVEMENTS.c.day == day, _MOVEMENTS.c.settled_at.is_(None))
        .order_by(_MOVEMENTS.c.at, _MOVEMENTS.c.id)
        .with_for_update()
    ).mappings()
    return [_movement_of(row) for row in rows]


def mark_settled(session: Session, movement_ids: Sequence[str], at: datetime) -> None:
    if movement_ids:
        session.execute(
            update(_MOVEMENTS)
            .where(_MOVEMENTS.c.id.in_(movement_ids), _MOVEMENTS.c.settled_at.is_(None))
            .values(settled_at=at)
        )


def jobs_under_way_on(session: Session, day: date) -> list[str]:
    """Jobs on the day's published plan that a technician is still driving to or working on."""
    rows = session.execute(
        select(_JOBS.c.id)
        .join(_VISITS, _VISITS.c.job_id == _JOBS.c.id)
        .join(_PLANS, _PLANS.c.id == _VISITS.c.plan_id)
        .where(
            _PLANS.c.day == day,
            _PLANS.c.status == PlanStatus.PUBLISHED.value,
            _JOBS.c.status.in_([JobStatus.EN_ROUTE.value, JobStatus.ON_SITE.value]),
        )
        .order_by(_JOBS.c.id)
    )
    return [row.id for row in rows]


def van_stock_of(session: Session, technician_id: str) -> dict[str, int]:
    """The van's stock as stored (what was settled last)."""
    rows = session.execute(select(_VAN.c.sku, _VAN.c.quantity).where(_VAN.c.technician_id == technician_id))
    return {row.sku: int(row.quantity) for row in rows}


def change_van_stock(session: Session, changes: Mapping[tuple[str, str], int]) -> None:
    """Add each change to the van's stored quantity ((technician id, sku) -> signed quantity), never
    below zero: a part used that the stored van did not hold was on the van unrecorded."""
    _change_stock(session, _VAN, "technician_id", changes)


def change_depot_stock(session: Session, changes: Mapping[tuple[str, str], int]) -> None:
    """Add each change to the depot's stored quantity ((depot id, sku) -> signed), never below zero."""
    _change_stock(session, _DEPOT, "depot_id", changes)


def _change_stock(session: Session, stock: Table, owner: str, changes: Mapping[tuple[str, str], int]) -> None:
    for (holder, sku), change in sorted(changes.items()):
        if change == 0:
            continue
        where = (stock.c[owner] == holder, stock.c.sku == sku)
        current = session.execute(
            select(stock.c.quantity).where(*where).with_for_update()
        ).scalar_one_or_none()
        if current is None:
            if change > 0:
                session.execute(insert(stock).values({owner: holder, "sku": sku, "quantity": change}))
            continue
        session.execute(update(stock).where(*where).values(quantity=max(0, int(current) + change)))


def _movement_of(row: RowMapping) -> PartMovement:
    return PartMovement(
        id=row["id"],
        day=row["day"],
        technician_id=row["technician_id"],
        sku=row["sku"],
        quantity=row["quantity"],
        kind=MovementKind(row["kind"]),
        at=row["at"],
        job_id=row["job_id"],
        depot_id=row["depot_id"],
        settled_at=row["settled_at"],
    )
