"""Rounds of arrival promises on a live day: who is told, what a promise shows, what re-plans keep."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dispatch.domain.plans import Plan, PlannedRoute
from dispatch.domain.progress import ReportKind
from dispatch.persistence.repositories import PlanRepository
from dispatch.services.arrival_promises import promises_on, tell_arrival_windows
from dispatch.services.arrival_windows import ArrivalWindow
from dispatch.services.durations import DurationModel
from dispatch.services.eta import StopProgress
from dispatch.services.freeze import frozen_visits, keepable
from dispatch.services.plan_day import plan_day
from dispatch.services.progress import ReportRequest, report_progress
from dispatch.services.rest_of_day import load_live_day, rest_of_day
from dispatch.services.tracking_estimates import forecast_stored_route
from tests.dispatch.services.small_day import DAY, QUICK, publish_small_day

MID_MORNING = datetime(2026, 3, 10, 16, tzinfo=UTC)
AHEAD = timedelta(minutes=90)
NO_HISTORY = DurationModel()


@pytest.fixture(scope="module")
def morning_plan(engine: Engine) -> Iterator[Plan]:
    yield publish_small_day(engine)


def _begun(plan: Plan, at: datetime) -> PlannedRoute:
    """A route begun by ``at`` whose first two stops are visits."""
    return next(
        r
        for r in plan.routes
        if r.start <= at and len(r.visits) >= 3 and all(v.job_id is not None for v in r.visits[:2])
    )


def _expected(session: Session, route: PlannedRoute, now: datetime) -> dict[str, datetime]:
    """Each visit still to begin on the route: when it was expected to before any promise."""
    return {
        o.estimate.job_id: o.estimate.start
        for o in forecast_stored_route(session, route, durations=NO_HISTORY, as_of=now)
        if o.estimate.job_id is not None and o.estimate.progress is StopProgress.PENDING
    }


def test_a_round_tells_the_customers_expected_within_the_promise_time_and_nobody_else(
    morning_plan: Plan, session: Session
) -> None:
    told = tell_arrival_windows(session, DAY, MID_MORNING, durations=NO_HISTORY, ahead=AHEAD)
    promises = promises_on(session, DAY)
    assert told.promised == len(promises) >= 3 and told.retold == 0
    published = PlanRepository(session).published(DAY)
    assert published is not None
    for route in published.routes:
        for job_id, start in _expected(session, route, MID_MORNING).items():
            assert (job_id in promises) is (start <= MID_MORNING + AHEAD), job_id
    again = tell_arrival_windows(session, DAY, MID_MORNING, durations=NO_HISTORY, ahead=AHEAD)
    assert again.retold == 0 and {j: promises_on(session, DAY)[j] for j in promises} == promises, (
        "a customer is told once"
    )


def test_the_promise_is_shown_as_told_and_told_anew_only_when_it_would_be_broken(
    morning_plan: Plan, session: Session
) -> None:
    route, first, second, now = _on_site_at_first(morning_plan, session)
    promise = promises_on(session, DAY)[second]
    shown = _shown(session, route, second, now)
    assert (shown.opens_at, shown.closes_at) == (promise.opens_at, promise.closes_at)

    later = now + timedelta(minutes=5)
    _report(session, route.technician_id, first, ReportKind.RUNNING_LATE, later, late_by_min=180)
    told = tell_arrival_windows(session, DAY, later, durations=NO_HISTORY, ahead=timedelta(hours=4))
    retold = promises_on(session, DAY)[second]
    assert told.retold >= 1 and retold.times_told == 2
    assert retold.closes_at > promise.closes_at, "the new window reaches where the visit is now expected"
    shown = _shown(session, route, second, later)
    assert (shown.opens_at, shown.closes_at) == (retold.opens_at, retold.closes_at)


def test_a_visit_that_keeps_slipping_shows_the_estimate_until_its_technician_sets_off(
    morning_plan: Plan, session: Session
) -> None:
    """Told twice already, a customer whose technician slips again is shown the live estimate, not a
    third window; once the technician reports on the way, the new window (the drive only) is told."""
    route, first, second, now = _on_site_at_first(morning_plan, session)
    for step, late_by in ((1, 180), (2, 360)):
        at = now + timedelta(minutes=5 * step)
        _report(session, route.technician_id, first, ReportKind.RUNNING_LATE, at, late_by_min=late_by)
        tell_arrival_windows(session, DAY, at, durations=NO_HISTORY, ahead=timedelta(hours=4))
    held = promises_on(session, DAY)[second]
    assert held.times_told == 2, "not a third window while the technician has not set off"
    outlooks = forecast_stored_route(session, route, durations=NO_HISTORY, as_of=at, day=DAY)
    slipping = next(o for o in outlooks if o.estimate.job_id == second)
    assert not slipping.promised and slipping.window == slipping.forecast
    assert slipping.window.opens_at > held.closes_at, "the estimate shown is where the visit is expected"

    done = now + timedelta(minutes=360)
    _report(session, route.technician_id, first, ReportKind.COMPLETED, done)
    _report(session, route.technician_id, second, ReportKind.EN_ROUTE, done)
    tell_arrival_windows(session, DAY, done, durations=NO_HISTORY, ahead=timedelta(hours=4))
    told = promises_on(session, DAY)[second]
    assert told.times_told == 3 and told.opens_at > held.closes_at and told.closes_at > done
    shown = next(
        o
        for o in forecast_stored_route(session, route, durations=NO_HISTORY, as_of=done, day=DAY)
        if o.estimate.job_id == second
    )
    assert shown.promised and (shown.window.opens_at, shown.window.closes_at) == (
        told.opens_at,
        told.closes_at,
    )


def test_a_re_plan_keeps_promised_visits_in_place_and_begins_none_before_its_promise(
    morning_plan: Plan, session: Session
) -> None:
    """Promised three hours ahead, visits beyond the freeze horizon stay put all the same."""
    tell_arrival_windows(session, DAY, MID_MORNING, durations=NO_HISTORY, ahead=timedelta(hours=3))
    live = load_live_day(session, DAY, MID_MORNING)
    promises = live.kept.promises
    rest = rest_of_day(live)
    frozen = frozen_visits(live, rest, timedelta(0))
    heads = keepable(rest.planning.problem, QUICK, frozen)
    problem = rest.planning
    in_problem = {j.id: j for j in problem.problem.jobs}
    assert len(promises) >= 5
    for job_id, promise in promises.items():
        if job_id not in in_problem:
            continue
        windows, opens_s = in_problem[job_id].windows, problem.seconds(promise.opens_at)
        if opens_s >= max(w.end_s for w in windows):
            continue  # expected after the site's hours already: those stand (see ``windows_kept``)
        assert all(w.start_s >= opens_s for w in windows), job_id
    assert sum(len(head) - 1 for head in frozen.values()) >= 3, "promises keep more than the next visits"
    assert all(j in promises for head in frozen.values() for j in head[1:])
    assert all(frozen[t][: len(head)] == head for t, head in heads.items()), (
        "kept: all, or up to an urgent one"
    )
    routes = {
        r.technician_id: r.job_ids for r in plan_day(live, params=QUICK, freeze=timedelta(0)).plan.routes
    }
    for technician_id, head in heads.items():
        assert routes[technician_id][: len(head)] == head


def _on_site_at_first(plan: Plan, session: Session) -> tuple[PlannedRoute, str, str, datetime]:
    """A begun route whose technician is on site at the first visit on time, the customers told their
    windows: the route, its first two visits and the moment of arrival."""
    route = _begun(plan, MID_MORNING)
    first, second = route.job_ids[0], route.job_ids[1]
    visit = next(v for v in route.visits if v.job_id == first)
    now = visit.arrival
    _report(session, route.technician_id, first, ReportKind.EN_ROUTE, now - timedelta(seconds=visit.travel_s))
    _report(session, route.technician_id, first, ReportKind.ARRIVED, now)
    tell_arrival_windows(session, DAY, now, durations=NO_HISTORY, ahead=timedelta(hours=4))
    return route, first, second, now


def _shown(session: Session, route: PlannedRoute, job_id: str, now: datetime) -> ArrivalWindow:
    outlooks = forecast_stored_route(session, route, durations=NO_HISTORY, as_of=now, day=DAY)
    return next(o.window for o in outlooks if o.estimate.job_id == job_id)


def _report(
    session: Session,
    technician_id: str,
    job_id: str,
    kind: ReportKind,
    now: datetime,
    late_by_min: int | None = None,
) -> None:
    request = ReportRequest(uuid.uuid4().hex, job_id, kind, late_by_min=late_by_min)
    report_progress(session, technician_id=technician_id, request=request, now=now)
