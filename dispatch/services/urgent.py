"""An urgent job (an emergency P1 above all) placed on the live day within a second, then improved.

The job goes where it adds least to the day, customers' broken promises and visits given to another
technician counted as re-plans count them: every technician who could take it is tried at every place
in the rest of their route after what they are about to do and the visits promised to customers (before
those only when it fits nowhere else, or for a P1 or P2 where that costs less), with a depot pickup first
where the van is short, every other visit keeping its technician and order, from where each technician
is now. On a full day, up to three jobs of lower priority after it may make way (they go back to be
planned, with the reason), when that costs less than leaving the urgent job out or than fitting it in by
running a shift over or serving it late: a P4 that can wait for another day makes way before a technician
works an hour's overtime for a P2. The plan is validated
and published at once; a short search then runs as a plan job that publishes only if it finds a better
plan.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

import optimizer as opt
from dispatch.config import get_settings
from dispatch.domain.errors import Conflict
from dispatch.domain.plans import Plan
from dispatch.persistence.repositories import JobRepository
from dispatch.services.freeze import SLA_URGENT, frozen_visits, keepable
from dispatch.services.plan_day import compose, hold_plan, publish_outcome, with_disruption_costs
from dispatch.services.rest_of_day import LiveDay, RestOfDay, load_live_day, orders_of, rest_of_day
from optimizer.fixed_routes import Insertion, cheapest_insertion

INSERTED = "inserted"
"""The solver status of a plan whose only change is an urgent job placed by insertion."""


@dataclass(frozen=True, slots=True)
class Placement:
    """The plan published with the urgent job, the region of its site (the one to search again), who
    takes it (``None``: nobody could), and the lower-priority jobs that made way for it."""

    plan: Plan
    region: str
    technician_id: str | None
    bumped: tuple[str, ...] = ()


def place_urgent_job(
    session: Session,
    day: date,
    job_id: str,
    *,
    now: datetime,
    version: str | None = None,
    params: opt.SolveParams | None = None,
) -> Placement:
    """Put ``job_id`` where it adds least to the day's plan, among the technicians of its site's region
    (as the region's searches plan it; other regions' routes stay as published), and publish it (caller
    commits)."""
    JobRepository(session).require(job_id)
    params = with_disruption_costs(params or opt.SolveParams())
    if hold_plan(session, day, version) is None:
        raise Conflict(f"there is no published plan for {day} to place {job_id} in; plan the day first")
    live = load_live_day(session, day, now)
    published = live.state.published
    assert published is not None
    if live.state.technician_of(job_id) is not None:
        raise Conflict(f"job {job_id} is already under way or done")
    named = {*published.planned_job_ids, *(u.job_id for u in published.unplanned), job_id}
    region = _site_region(live, job_id)
    rest = rest_of_day(live, region=region, job_ids=named)
    if job_id not in rest.job_ids:
        skipped = next((s for s in rest.planning.skipped if s.job_id == job_id), None)
        raise Conflict(
            skipped.detail if skipped else f"job {job_id} is not to be done on {day} (its status or windows)"
        )
    orders, unassigned = orders_of(live, rest, published)
    orders = {t: [s for s in order if s != job_id] for t, order in orders.items()}
    unassigned = [u for u in unassigned if u.job_id != job_id]
    movable = {t: order for t, order in orders.items() if t not in live.kept.locked}
    found = _cheapest_place(live, rest, params, movable, job_id)
    if found is None:
        unassigned.append(
            opt.UnassignedJob(
                job_id,
                opt.UnassignedReason.CAPACITY,
                "no technician can fit it into the rest of their day; run a re-plan to make room",
            )
        )
    else:
        orders[found.technician_id] = found.order
        unassigned += [
            opt.UnassignedJob(
                bumped,
                opt.UnassignedReason.CAPACITY,
                f"made way for the urgent {job_id} on {found.technician_id}'s full day",
            )
            for bumped in found.bumped
        ]
    what = f"placing {job_id}" + (f" with {found.technician_id}" if found else "")
    return _published(session, live, rest, orders, unassigned, params, what, now, found, region)


def _site_region(live: LiveDay, job_id: str) -> str:
    site_id = next(j.site_id for j in live.dataset.jobs if j.id == job_id)
    return next(s.region for s in live.dataset.sites if s.id == site_id)


def _cheapest_place(
    live: LiveDay,
    rest: RestOfDay,
    params: opt.SolveParams,
    orders: dict[str, list[str]],
    job_id: str,
) -> Insertion | None:
    """Where the urgent job adds least, after what each technician is about to do and the visits whose
    customers hold a promise (the frozen heads); before them only when it fits nowhere after, or for a
    P1 or P2 where that costs less, broken promises and lateness counted."""
    problem = _unlocked(rest.planning.problem, live)
    ahead = timedelta(minutes=get_settings().freeze_minutes)
    frozen = keepable(rest.planning.problem, params, frozen_visits(live, rest, ahead))
    heads = {t: len(head) for t, head in frozen.items() if list(orders.get(t, [])[: len(head)]) == list(head)}
    found = cheapest_insertion(problem, params, orders, job_id, kept_heads=heads)
    if heads and (found is None or problem.job(job_id).priority <= SLA_URGENT):
        anywhere = cheapest_insertion(problem, params, orders, job_id)
        if anywhere is not None and (found is None or anywhere.added_cost < found.added_cost):
            return anywhere
    return found


def _unlocked(problem: opt.Problem, live: LiveDay) -> opt.Problem:
    """The problem without the technicians whose day a dispatcher locked."""
    return dataclasses.replace(
        problem, technicians=tuple(t for t in problem.technicians if t.id not in live.kept.locked)
    )


def _published(
    session: Session,
    live: LiveDay,
    rest: RestOfDay,
    orders: dict[str, list[str]],
    unassigned: list[opt.UnassignedJob],
    params: opt.SolveParams,
    what: str,
    now: datetime,
    found: Insertion | None,
    region: str,
) -> Placement:
    outcome = compose(live, rest, orders, unassigned, params, what, now=now, status=INSERTED)
    published_outcome = publish_outcome(session, outcome, what)
    if found is None:
        return Placement(published_outcome.plan, region, None)
    return Placement(published_outcome.plan, region, found.technician_id, found.bumped)
