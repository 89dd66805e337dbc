"""Repository of day plans: the plan row, its routes, their visits and the jobs left out."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select, union, update
from sqlalchemy.engine import RowMapping

from dispatch.domain.plans import (
    MovedVisit,
    Plan,
    PlanChanges,
    PlanCost,
    PlannedRoute,
    PlannedVisit,
    PlanStatus,
    UnplannedJob,
    VisitKind,
)
from dispatch.persistence.models import PlanRouteRow, PlanRow, PlanUnassignedRow, PlanVisitRow, table_of
from dispatch.persistence.repositories._base import Child, ChildRows, Repository, RowsByTable

_ROUTES = table_of(PlanRouteRow)
_VISITS = table_of(PlanVisitRow)
_UNASSIGNED = table_of(PlanUnassignedRow)


def job_ids_of_plan(plan_id: str) -> Select[tuple[str]]:
    """The ids of the jobs a plan speaks of (on its routes or left out), as a statement to filter by."""
    routed = select(_VISITS.c.job_id).where(_VISITS.c.plan_id == plan_id, _VISITS.c.job_id.is_not(None))
    left_out = select(_UNASSIGNED.c.job_id).where(_UNASSIGNED.c.plan_id == plan_id)
    return select(union(routed, left_out).subquery().c.job_id)


class PlanRepository(Repository[Plan]):
    table = table_of(PlanRow)
    key = "id"
    children = (
        Child(_ROUTES, "plan_id", "technician_id"),
        Child(_VISITS, "plan_id", "technician_id", "sequence"),
        Child(_UNASSIGNED, "plan_id", "job_id"),
    )

    def key_of(self, item: Plan) -> str:
        return item.id

    def publish(self, plan: Plan, *, replaces: str | None) -> bool:
        """Store ``plan`` as the published plan of its day in place of ``replaces`` (``None``: the day had
        none); ``False``, storing nothing, when that is no longer the day's published plan."""
        table = self.table
        published = table.c.status == PlanStatus.PUBLISHED.value
        superseded = {"status": PlanStatus.SUPERSEDED.value}
        if replaces is None:
            current = self.published_id(plan.day)
            if current is not None:
                return False
        else:
            swapped = self.session.execute(
                update(table)
                .where(table.c.id == replaces, table.c.day == plan.day, published)
                .values(superseded)
            )
            if swapped.rowcount != 1:  # type: ignore[attr-defined]
                return False
        self.add(plan)
        return True

    def move_status(self, plan_id: str, before: PlanStatus, after: PlanStatus) -> bool:
        """Set the plan's status to ``after`` if it is ``before``; whether it was."""
        moved = self.session.execute(
            update(self.table)
            .where(self.table.c.id == plan_id, self.table.c.status == before.value)
            .values(status=after.value)
        )
        return bool(moved.rowcount == 1)  # type: ignore[attr-defined]

    def published(self, day: date) -> Plan | None:
        """The plan technicians and customers see for ``day``, if any."""
        found = self.published_id(day)
        return None if found is None else self.get(found)

    def lock_published(self, day: date) -> str | None:
        """The id of the plan published for ``day``, its row locked until the transaction ends
        (PostgreSQL; SQLite transactions of the service are serialised already), so edits of a day queue
        instead of deadlocking; asked twice because the first answer misses a plan published while it
        waited."""
        statement = (
            select(self.table.c.id)
            .where(self.table.c.day == day, self.table.c.status == PlanStatus.PUBLISHED.value)
            .with_for_update()
        )
        found = self.session.execute(statement).scalar_one_or_none()
        return found if found is not None else self.session.execute(statement).scalar_one_or_none()

    def published_id(self, day: date) -> str | None:
        """The id (the version) of the plan published for ``day``, if any."""
        return self.session.execute(
            select(self.table.c.id).where(
                self.table.c.day == day, self.table.c.status == PlanStatus.PUBLISHED.value
            )
        ).scalar_one_or_none()

    def to_rows(self, item: Plan) -> RowsByTable:
        owner = {"plan_id": item.id}
        visit_owner = {**owner, "plan_day": item.day, "plan_status": item.status.value}
        return {
            self.table: [
                {
                    "id": item.id,
                    "day": item.day,
                    "region": item.region,
                    "created_at": item.created_at,
                    "status": item.status.value,
                    "solver_status": item.solver_status,
                    "solve_ms": item.solve_ms,
                    "travel_cost": item.cost.travel,
                    "lateness_cost": item.cost.lateness,
                    "drop_cost": item.cost.drops,
                    "overtime_cost": item.cost.overtime,
                    "changes": None if item.changes is None else changes_to_json(item.changes),
                }
            ],
            _ROUTES: [
                {
                    **owner,
                    "technician_id": r.technician_id,
                    "starts_at": r.start,
                    "ends_at": r.end,
                    "travel_s": r.travel_s,
                    "distance_m": r.distance_m,
                    "overtime_s": r.overtime_s,
                    "lunch_starts_at": r.lunch_start,
                    "lunch_ends_at": r.lunch_end,
                }
                for r in item.routes
            ],
            _VISITS: [
                {
                    **visit_owner,
                    "technician_id": r.technician_id,
                    "sequence": v.sequence,
                    "kind": v.kind.value,
                    "job_id": v.job_id,
                    "depot_id": v.depot_id,
                    "arrives_at": v.arrival,
                    "starts_at": v.start,
                    "ends_at": v.end,
                    "travel_s": v.travel_s,
                    "distance_m": v.distance_m,
                    "sla_lateness_s": v.sla_lateness_s,
                    "parts_picked": dict(v.parts_picked),
                }
                for r in item.routes
                for v in r.visits
            ],
            _UNASSIGNED: [
                {**owner, "job_id": u.job_id, "reason": u.reason, "detail": u.detail} for u in item.unplanned
            ],
        }

    def from_rows(self, row: RowMapping, children: ChildRows) -> Plan:
        visits: dict[str, list[PlannedVisit]] = defaultdict(list)
        for v in children[_VISITS]:
            visits[v["technician_id"]].append(
                PlannedVisit(
                    sequence=v["sequence"],
                    kind=VisitKind(v["kind"]),
                    arrival=v["arrives_at"],
                    start=v["starts_at"],
                    end=v["ends_at"],
                    travel_s=v["travel_s"],
                    distance_m=v["distance_m"],
                    job_id=v["job_id"],
                    depot_id=v["depot_id"],
                    parts_picked=dict(v["parts_picked"] or {}),
                    sla_lateness_s=v["sla_lateness_s"],
                )
            )
        routes = tuple(
            PlannedRoute(
                technician_id=r["technician_id"],
                start=r["starts_at"],
                end=r["ends_at"],
                travel_s=r["travel_s"],
                distance_m=r["distance_m"],
                overtime_s=r["overtime_s"],
                visits=tuple(visits[r["technician_id"]]),
                lunch_start=r["lunch_starts_at"],
                lunch_end=r["lunch_ends_at"],
            )
            for r in children[_ROUTES]
        )
        return Plan(
            id=row["id"],
            day=row["day"],
            region=row["region"],
            created_at=row["created_at"],
            status=PlanStatus(row["status"]),
            solver_status=row["solver_status"],
            solve_ms=row["solve_ms"],
            cost=PlanCost(
                travel=row["travel_cost"],
                lateness=row["lateness_cost"],
                drops=row["drop_cost"],
                overtime=row["overtime_cost"],
            ),
            changes=None if row["changes"] is None else changes_of_json(row["changes"]),
            routes=routes,
            unplanned=tuple(
                UnplannedJob(job_id=u["job_id"], reason=u["reason"], detail=u["detail"])
                for u in children[_UNASSIGNED]
            ),
        )


