"""The freeze horizon: what a technician is about to do stays as published when the day is re-planned.

A technician who has set off for the day is told their next visit; a customer expecting them within the
hour has been told so too. A re-plan keeps, for every technician whose day has begun, the next visit of
their published route and any visit after it planned to start within ``ahead`` of now or whose customer
holds an arrival promise (``dispatch.domain.promises``), on the same route in the same order (the
optimizer's locked prefix). Only urgent work may undo it. A P1 (``plan_day`` decides that): one that
could not otherwise be served, all of it; one served past the time it is aimed at, the heads of the
technicians nearest to it (``giving_way_to``). A kept P1 or P2 itself, when what happened makes it start
past its aim and later than its customer was told, or with no window told yet (``keepable``): it and
what follows it are let go.
Visits needing parts not yet on the van are not frozen: the pickup before them is the optimizer's to place.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import optimizer as opt
from dispatch.config import Settings
from dispatch.services.rest_of_day import DEPOT_STOP, LiveDay, RestOfDay
from optimizer.fixed_routes import timed_solution
from optimizer.travel import apart_m
from optimizer.validate import validate

SLA_URGENT = 2
"""The lowest priority (P2) whose response is urgent enough to come before what is frozen: a new one may
go before visits already promised where that costs less (``dispatch.services.urgent``; on simulated days
that kept 68% of P2 responses against 50%, for 2 points fewer arrivals inside their window), and a frozen
one now planned past its aim is freed for another technician to take (``keepable``)."""

RELEASED_FOR_A_P1 = 3
"""How many technicians nearest to a P1 served late may give up their frozen visits for it: enough to find
one free soon, few enough that the rest of the day keeps what it was told."""

FREEZE_AHEAD = timedelta(minutes=Settings.model_fields["freeze_minutes"].default)
"""Default horizon: visits planned to start within this long of now stay put (``DISPATCH_FREEZE_MINUTES``)."""


def frozen_visits(live: LiveDay, rest: RestOfDay, ahead: timedelta) -> dict[str, tuple[str, ...]]:
    """Technician id -> the visits at the head of the rest of their published route that stay put."""
    published = live.state.published
    if published is None:
        return {}
    now = live.state.now
    problem = rest.planning.problem
    jobs = {j.id: j for j in problem.jobs}
    frozen: dict[str, tuple[str, ...]] = {}
    for route in published.routes:
        technician = next((t for t in problem.technicians if t.id == route.technician_id), None)
        if technician is None or technician.id in rest.locked_orders:
            continue
        begun = technician.id in live.state.started or route.start <= now
        starts = {v.job_id: v.start for v in route.visits if v.job_id is not None}
        head: list[str] = []
        van = dict(technician.van_stock)
        for k, stop in enumerate(live.state.rest_stops(route)):
            job = jobs.get(stop)
            if stop.startswith(DEPOT_STOP) or job is None or not _fits(job, technician, van):
                break
            if job.pinned_technician_id not in (None, technician.id):
                break
            if not ((k == 0 and begun) or starts[stop] < now + ahead or stop in live.kept.promises):
                break
            head.append(stop)
        if head:
            frozen[technician.id] = tuple(head)
    return frozen


def keepable(
    problem: opt.Problem, params: opt.SolveParams, frozen: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """The frozen heads that can still be kept as they are. A head what happened has made impossible (say
    a window it can no longer reach) is left to the optimizer, and one is cut before an urgent visit
    (``SLA_URGENT``) that what happened now makes start past its aim and later than its customer was told
    (or with no window told yet):
    the customer waits for a technician, not for this one, and a technician held up by an overrun should
    not keep them waiting when another can go."""
    if not frozen:
        return frozen
    timed = timed_solution(problem, params, {t: list(head) for t, head in frozen.items()})
    broken = {v.technician_id for v in validate(problem, timed, params).violations if v.technician_id}
    kept: dict[str, tuple[str, ...]] = {}
    for route in timed.routes:
        head = frozen.get(route.technician_id, ())
        if not head or route.technician_id in broken:
            continue
        late = [v.job_id for v in route.visits if v.lateness_s > 0 and _held_up(problem, v.job_id, v.start_s)]
        cut = head[: head.index(late[0])] if late and late[0] in head else head
        if cut:
            kept[route.technician_id] = cut
    return kept


def _held_up(problem: opt.Problem, job_id: str | None, start_s: int) -> bool:
    """Whether ``job_id`` is urgent and would now start outside the window its customer was told, or, not
    told one yet, at all (the caller has found it past its aim): with no window to keep, nothing holds it
    to a technician held up."""
    if job_id is None:
        return False
    job = problem.job(job_id)
    return job.priority <= SLA_URGENT and (job.promised is None or job.breaks_promise(start_s))


def giving_way_to(
    problem: opt.Problem, solution: opt.Solution, frozen: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """``frozen`` less the heads of the ``RELEASED_FOR_A_P1`` technicians nearest to each P1 that
    ``solution`` serves past the time it is aimed at (who have the skills and may take it)."""
    late = {v.job_id for r in solution.routes for v in r.visits if v.lateness_s > 0}
    released: set[str] = set()
    for job in problem.jobs:
        if job.priority != 1 or job.id not in late:
            continue
        able = [t for t in problem.technicians if t.id in frozen and t.may_take(job)]
        nearest = sorted(able, key=lambda t: apart_m(t.start, job.location) or 0.0)[:RELEASED_FOR_A_P1]
        released |= {t.id for t in nearest}
    return {t: head for t, head in frozen.items() if t not in released}


def with_frozen(problem: opt.Problem, frozen: dict[str, tuple[str, ...]]) -> opt.Problem:
    """The problem with each technician's frozen visits as their route's locked prefix."""
    if not frozen:
        return problem
    return dataclasses.replace(
        problem,
        technicians=tuple(
            dataclasses.replace(t, locked_job_ids=frozen[t.id]) if t.id in frozen else t
            for t in problem.technicians
        ),
    )


def _fits(job: opt.Job, technician: opt.Technician, van: dict[str, int]) -> bool:
    """Whether the technician has the skills and, from the van (used up as the head goes), the parts."""
    if not technician.has_skills_for(job):
        return False
    for sku, quantity in job.required_parts.items():
        if van.get(sku, 0) < quantity:
            return False
        van[sku] -= quantity
    return True
