"""What a plan changes for people: visits given to another technician, customer windows moved."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

from dispatch.domain.plans import Plan, PlanCost, PlannedRoute, PlannedVisit, PlanStatus, VisitKind
from dispatch.services.plan_changes import (
    REASSIGNMENT_COST,
    WINDOW_MOVE_COST,
    changes_between,
    disruption_cost,
)

NINE = datetime(2026, 3, 10, 14, tzinfo=UTC)


def _visit(job_id: str, start: datetime) -> PlannedVisit:
    return PlannedVisit(1, VisitKind.JOB, start, start, start + timedelta(hours=1), 600, 5_000, job_id=job_id)


def _plan(plan_id: str, routes: dict[str, list[PlannedVisit]]) -> Plan:
    return Plan(
        id=plan_id,
        day=date(2026, 3, 10),
        region=None,
        created_at=NINE,
        status=PlanStatus.PUBLISHED,
        solver_status="feasible",
        solve_ms=1,
        cost=PlanCost(0, 0, 0, 0),
        routes=tuple(
            PlannedRoute(t, NINE, NINE + timedelta(hours=8), 0, 0, 0, tuple(visits))
            for t, visits in routes.items()
        ),
        unplanned=(),
    )


def test_a_visit_given_to_another_technician_and_a_window_moved_are_told_apart() -> None:
    """A's visit goes to B; C's visit stays with C an hour later; D's visit does not move at all."""
    before = _plan("P1", {"A": [_visit("J1", NINE)], "C": [_visit("J2", NINE)], "D": [_visit("J3", NINE)]})
    after = _plan(
        "P2",
        {
            "B": [_visit("J1", NINE)],
            "C": [_visit("J2", NINE + timedelta(hours=1))],
            "D": [_visit("J3", NINE)],
        },
    )
    changes = changes_between(before, after)
    assert [(m.job_id, m.technician_before, m.technician_after) for m in changes.reassigned] == [
        ("J1", "A", "B")
    ]
    assert [m.job_id for m in changes.windows_moved] == ["J2"]
    assert changes.replaces == "P1"
    assert disruption_cost(before, after) == REASSIGNMENT_COST + WINDOW_MOVE_COST


def test_a_few_minutes_within_the_same_window_is_no_change() -> None:
    """Two minutes later rounds to the same customer window: nobody needs telling."""
    before = _plan("P1", {"A": [_visit("J1", NINE)]})
    after = dataclasses.replace(_plan("P2", {"A": [_visit("J1", NINE + timedelta(minutes=2))]}))
    assert changes_between(before, after).disrupted == 0
