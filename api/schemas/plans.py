"""The published plan as dispatchers read it: routes of ordered visits, and jobs left out with reasons."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from pydantic import BaseModel, Field

from dispatch.domain.jobs import Job
from dispatch.domain.plans import MovedVisit, Plan, PlanChanges, PlannedRoute, PlannedVisit, VisitKind


class VisitOut(BaseModel):
    sequence: int
    kind: VisitKind
    job_id: str | None
    depot_id: str | None
    arrival: datetime
    start: datetime
    end: datetime
    travel_s: int = Field(description="Driving time from the previous stop.")
    distance_m: int
    parts_picked: dict[str, int]
    sla_due: datetime | None
    sla_margin_s: int | None = Field(description="Seconds between the visit's end and the SLA due time.")
    sla_lateness_s: int

    @classmethod
    def of(cls, visit: PlannedVisit, job: Job | None) -> VisitOut:
        due = job.sla_due if job is not None else None
        return cls(
            sequence=visit.sequence,
            kind=visit.kind,
            job_id=visit.job_id,
            depot_id=visit.depot_id,
            arrival=visit.arrival,
            start=visit.start,
            end=visit.end,
            travel_s=visit.travel_s,
            distance_m=visit.distance_m,
            parts_picked=dict(visit.parts_picked),
            sla_due=due,
            sla_margin_s=None if due is None else int((due - visit.end).total_seconds()),
            sla_lateness_s=visit.sla_lateness_s,
        )


class BreakOut(BaseModel):
    start: datetime
    end: datetime


class RouteOut(BaseModel):
    technician_id: str
    start: datetime
    end: datetime
    travel_s: int
    distance_m: int
    overtime_s: int
    lunch: BreakOut | None
    visits: list[VisitOut]

    @classmethod
    def of(cls, route: PlannedRoute, jobs: Mapping[str, Job]) -> RouteOut:
        lunch = None
        if route.lunch_start is not None and route.lunch_end is not None:
            lunch = BreakOut(start=route.lunch_start, end=route.lunch_end)
        return cls(
            technician_id=route.technician_id,
            start=route.start,
            end=route.end,
            travel_s=route.travel_s,
            distance_m=route.distance_m,
            overtime_s=route.overtime_s,
            lunch=lunch,
            visits=[
                VisitOut.of(v, jobs.get(v.job_id) if v.job_id is not None else None)
                for v in sorted(route.visits, key=lambda v: v.sequence)
            ],
        )


class UnassignedOut(BaseModel):
    job_id: str
    reason: str = Field(description="Machine-readable reason, such as no_skilled_technician.")
    detail: str


class PlanCostOut(BaseModel):
    travel: int
    lateness: int
    drops: int
    overtime: int
    total: int


class MovedVisitOut(BaseModel):
    job_id: str
    technician_before: str | None
    technician_after: str | None
    window_before: BreakOut | None = Field(description="The customer's arrival window before.")
    window_after: BreakOut | None

    @classmethod
    def of(cls, moved: MovedVisit) -> MovedVisitOut:
        def window(w: tuple[datetime, datetime] | None) -> BreakOut | None:
            return None if w is None else BreakOut(start=w[0], end=w[1])

        return cls(
            job_id=moved.job_id,
            technician_before=moved.technician_before,
            technician_after=moved.technician_after,
            window_before=window(moved.window_before),
            window_after=window(moved.window_after),
        )


class PlanChangesOut(BaseModel):
    replaces: str = Field(description="The version of the plan this one replaced.")
    reassigned: list[MovedVisitOut] = Field(description="Visits now with another technician.")
    windows_moved: list[MovedVisitOut] = Field(description="Visits whose customer window moved.")

    @classmethod
    def of(cls, changes: PlanChanges) -> PlanChangesOut:
        return cls(
            replaces=changes.replaces,
            reassigned=[MovedVisitOut.of(m) for m in changes.reassigned],
            windows_moved=[MovedVisitOut.of(m) for m in changes.windows_moved],
        )


class PublishedPlanOut(BaseModel):
    id: str
    day: date
    region: str | None
    created_at: datetime
    solver_status: str
    solve_ms: int
    cost: PlanCostOut
    routes: list[RouteOut]
    unassigned: list[UnassignedOut]
    changes: PlanChangesOut | None = Field(
        default=None, description="What this plan changed from the one it replaced."
    )

    @classmethod
    def of(cls, plan: Plan, jobs: Mapping[str, Job]) -> PublishedPlanOut:
        cost = plan.cost
        return cls(
            id=plan.id,
            day=plan.day,
            region=plan.region,
            created_at=plan.created_at,
            solver_status=plan.solver_status,
            solve_ms=plan.solve_ms,
            cost=PlanCostOut(
                travel=cost.travel,
                lateness=cost.lateness,
                drops=cost.drops,
                overtime=cost.overtime,
                total=cost.total,
            ),
            routes=[RouteOut.of(r, jobs) for r in sorted(plan.routes, key=lambda r: r.technician_id)],
            unassigned=[
                UnassignedOut(job_id=u.job_id, reason=u.reason, detail=u.detail) for u in plan.unplanned
            ],
            changes=None if plan.changes is None else PlanChangesOut.of(plan.changes),
        )
