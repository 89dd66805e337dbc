"""The one planning pipeline: every plan of a day, whoever asks for it, starts from what has happened.

The command line, the API's plan jobs, dispatchers' edits and event re-plans all come here. Each builds
the *rest of the day*: the jobs still to do and each technician from where and when they are free
(``day_state``), keeping what dispatchers fixed (locked days, pinned technicians and start times) and
what lies outside the solve's scope (other regions' routes, with the depot stock they collect). The rest
is solved (or, for an edit, timed in the order given), checked by the independent validator, and joined
to the visits done or under way, which no plan ever moves. A day has one plan: a regional solve replaces
that region's part of it.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import optimizer as opt
from dispatch.config import get_settings
from dispatch.domain.dataset import Dataset
from dispatch.domain.errors import Conflict, DomainError, Stale
from dispatch.domain.jobs import JobStatus
from dispatch.domain.plans import Plan, PlannedRoute, UnplannedJob
from dispatch.persistence.integrity import violated_rule
from dispatch.persistence.models import ONE_PUBLISHED_PLAN_PER_DAY
from dispatch.persistence.repositories import PlanRepository
from dispatch.persistence.repositories.jobs import set_job_statuses
from dispatch.services.audit import PLAN, record
from dispatch.services.candidates import with_candidates
from dispatch.services.day_state import DayState, StartedRoute
from dispatch.services.freeze import FREEZE_AHEAD, frozen_visits, giving_way_to, keepable, with_frozen
from dispatch.services.plan_changes import (
    REASSIGNMENT_COST,
    WINDOW_MOVE_COST,
    changes_between,
    disruption_cost,
)
from dispatch.services.plan_problem import PLANNABLE, PlanningProblem, plan_from_solution
from dispatch.services.refusals import Refusals
from dispatch.services.rest_of_day import LiveDay, RestOfDay, load_live_day, orders_of, rest_of_day
from dispatch.services.standby_guard import check_standby
from optimizer.fixed_routes import timed_solution
from optimizer.solve import solve
from optimizer.validate import ValidationReport, Violation, validate

EDITED = "edited"
"""The solver status shown for a plan a dispatcher edited by hand."""


class PlanRejected(DomainError):
    """The solver's plan failed independent validation; nothing was published."""


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    """A day's plan ready to publish, with the problem of the rest of the day it was made from."""

    dataset: Dataset
    plan: Plan
    planning: PlanningProblem
    solution: opt.Solution
    before: Plan | None = None
    """The published plan this one was made from (``None``: the day had none)."""
    held: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    """Technician id -> the visits at the head of their route the plan kept as they were (the freeze,
    less what gave way to urgent work)."""

    @property
    def replaces(self) -> str | None:
        return None if self.before is None else self.before.id


