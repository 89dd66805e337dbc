"""Field-service figures of a plan, the same for every planner: objective, travel, SLA hits, P1 service.

The objective is recomputed here from the routes and the Problem (never taken from the planner), with the
optimizer's cost weights: travel + distance + priority-weighted lateness past the SLA due time + drop
penalties + overtime. Whether the plan keeps every hard rule is the validator's verdict, reported beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer import CostWeights, Problem
from optimizer.solution import Solution


@dataclass(frozen=True)
class FieldFigures:
    """What the field-service benchmark reports about one plan."""

    objective: int
    travel_s: int
    lateness_cost: int
    drop_cost: int
    technicians_used: int
    assigned: int
    unassigned: int
    p1_total: int
    p1_served: int
    sla_hits: dict[int, tuple[int, int]]  # priority -> (on time, jobs with an SLA due time)

    def sla_hit_pct(self, priority: int) -> float | None:
        """Share of the priority's jobs served by their SLA due time (unserved ones count as missed)."""
        hits, total = self.sla_hits.get(priority, (0, 0))
        return 100.0 * hits / total if total else None


def field_figures(problem: Problem, solution: Solution, weights: CostWeights) -> FieldFigures:
    """Recompute the objective and service figures of ``solution`` from its routes."""
    start_by_job = {v.job_id: v.start_s for r in solution.routes for v in r.visits if v.job_id is not None}
    travel_s = sum(route.travel_s for route in solution.routes)
    distance_m = sum(route.distance_m for route in solution.routes)
    overtime_s = sum(
        max(0, r.end_s - problem.technician(r.technician_id).shift.end_s) for r in solution.routes
    )
    lateness_cost = drop_cost = 0
    sla_hits: dict[int, tuple[int, int]] = {}
    for job in problem.jobs:
        start = start_by_job.get(job.id)
        if start is None:
            drop_cost += weights.drop_penalty(job.priority)
        elif job.sla_due_s is not None:
            lateness_cost += max(0, start - job.sla_due_s) * weights.lateness_cost_per_s(job.priority)
        if job.sla_due_s is not None:
            hits, total = sla_hits.get(job.priority, (0, 0))
            on_time = start is not None and start <= job.sla_due_s
            sla_hits[job.priority] = (hits + on_time, total + 1)
    p1_jobs = [job.id for job in problem.jobs if job.priority == 1]
    objective = (
        travel_s * weights.travel_cost_per_s
        + distance_m * weights.distance_cost_per_m
        + lateness_cost
        + drop_cost
        + overtime_s * weights.overtime_cost_per_s
    )
    return FieldFigures(
        objective=objective,
        travel_s=travel_s,
        lateness_cost=lateness_cost,
        drop_cost=drop_cost,
        technicians_used=sum(1 for route in solution.routes if route.visits),
        assigned=len(start_by_job),
        unassigned=len(problem.jobs) - len(start_by_job),
        p1_total=len(p1_jobs),
        p1_served=sum(1 for job_id in p1_jobs if job_id in start_by_job),
        sla_hits=sla_hits,
    )
