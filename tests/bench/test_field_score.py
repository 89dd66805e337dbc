"""Field-service figures recomputed from a plan: travel, SLA hits by priority, P1 service."""

from __future__ import annotations

from bench._field_score import field_figures
from optimizer import Job, Location, Problem, Technician, TimeWindow
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


def test_sla_and_service_figures_by_hand() -> None:
    """One P1 served 100 s late, one P2 on time, one P3 dropped: hit rates and counts by hand."""
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
    figures = field_figures(problem, solution)
    assert figures.travel_s == 900
    assert (figures.p1_served, figures.p1_total, figures.unassigned, figures.technicians_used) == (1, 1, 1, 1)
    assert figures.p1_reachable == 1  # the technician at the P1's door can take it
    assert figures.sla_hit_pct(1) == 0.0
    assert figures.sla_hit_pct(2) == 100.0
    assert figures.sla_hit_pct(3) == 0.0
    assert figures.sla_hit_pct(4) is None
