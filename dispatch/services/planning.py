"""Plan a day from the command line: the day's pipeline, published, and a summary a dispatcher can read.

The optimizer's plan is re-checked by the independent validator before anything is stored: a plan that
breaks a constraint is refused (``PlanRejected``) and the previously published plan stays in force.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

import optimizer as opt
from dispatch.config import Settings
from dispatch.domain.dataset import Dataset
from dispatch.domain.plans import Plan
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.services.freeze import FREEZE_AHEAD
from dispatch.services.plan_day import PlanOutcome, plan_day, publish_outcome
from dispatch.services.rest_of_day import load_live_day
from dispatch.services.standby_guard import plan_cover


def plan_and_publish(
    session: Session,
    day: date,
    *,
    region: str | None = None,
    params: opt.SolveParams | None = None,
    now: datetime | None = None,
    freeze: timedelta = FREEZE_AHEAD,
    on_progress: Callable[[opt.SolveProgress], None] | None = None,
) -> PlanOutcome:
    """Plan the stored day from where it stands and publish the plan (caller commits)."""
    now = now or datetime.now(UTC)
    live = load_live_day(session, day, now)
    outcome = plan_day(live, region=region, params=params, now=now, freeze=freeze, on_progress=on_progress)
    return publish_outcome(session, outcome)


def format_plan_summary(outcome: PlanOutcome) -> str:
    """Jobs assigned, unassigned by reason, travel hours, SLA at risk: what a dispatcher checks first."""
    plan = outcome.plan
    jobs = {j.id: j for j in outcome.dataset.jobs}
    considered = sorted(
        {j.id for j in outcome.planning.problem.jobs}
        | {s.job_id for s in outcome.planning.skipped}
        | set(plan.planned_job_ids)
    )
    planned = set(plan.planned_job_ids)
    by_priority_total = Counter(jobs[j].priority.value for j in considered)
    by_priority_planned = Counter(jobs[j].priority.value for j in planned)
    reasons = Counter(u.reason for u in plan.unplanned)
    visits = [v for r in plan.routes for v in r.visits if v.job_id is not None]
    late = [v for v in visits if v.sla_lateness_s > 0]
    late_by_priority = Counter(jobs[v.job_id].priority.value for v in late if v.job_id is not None)
    travel_h = sum(r.travel_s for r in plan.routes) / 3600
    working = len(outcome.planning.problem.technicians)
    pickups = sum(1 for r in plan.routes for v in r.visits if v.depot_id is not None)
    lines = [
        f"Plan for {plan.day:%A %d %B %Y}" + (f", region {plan.region}" if plan.region else ", all regions"),
        f"  solver: {plan.solver_status} in {plan.solve_ms / 1000:.1f} s; validator: no violations",
        f"  jobs: {len(considered)} to plan, {len(planned)} assigned, {len(plan.unplanned)} unassigned",
        "  assigned by priority: "
        + ", ".join(
            f"{p} {by_priority_planned[p]}/{by_priority_total[p]}" for p in sorted(by_priority_total)
        ),
    ]
    if reasons:
        lines.append("  unassigned by reason: " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()))
    lines += [
        f"  technicians: {len(plan.routes)} of {working} on shift have visits; "
        f"{pickups} depot pickups; travel {travel_h:.1f} h "
        f"({travel_h / max(1, len(plan.routes)):.1f} h per route)",
        f"  SLA: {len(visits) - len(late)} visits start before their due time, {len(late)} after it"
        + (
            " (" + ", ".join(f"{p} {late_by_priority[p]}" for p in sorted(late_by_priority)) + ")"
            if late
            else ""
        ),
        f"  objective: {plan.cost.total:,} (travel {plan.cost.travel:,}, "
        f"SLA lateness {plan.cost.lateness:,}, unassigned {plan.cost.drops:,}, "
        f"overtime {plan.cost.overtime:,})",
    ]
    lines += standby_lines(outcome.dataset, plan)
    return "\n".join(lines)


def standby_lines(dataset: Dataset, plan: Plan) -> list[str]:
    """Each standby agreement in the plan's horizon: who covers it, or each gap and why."""
    cover = plan_cover(dataset, plan)
    lines = []
    for agreement_id in dict.fromkeys(s.agreement_id for s in cover):
        own = [s for s in cover if s.agreement_id == agreement_id]
        who = sorted({s.technician_id for s in own if s.technician_id is not None})
        lines.append(f"  standby {agreement_id}: covered by {', '.join(who) or 'nobody'}")
        lines += [f"    gap: {s.reason}" for s in own if s.is_gap]
    return lines


def plan_day_command(
    settings: Settings,
    day: date,
    *,
    region: str | None,
    time_limit_s: float,
    on_progress: Callable[[opt.SolveProgress], None] | None = None,
) -> str:
    """What ``dispatch plan DATE`` does: plan (reporting progress), validate, publish, then summarise."""
    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            outcome = plan_and_publish(
                session,
                day,
                region=region,
                params=opt.SolveParams(time_limit_s=time_limit_s, workers=settings.plan_workers),
                freeze=timedelta(minutes=settings.freeze_minutes),
                on_progress=on_progress,
            )
    finally:
        engine.dispose()
    return format_plan_summary(outcome)
