"""Field-service figures recomputed from a plan: objective, SLA hits by priority, P1 service."""

from __future__ import annotations

from bench._field_score import field_figures
from optimizer import CostWeights, Job, Location, Problem, Technician, TimeWindow
from optimizer.solution import (
    ObjectiveBreakdown,
    Route,
    Solution,
    SolveStatus,
    UnassignedJob,
    UnassignedReason,
    Visit,
    VisitKind,
)

HOME = Location.at(40.0, -75.0)


def _visit(job_id: str, start_s: int) -> Visit:
    return Visit(VisitKind.JOB, start_s, start_s, start_s + 600, 300, 5000, job_id=job_id)


def test_objective_and_sla_figures_by_hand() -> None:
    """One P1 served 100 s late, one P2 on time, one P3 dropped: costs and hit rates add up by hand."""
    problem = Problem(
        technicians=(Technician("t1", HOME, TimeWindow(0, 10_000)),),
        jobs=(
            Job("p1", HOME, 600, priority=1, sla_due_s=1_000),
            Job("p2", HOME, 600, priority=2, sla_due_s=5_000),
            Job("p3", HOME, 600, priority=3, sla_due_s=5_000),
        ),
        horizon=TimeWindow(0, 20_000),
    )
    route = Route(
        technician_id="t1",
        visits=(_visit("p1", 1_100), _visit("p2", 2_000)),
        start_s=0,
        end_s=10_500,
        end_travel_s=300,
        end_distance_m=5000,
        travel_s=900,
        distance_m=15000,
        work_s=10_500,
        overtime_s=500,
    )
    solution = Solution(
        SolveStatus.FEASIBLE,
        (route,),
        (UnassignedJob("p3", UnassignedReason.CAPACITY, "full"),),
        ObjectiveBreakdown(),
    )
    weights = CostWeights(travel_cost_per_s=1, lateness_cost_per_s_by_priority=(100, 30, 10, 3))
    figures = field_figures(problem, solution, weights)
    assert figures.lateness_cost == 100 * 100
    assert figures.drop_cost == weights.drop_penalty(3)
    assert figures.objective == 900 + 100 * 100 + weights.drop_penalty(3) + 500 * weights.overtime_cost_per_s
    assert (figures.p1_served, figures.p1_total, figures.unassigned, figures.technicians_used) == (1, 1, 1, 1)
    assert figures.sla_hit_pct(1) == 0.0
    assert figures.sla_hit_pct(2) == 100.0
    assert figures.sla_hit_pct(3) == 0.0
    assert figures.sla_hit_pct(4) is None
