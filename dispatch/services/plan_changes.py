"""What a new plan of a day changes for the people in it: visits given to another technician, and
customers whose arrival window moves. Every published plan records it, and the API shows it, so a
dispatcher sees the cost of a re-plan in the terms a customer would."""

from __future__ import annotations

from datetime import datetime

from dispatch.domain.plans import MovedVisit, Plan, PlanChanges
from dispatch.services.eta import arrival_window


def changes_between(before: Plan, after: Plan) -> PlanChanges:
    """The visits ``after`` gives another technician, and those whose customer window it moves."""
    old = _placements(before)
    new = _placements(after)
    reassigned: list[MovedVisit] = []
    windows_moved: list[MovedVisit] = []
    for job_id in sorted(set(old) | set(new)):
        was, now = old.get(job_id), new.get(job_id)
        moved = MovedVisit(
            job_id,
            None if was is None else was[0],
            None if now is None else now[0],
            None if was is None else was[1],
            None if now is None else now[1],
        )
        if moved.technician_before != moved.technician_after:
            reassigned.append(moved)
        elif moved.window_before != moved.window_after:
            windows_moved.append(moved)
    return PlanChanges(before.id, tuple(reassigned), tuple(windows_moved))


REASSIGNMENT_COST = 3_600
"""What giving a visit to another technician costs, in objective units (an hour's driving): the
technician told, the parts on the wrong van, the customer's expectations. At half an hour, simulated days
moved 10.6% of the morning's visits; at an hour 9.1%, with SLA figures, travel and overtime no worse
(``bench/simulate_day.py``, same mornings)."""
WINDOW_MOVE_COST = 600
"""What moving a customer's arrival window costs (ten minutes' driving): a message and a changed day."""


def disruption_cost(before: Plan, after: Plan) -> int:
    """The cost of the changes ``after`` makes to ``before`` for the people in them."""
    changes = changes_between(before, after)
    return REASSIGNMENT_COST * len(changes.reassigned) + WINDOW_MOVE_COST * len(changes.windows_moved)


def _placements(plan: Plan) -> dict[str, tuple[str, tuple[datetime, datetime]]]:
    return {
        v.job_id: (r.technician_id, arrival_window(v.start))
        for r in plan.routes
        for v in r.visits
        if v.job_id is not None
    }
