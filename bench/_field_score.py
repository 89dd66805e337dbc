"""Field-service figures of a plan, the same for every planner: travel, SLA hits by priority, P1 service.

The objective and the verdict on hard rules come from the optimizer's validator; these are the figures a
dispatcher reads beside them, computed from the routes alone (never taken from the planner).
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer import Problem, capable_technicians
from optimizer.solution import Solution


@dataclass(frozen=True)
class FieldFigures:
    """What the field-service benchmark reports about one plan, besides the validator's objective."""

    travel_s: int
    technicians_used: int
    assigned: int
    unassigned: int
    p1_total: int
    p1_served: int
    p1_reachable: int  # P1 jobs some technician could take on their own: the ones a plan should serve
    sla_hits: dict[int, tuple[int, int]]  # priority -> (on time, jobs with an SLA due time)

    def sla_hit_pct(self, priority: int) -> float | None:
        """Share of the priority's jobs served by their SLA due time (unserved ones count as missed)."""
        hits, total = self.sla_hits.get(priority, (0, 0))
        return 100.0 * hits / total if total else None


def field_figures(problem: Problem, solution: Solution) -> FieldFigures:
    """Travel, technicians used, jobs served and SLA hits of ``solution``, from its routes."""
    start_by_job = {v.job_id: v.start_s for r in solution.routes for v in r.visits if v.job_id is not None}
    sla_hits: dict[int, tuple[int, int]] = {}
    for job in problem.jobs:
        if job.sla_due_s is not None:
            start = start_by_job.get(job.id)
            hits, total = sla_hits.get(job.priority, (0, 0))
            on_time = start is not None and start <= job.sla_due_s
            sla_hits[job.priority] = (hits + on_time, total + 1)
    p1_jobs = [job.id for job in problem.jobs if job.priority == 1]
    capable = capable_technicians(problem)
    return FieldFigures(
        travel_s=sum(route.travel_s for route in solution.routes),
        technicians_used=sum(1 for route in solution.routes if route.visits),
        assigned=len(start_by_job),
        unassigned=len(problem.jobs) - len(start_by_job),
        p1_total=len(p1_jobs),
        p1_served=sum(1 for job_id in p1_jobs if job_id in start_by_job),
        p1_reachable=sum(1 for job_id in p1_jobs if capable[job_id]),
        sla_hits=sla_hits,
    )