def changes_to_json(changes: PlanChanges) -> dict[str, object]:
    """A plan's changes as stored: instants as ISO strings."""
    return {
        "replaces": changes.replaces,
        "reassigned": [_moved_to_json(m) for m in changes.reassigned],
        "windows_moved": [_moved_to_json(m) for m in changes.windows_moved],
    }


def changes_of_json(stored: dict[str, Any]) -> PlanChanges:
    return PlanChanges(
        replaces=stored["replaces"],
        reassigned=tuple(_moved_of_json(m) for m in stored["reassigned"]),
        windows_moved=tuple(_moved_of_json(m) for m in stored["windows_moved"]),
    )


def _moved_to_json(moved: MovedVisit) -> dict[str, object]:
    def window(w: tuple[datetime, datetime] | None) -> list[str] | None:
        return None if w is None else [w[0].isoformat(), w[1].isoformat()]

    return {
        "job_id": moved.job_id,
        "technician_before": moved.technician_before,
        "technician_after": moved.technician_after,
        "window_before": window(moved.window_before),
        "window_after": window(moved.window_after),
    }


def _moved_of_json(stored: dict[str, Any]) -> MovedVisit:
    def window(w: list[str] | None) -> tuple[datetime, datetime] | None:
        return None if w is None else (datetime.fromisoformat(w[0]), datetime.fromisoformat(w[1]))

    return MovedVisit(
        job_id=stored["job_id"],
        technician_before=stored["technician_before"],
        technician_after=stored["technician_after"],
        window_before=window(stored["window_before"]),
        window_after=window(stored["window_after"]),
    )