def plan_day(
    live: LiveDay,
    *,
    region: str | None = None,
    params: opt.SolveParams | None = None,
    on_progress: Callable[[opt.SolveProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    now: datetime | None = None,
    freeze: timedelta = FREEZE_AHEAD,
    part_executor: Executor | None = None,
) -> PlanOutcome:
    """Solve the rest of the day (of ``region``), keep locked days, everything under way and what each
    technician is about to do (``freeze``), validate the whole, and return the day's plan to publish.
    ``part_executor``: where the parts of a day too large for one solve are improved (the job queue's
    part executor, ``dispatch.services.part_queue``); unset, a local process pool.

    Frozen visits give way only to a P1: when the frozen solve leaves a P1 out, the day is solved again
    without them; when it plans one past the time it aims at, again without the frozen visits of the
    technicians nearest to it (``giving_way_to``). That plan is taken if it serves more P1 jobs, or as
    many and sooner (``_p1_standing``).
    """
    params = with_disruption_costs(params or opt.SolveParams())
    rest = rest_of_day(live, region=region)
    check_solve_size(len(rest.planning.problem.jobs), live.day, region)
    frozen = keepable(rest.planning.problem, params, frozen_visits(live, rest, freeze))
    problem = with_frozen(rest.planning.problem, frozen)
    placed = set(live.state.published.planned_job_ids) if live.state.published else set()
    new_p1 = bool(frozen) and any(j.priority == 1 and j.id not in placed for j in problem.jobs)
    first = _share(params, 1 - UNFROZEN_SHARE) if new_p1 else params
    solution = _solve_rest(problem, first, rest, on_progress, should_stop, part_executor)
    standing, count = _p1_standing(problem, solution), _p1_count(problem)
    kept = giving_way_to(problem, solution, frozen) if standing[0] == count else {}
    if frozen and standing < (count, 0) and kept != frozen:  # releasing nothing would repeat the solve
        looser = with_frozen(rest.planning.problem, kept)
        second = _share(params, UNFROZEN_SHARE)
        unfrozen = _solve_rest(looser, second, rest, on_progress, should_stop, part_executor)
        if _p1_standing(looser, unfrozen) > standing:
            problem, solution, frozen = looser, unfrozen, kept
    locked = frozenset(rest.locked_orders)
    broken = _broken_already(live, rest, params, keep_only=locked) if locked else frozenset()
    refusals = Refusals(rest.planning, solution, live.dataset)
    check_plan(
        problem, solution, params, f"the plan for {live.day}", edit=False, tolerated=broken, refusals=refusals
    )
    return dataclasses.replace(_outcome(live, rest, solution, region=region, now=now), held=frozen)


def check_solve_size(jobs: int, day: date, region: str | None) -> None:
    """Refuse a solve of more jobs than ``Settings.max_jobs_per_solve``: its memory and time grow faster
    than its size, and a region at a time keeps each solve in bounds."""
    cap = get_settings().max_jobs_per_solve
    if jobs > cap:
        scope = f"region {region}" if region else "all regions"
        raise DomainError(
            f"{day} has {jobs} jobs to plan in {scope}, more than the {cap} one solve takes "
            "(DISPATCH_MAX_JOBS_PER_SOLVE): plan it region by region"
        )


UNFROZEN_SHARE = 0.4
"""Of a solve's time, what is kept for solving again without the freeze when a P1 is left out (when the
day has P1 jobs not yet placed; otherwise the frozen solve has it all and a second one is the exception)."""


def _share(params: opt.SolveParams, share: float) -> opt.SolveParams:
    return dataclasses.replace(params, time_limit_s=max(0.5, params.time_limit_s * share))


def with_disruption_costs(params: opt.SolveParams) -> opt.SolveParams:
    """``params`` whose objective charges ``REASSIGNMENT_COST`` for each visit given to someone else and
    ``WINDOW_MOVE_COST`` for each customer window moved, unless the caller set costs of their own."""
    weights = params.weights
    if weights.reassignment_cost or weights.broken_promise_cost:
        return params
    weights = dataclasses.replace(
        weights, reassignment_cost=REASSIGNMENT_COST, broken_promise_cost=WINDOW_MOVE_COST
    )
    return dataclasses.replace(params, weights=weights)


def _solve_rest(
    problem: opt.Problem,
    params: opt.SolveParams,
    rest: RestOfDay,
    on_progress: Callable[[opt.SolveProgress], None] | None,
    should_stop: Callable[[], bool] | None,
    part_executor: Executor | None = None,
) -> opt.Solution:
    if rest.locked_orders:
        return _solve_around(problem, params, rest.locked_orders, on_progress, should_stop, part_executor)
    return solve(
        problem, params, on_progress=on_progress, should_stop=should_stop, part_executor=part_executor
    )


def _p1_count(problem: opt.Problem) -> int:
    return sum(1 for j in problem.jobs if j.priority == 1)


def _p1_standing(problem: opt.Problem, solution: opt.Solution) -> tuple[int, int]:
    """How well a plan serves the P1 jobs, greater is better: how many it serves, then how little it is
    late on them in all (seconds past the times it aims at, negated)."""
    p1 = {j.id for j in problem.jobs if j.priority == 1}
    visits = [v for r in solution.routes for v in r.visits if v.job_id in p1]
    return len(visits), -sum(v.lateness_s for v in visits)


def compose(
    live: LiveDay,
    rest: RestOfDay,
    orders: Mapping[str, list[str]],
    unassigned: list[opt.UnassignedJob],
    params: opt.SolveParams | None,
    what: str,
    *,
    now: datetime | None = None,
    edit: bool = True,
    status: str = EDITED,
) -> PlanOutcome:
    """The day's plan with the rest of each route in the order given (an edit), if it breaks no rule that
    the day as it stands does not already break.

    What has happened can make a published route late (a technician who set off late cannot keep the
    next customer's window): that is the day's news, shown on the plan, and it must not block a
    dispatcher's edit of another route. A route the edit changes must keep every rule.
    """
    params = params or opt.SolveParams()
    problem = rest.planning.problem
    solution = timed_solution(problem, params, orders, unassigned)
    tolerated = _broken_already(live, rest, params, keep_only=_unchanged(live, rest, orders))
    refusals = Refusals(rest.planning, solution, live.dataset)
    check_plan(problem, solution, params, what, edit=edit, tolerated=tolerated, refusals=refusals)
    return _outcome(live, rest, solution, region=None, now=now, status=status)


def _unchanged(live: LiveDay, rest: RestOfDay, orders: Mapping[str, list[str]]) -> frozenset[str]:
    """Technicians whose rest of the day ``orders`` leaves as published."""
    published = live.state.published
    if published is None:
        return frozenset()
    before, _ = orders_of(live, rest, published)
    return frozenset(t for t in set(before) | set(orders) if before.get(t, []) == list(orders.get(t, [])))


def _broken_already(
    live: LiveDay, rest: RestOfDay, params: opt.SolveParams, *, keep_only: frozenset[str] | None = None
) -> frozenset[str]:
    """The rules the published plan breaks on the day as it stands (``violation_key``s): a technician
    who set off late is late for the rest of the published route. With ``keep_only``, only those broken
    on these technicians' routes."""
    published = live.state.published
    if published is None:
        return frozenset()
    orders, unassigned = orders_of(live, rest, published)
    solution = timed_solution(rest.planning.problem, params, orders, unassigned)
    return frozenset(
        violation_key(v)
        for v in validate(rest.planning.problem, solution, params).violations
        if keep_only is None or v.technician_id in keep_only
    )


_NUMBER = re.compile(r"(?<![\w-])\d+s?\b")


def violation_key(violation: Violation) -> str:
    """A broken rule and what it concerns, without the times and amounts that change from plan to plan."""
    return f"{violation.rule}: {_NUMBER.sub('#', violation.detail)}"


def _outcome(
    live: LiveDay,
    rest: RestOfDay,
    solution: opt.Solution,
    *,
    region: str | None,
    now: datetime | None,
    status: str | None = None,
) -> PlanOutcome:
    rest_plan = plan_from_solution(
        rest.planning, solution, plan_id=str(uuid.uuid4()), region=region, created_at=now or datetime.now(UTC)
    )
    if status is not None:
        rest_plan = dataclasses.replace(rest_plan, solver_status=status, solve_ms=0)
    plan = join_day(live.state, rest_plan, rest.outside, rest.outside_unplanned)
    working = frozenset(t.id for t in rest.planning.problem.technicians) | {
        r.technician_id for r in rest.outside
    }
    plan = with_candidates(plan, live.dataset, working)
    published = live.state.published
    return PlanOutcome(
        dataset=live.dataset,
        plan=plan,
        planning=rest.planning,
        solution=solution,
        before=published,
    )


def rebase(session: Session, outcome: PlanOutcome, now: datetime) -> PlanOutcome:
    """The outcome re-timed on the day as it stands now, if anything happened while it was being solved.

    A solve takes seconds to minutes; meanwhile a technician may report, or a dispatcher publish an edit.
    The solved routes are kept as orders, the visits now done or under way are taken out of them and kept
    where they happened, and the whole is validated again, so no plan ever undoes a fact.
    """
    live = load_live_day(session, outcome.plan.day, now)
    published = live.state.published
    current = None if published is None else published.id
    if current == outcome.replaces and live.state.fixed_job_ids <= _kept_in(outcome.plan, live.state):
        return outcome
    if outcome.plan.region is None or published is None:
        return retimed(live, outcome.plan, now)
    return retimed(live, regional_onto(published, outcome), now)


def regional_onto(published: Plan, outcome: PlanOutcome) -> Plan:
    """A region's solved plan laid onto the day as published now: the region's technicians and jobs as
    solved, every other route as published since (another region's plan, published while this one was
    solved, stays; it never holds a job the region now routes)."""
    technicians = {t.id for t in outcome.planning.problem.technicians}
    jobs = {j.id for j in outcome.planning.problem.jobs}
    routes = [r for r in outcome.plan.routes if r.technician_id in technicians]
    routed = {j for r in routes for j in r.job_ids}
    routes += [
        dataclasses.replace(r, visits=tuple(v for v in r.visits if v.job_id not in routed))
        for r in published.routes
        if r.technician_id not in technicians
    ]
    placed = {j for r in routes for j in r.job_ids}
    unplanned = [u for u in outcome.plan.unplanned if u.job_id in jobs and u.job_id not in placed]
    unplanned += [u for u in published.unplanned if u.job_id not in jobs and u.job_id not in placed]
    return dataclasses.replace(
        outcome.plan,
        routes=tuple(sorted(routes, key=lambda r: r.technician_id)),
        unplanned=tuple(unplanned),
    )


def retimed(live: LiveDay, plan: Plan, now: datetime, what: str | None = None) -> PlanOutcome:
    """``plan``'s routes as orders on the day as it stands: what is done or under way stays where it
    happened, the rest is timed again and validated (``what`` names the plan in a refusal)."""
    in_plan = set(plan.planned_job_ids) | {u.job_id for u in plan.unplanned}
    rest = rest_of_day(live, job_ids=in_plan)
    orders, unassigned = orders_of(live, rest, plan)
    what = what or f"the plan for {live.day}"
    rebased = compose(live, rest, orders, unassigned, None, what, now=now, edit=False)
    timed = dataclasses.replace(rebased.plan, solver_status=plan.solver_status, solve_ms=plan.solve_ms)
    return dataclasses.replace(rebased, plan=timed)


def improves_on_published(session: Session, outcome: PlanOutcome, now: datetime) -> bool:
    """Whether ``outcome`` costs less than the plan published now, both costed as they will now run."""
    before, after = costs_as_they_will_run(session, outcome, now)
    return after < before


def costs_as_they_will_run(session: Session, outcome: PlanOutcome, now: datetime) -> tuple[int, int]:
    """The objective of the plan published now and of ``outcome``, both timed on the day as it stands
    (a published route that what happened has made late is costed as it will now run: the visits whose
    windows it can no longer keep count as left out). ``outcome`` also pays for the disruption it causes
    (``disruption_cost``), so a search replaces the published plan only for a real gain. With no published
    plan, ``outcome`` is compared with leaving every job out."""
    live = load_live_day(session, outcome.plan.day, now)
    published = live.state.published
    named = {*outcome.plan.planned_job_ids, *(u.job_id for u in outcome.plan.unplanned)}
    if published is not None:
        named |= {*published.planned_job_ids, *(u.job_id for u in published.unplanned)}
    rest = rest_of_day(live, job_ids=named)
    params = opt.SolveParams()
    problem = rest.planning.problem
    after = _as_it_will_run(problem, params, *orders_of(live, rest, outcome.plan))
    if published is None:
        nothing = timed_solution(problem, params, {}, orders_of(live, rest, outcome.plan)[1])
        return nothing.objective.total, after.objective.total
    before = _as_it_will_run(problem, params, *orders_of(live, rest, published))
    return before.objective.total, after.objective.total + disruption_cost(published, outcome.plan)


def _as_it_will_run(
    problem: opt.Problem,
    params: opt.SolveParams,
    orders: dict[str, list[str]],
    unassigned: list[opt.UnassignedJob],
) -> opt.Solution:
    """The plan timed as ordered, its visits that can no longer start in their windows left out (as
    they would be), so that a late published plan and a solver's plan are costed alike."""
    solution = timed_solution(problem, params, orders, unassigned)
    missed = {v.job_id for v in validate(problem, solution, params).violations if v.rule == "time_window"}
    if not missed:
        return solution
    reason = opt.UnassignedReason.OUT_OF_REACH
    kept = {t: [s for s in order if s not in missed] for t, order in orders.items()}
    left = [
        *unassigned,
        *(opt.UnassignedJob(j, reason, "its window can no longer be kept") for j in missed if j),
    ]
    return timed_solution(problem, params, kept, left)


def _kept_in(plan: Plan, state: DayState) -> frozenset[str]:
    """The jobs done or under way that ``plan`` keeps on the route of the technician doing them."""
    return frozenset(
        job_id
        for route in plan.routes
        for job_id in route.job_ids
        if state.technician_of(job_id) == route.technician_id
    )


class StalePlan(Stale):
    """The plan an edit or solve was made from is no longer the published one."""


def hold_plan(session: Session, day: date, version: str | None) -> str | None:
    """Queue behind any other change of the day's plan; the version published now (``None``: none),
    refusing at once (``StalePlan``) if it is not ``version``."""
    current = PlanRepository(session).lock_published(day)
    if version is not None and current is not None and version != current:
        raise StalePlan(
            f"the plan of {day} you are changing (version {version}) has been replaced by version "
            f"{current}; reload it and try again",
            current,
        )
    return current


def publish_outcome(session: Session, outcome: PlanOutcome, why: str = "planning the day") -> PlanOutcome:
    """Publish the day's plan in place of the one it was made from, with what it changes, and mark the
    jobs it decided planned or unscheduled (caller commits); ``StalePlan`` if another plan was published
    meanwhile, ``StandbyBroken`` if it breaks a standby guarantee it could have kept. ``why`` (the edit
    or event that made it) goes to the day's audit trail. The outcome as published."""
    plans = PlanRepository(session)
    plan = outcome.plan
    check_standby(
        outcome.dataset, plan, outcome.before
    )  # standby hook: a guarantee the plan breaks refuses it
    if outcome.before is not None:
        plan = dataclasses.replace(plan, changes=changes_between(outcome.before, plan))
    try:
        with session.begin_nested():
            published = plans.publish(plan, replaces=outcome.replaces)
    except IntegrityError as error:  # another plan of the day was published in the same instant
        if violated_rule(error) != ONE_PUBLISHED_PLAN_PER_DAY:
            raise  # an active-assignment rule: a 409 in the user's words, never a stale version
        published = False
    if not published:
        current = plans.published_id(outcome.plan.day)
        raise StalePlan(
            f"the plan of {outcome.plan.day} changed while this one was made "
            f"(now version {current}); reload it and try again",
            current,
        )
    planned = set(plan.planned_job_ids)
    considered = {j.id for j in outcome.planning.problem.jobs} | {s.job_id for s in outcome.planning.skipped}
    set_job_statuses(
        session,
        {job_id: JobStatus.PLANNED if job_id in planned else JobStatus.UNSCHEDULED for job_id in considered},
        only_from=frozenset(PLANNABLE),
    )
    record(
        session,
        PLAN,
        plan_subject(plan),
        "published",
        at=plan.created_at,
        from_value=outcome.replaces,
        to_value=plan.id,
        why=_with_changes(why, plan),
        plan_day=plan.day,
    )
    return dataclasses.replace(outcome, plan=plan)


def plan_subject(plan: Plan) -> str:
    """How the day's audit trail names a plan's subject: its day, and its region if regional."""
    return plan.day.isoformat() + (f"/{plan.region}" if plan.region else "")


def _with_changes(why: str, plan: Plan) -> str:
    """The reason, with how many visits moved to another technician and arrival windows moved."""
    changes = plan.changes
    if changes is None:
        return why
    return f"{why} ({len(changes.reassigned)} visits reassigned, {len(changes.windows_moved)} windows moved)"


def join_day(
    state: DayState,
    rest: Plan,
    outside: tuple[PlannedRoute, ...],
    outside_unplanned: tuple[UnplannedJob, ...],
) -> Plan:
    """The whole day: visits done or under way, then each technician's planned rest; other regions as
    published."""
    rest_routes = {r.technician_id: r for r in rest.routes}
    outside_ids = {r.technician_id for r in outside}
    routes: list[PlannedRoute] = list(outside)
    for technician_id in sorted(set(rest_routes) | set(state.started)):
        if technician_id in outside_ids:
            continue
        started = state.started.get(technician_id)
        planned = rest_routes.get(technician_id)
        routes.append(_joined(started, planned) if started else planned)  # type: ignore[arg-type]
    fixed = state.fixed_job_ids
    unplanned = tuple(u for u in rest.unplanned if u.job_id not in fixed) + outside_unplanned
    return dataclasses.replace(
        rest,
        routes=tuple(sorted(routes, key=lambda r: r.technician_id)),
        unplanned=unplanned,
    )


def _joined(started: StartedRoute, planned: PlannedRoute | None) -> PlannedRoute:
    kept = list(started.kept)
    later = [] if planned is None else list(planned.visits)
    visits = tuple(dataclasses.replace(v, sequence=k) for k, v in enumerate([*kept, *later], start=1))
    published = started.published
    lunch_start, lunch_end = published.lunch_start, published.lunch_end
    if not started.lunch_taken:
        lunch_start = planned.lunch_start if planned else None
        lunch_end = planned.lunch_end if planned else None
    return PlannedRoute(
        technician_id=started.technician_id,
        start=min(published.start, kept[0].arrival),
        end=planned.end if planned else started.free.at,
        travel_s=sum(v.travel_s for v in kept) + (planned.travel_s if planned else 0),
        distance_m=sum(v.distance_m for v in kept) + (planned.distance_m if planned else 0),
        overtime_s=planned.overtime_s if planned else published.overtime_s,
        visits=visits,
        lunch_start=lunch_start,
        lunch_end=lunch_end,
    )


def _solve_around(
    problem: opt.Problem,
    params: opt.SolveParams,
    locked: dict[str, list[str]],
    on_progress: Callable[[opt.SolveProgress], None] | None,
    should_stop: Callable[[], bool] | None,
    part_executor: Executor | None = None,
) -> opt.Solution:
    """Solve without the locked technicians and their jobs, with the depot stock their routes take, then
    put the locked routes back."""
    working = {t.id for t in problem.technicians}
    locked = {t: order for t, order in locked.items() if t in working}
    kept_jobs = {s for order in locked.values() for s in order if not s.startswith("depot:")}
    fixed = timed_solution(problem, params, locked)
    taken: dict[tuple[str, str], int] = {}
    for route in fixed.routes:
        for visit in route.visits:
            for sku, q in visit.parts_picked.items():
                taken[(str(visit.depot_id), sku)] = taken.get((str(visit.depot_id), sku), 0) + q
    depots = tuple(
        dataclasses.replace(d, stock={s: q - taken.get((d.id, s), 0) for s, q in d.stock.items()})
        for d in problem.depots
    )
    stranded = [j for j in problem.jobs if j.id not in kept_jobs and j.pinned_technician_id in locked]
    rest = dataclasses.replace(
        problem,
        technicians=tuple(t for t in problem.technicians if t.id not in locked),
        jobs=tuple(j for j in problem.jobs if j.id not in kept_jobs and j not in stranded),
        depots=depots,
    )
    partial = solve(
        rest, params, on_progress=on_progress, should_stop=should_stop, part_executor=part_executor
    )
    orders = {r.technician_id: [v.stop_id for v in r.visits] for r in partial.routes} | locked
    unassigned = partial.unassigned + tuple(
        opt.UnassignedJob(
            j.id,
            opt.UnassignedReason.PINNED_TECHNICIAN_UNABLE,
            f"pinned to {j.pinned_technician_id}, whose day is locked",
        )
        for j in stranded
    )
    return timed_solution(problem, params, orders, unassigned, status=partial.status, stats=partial.stats)


class EditRefused(Conflict):
    """An edit whose plan the validator refuses; ``extensions`` lists every rule broken, for the API."""

    def __init__(self, message: str, violations: list[dict[str, str | None]]) -> None:
        super().__init__(message)
        self.extensions = {"violations": violations}


def check_plan(
    problem: opt.Problem,
    solution: opt.Solution,
    params: opt.SolveParams,
    what: str,
    *,
    edit: bool,
    tolerated: frozenset[str] = frozenset(),
    refusals: Refusals | None = None,
) -> ValidationReport:
    """The validator's report; a refused edit is a 409 (``EditRefused``), a refused solve ``PlanRejected``.

    ``tolerated`` names broken rules (``violation_key``) that do not refuse the plan; ``refusals`` tells
    each broken rule in local time and plain words.
    """
    report = validate(problem, solution, params)
    broken = [v for v in report.violations if violation_key(v) not in tolerated]
    if broken:
        told = [refusals.explain(v) if refusals else f"{v.rule}: {v.detail}" for v in broken]
        rules = "a rule" if len(broken) == 1 else f"{len(broken)} rules"
        message = f"{what} would break {rules}: " + "; ".join(told[:5])
        if not edit:
            raise PlanRejected(message)
        raise EditRefused(
            message,
            [
                {"rule": v.rule, "detail": sentence, "technician_id": v.technician_id, "job_id": v.job_id}
                for v, sentence in zip(broken, told, strict=True)
            ],
        )
    return report
