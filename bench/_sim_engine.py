"""A discrete-event replay of one day through the product's own services.

Technicians follow their published route as their phone shows it: each reads the plan in force when they
leave for the next visit, reports "en route", "arrived", "completed" (or "not completed" with the reason)
and "running late" when they see they will be a quarter of an hour late, at the moments the day's truth
(``World``) makes them happen. Tickets arrive, customers cancel, a technician goes off sick; the policy
decides what the dispatching does about it, through the same service calls as the API's routes. Every
quarter of an hour the arrival window each customer would see is recorded, to score it against the
arrival that follows. A technician off today but on call works their duty as the plan has it (no lunch),
for the work the product calls them out for.
"""

from __future__ import annotations

import heapq
import itertools
import time as wall
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

import optimizer as opt
from bench._sim_reach import Whereabouts, soonest_arrival
from bench._sim_world import ABSENT_WAIT, MISSING_PART_AT, World
from data.arrivals import Arrival
from dispatch.domain.dataset import Dataset
from dispatch.domain.geo import GeoPoint
from dispatch.domain.jobs import Job, JobStatus
from dispatch.domain.plans import Plan, PlannedRoute, PlannedVisit, VisitKind
from dispatch.domain.progress import NotCompletedReason, ReportKind
from dispatch.domain.promises import begins_at
from dispatch.domain.technicians import Technician
from dispatch.domain.timezones import zone
from dispatch.services.arrival_promises import promises_on, tell_arrival_windows
from dispatch.services.day_events import cancel_visit
from dispatch.services.durations import job_category
from dispatch.services.eta import StopProgress
from dispatch.services.intake import log_onsite_work
from dispatch.services.on_call import on_call_cover
from dispatch.services.plan_jobs import improve_later, run_plan_job
from dispatch.services.plan_problem import HORIZON
from dispatch.services.progress import ReportRequest, report_progress
from dispatch.services.published_plan import PlanView, published_plan
from dispatch.services.report_replans import LATE_ENOUGH, report_and_replan
from dispatch.services.tracking_estimates import forecast_stored_route
from dispatch.services.unit_of_work import unit_of_work

if TYPE_CHECKING:
    from dispatch.domain.technicians import Depot

SNAPSHOT_EVERY = timedelta(minutes=15)
PROMISE_ROUND_EVERY = timedelta(minutes=5)
"""How often customers are told their windows (``tell_arrival_windows``), as the product's worker does."""
MAX_OVERTIME = timedelta(hours=1)
"""A technician does not set off for a visit that would keep them more than this past their shift."""
LATE_NOTICE = timedelta(minutes=15)
RE_TIMED = timedelta(minutes=10)


class Policy(Protocol):
    """What the dispatching does when the day changes."""

    name: str
    replans: bool
    """Reports go through the product's re-planning (searches run) rather than only being recorded."""

    def on_arrival(self, sim: DaySimulation, arrival: Arrival) -> None: ...

    def on_sick(self, sim: DaySimulation, technician_id: str) -> None: ...

    def before_leaving(self, sim: DaySimulation, technician_id: str) -> None: ...

    def on_cancelled(self, sim: DaySimulation, job_id: str) -> None: ...


@dataclass
class VisitRecord:
    job_id: str
    ticket_id: str
    technician_id: str
    arrival: datetime
    start: datetime
    end: datetime
    completed: bool


@dataclass
class Snapshot:
    at: datetime
    job_id: str
    estimate: datetime
    window: tuple[datetime, datetime]


@dataclass
class DayRecord:
    """What happened, for the figures."""

    policy: str
    day: date
    visits: list[VisitRecord] = field(default_factory=list)
    travel: timedelta = timedelta(0)
    overtime: timedelta = timedelta(0)
    snapshots: list[Snapshot] = field(default_factory=list)
    windows_promised: int = 0
    promises_broken: int = 0
    """Retellings: one visit may be told a new window more than once."""
    visits_broken: set[str] = field(default_factory=set)
    """Visits whose customer was told a new window at least once."""
    broken_because: dict[str, int] = field(default_factory=dict)
    """Promises broken by what changed since the customer was told: another technician, a lunch break
    now before the visit, its planned start put ``RE_TIMED`` or more later, or none of these (the day
    ran late)."""
    searches: int = 0
    search_wall_s: float = 0.0
    service_wall_s: float = 0.0
    refusals: list[str] = field(default_factory=list)
    final_plan: Plan | None = None
    soonest_reach: dict[str, datetime | None] = field(default_factory=dict)
    """Per ticket reported during the day, the soonest anyone could have been on site when it came in
    (``bench._sim_reach``; ``None``: nobody that day)."""


@dataclass
class _Technician:
    technician: Technician
    shift_start: datetime
    shift_end: datetime
    lunch_taken: bool = False
    busy: bool = False
    idle: bool = False
    sick: bool = False
    gone_home: bool = False
    last_end: datetime | None = None
    free_at: datetime | None = None
    """When the visit or break under way really ends (a visit driven to: as planned)."""
    free_where: GeoPoint | None = None
    """Where the technician is then, when not where they are now."""


class DaySimulation:
    """One day under one policy, on its own copy of the morning's database."""

    def __init__(
        self,
        *,
        world: World,
        policy: Policy,
        factory: sessionmaker[Session],
        dataset: Dataset,
        search_s: float,
    ) -> None:
        self.world = world
        self.policy = policy
        self.factory = factory
        self.day = world.day
        self.search_s = search_s
        self.jobs: dict[str, Job] = {j.id: j for j in dataset.jobs}
        self.jobs.update({a.job.id: a.job for a in world.arrivals})
        tickets = [*dataset.tickets, *(a.ticket for a in world.arrivals)]
        self.categories = {t.id: job_category(t.category, t.kind) for t in tickets}
        self.sites = {s.id: s for s in dataset.sites}
        self.depots: dict[str, Depot] = {d.id: d for d in dataset.depots}
        self.record = DayRecord(policy.name, world.day)
        self.now = datetime.min.replace(tzinfo=UTC)
        self._events: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]] = []
        self._order = itertools.count()
        self._told_on: dict[str, tuple[str, bool, datetime]] = {}
        self.technicians: dict[str, _Technician] = {}
        for technician in dataset.technicians:
            shift = technician.calendar.shift_on(self.day)
            if shift is not None:
                local = zone(technician.timezone)
                start = datetime.combine(self.day, shift.start, local).astimezone(UTC)
                end = datetime.combine(self.day, shift.end, local).astimezone(UTC)
                self.technicians[technician.id] = _Technician(technician, start, end)
        self.technicians.update(_on_call(dataset, self.day))

    # -- the clock -------------------------------------------------------------------------------------

    def at(self, when: datetime, action: Callable[..., None], *args: Any) -> None:
        heapq.heappush(self._events, (when, next(self._order), action, args))

    def run(self) -> DayRecord:
        view = self.view()
        starts = {r.technician_id: r.start for r in view.plan.routes if r.visits}
        for technician_id, state in self.technicians.items():  # one with no visit yet waits at home, free
            self.at(starts.get(technician_id, state.shift_start), self._leave, technician_id)
        for arrival in self.world.arrivals:
            self.at(arrival.at, self._ticket_arrives, arrival)
        for cancellation in self.world.cancellations:
            self.at(cancellation.at, self._cancel, cancellation.job_id)
        if self.world.sickness is not None:
            self.at(self.world.sickness.at, self._off_sick, self.world.sickness.technician_id)
        first = min((r.start for r in view.plan.routes), default=None)
        if first is not None:
            self.at(first, self._tell_windows)  # before the snapshot of the same minute, as the clock has it
            self.at(first, self._snapshot)
        end_of_day = max(t.shift_end for t in self.technicians.values()) + 2 * MAX_OVERTIME
        while self._events:
            when, _, action, args = heapq.heappop(self._events)
            if when > end_of_day:
                break
            self.now = max(self.now, when)
            action(*args)
        for state in self.technicians.values():
            if state.last_end is not None and state.last_end > state.shift_end:
                self.record.overtime += state.last_end - state.shift_end
        self.record.final_plan = self.view().plan
        return self.record

    # -- reading the plan ------------------------------------------------------------------------------

    def view(self) -> PlanView:
        with unit_of_work(self.factory) as session:
            return published_plan(session, self.day)

    def route_of(self, view: PlanView, technician_id: str) -> PlannedRoute | None:
        return next((r for r in view.plan.routes if r.technician_id == technician_id), None)

    def status(self, view: PlanView, job_id: str) -> JobStatus:
        job = view.jobs.get(job_id)
        return job.status if job is not None else self.jobs[job_id].status

    def remaining(self, view: PlanView, technician_id: str) -> list[PlannedVisit]:
        """The technician's visits not yet under way, in route order."""
        route = self.route_of(view, technician_id)
        if route is None:
            return []
        return [
            v
            for v in route.visits
            if v.kind is VisitKind.JOB
            and v.job_id is not None
            and self.status(view, v.job_id) is JobStatus.PLANNED
        ]

    def position_of(self, technician_id: str) -> GeoPoint:
        """Where the technician is now: the site of their last visit, or home."""
        state = self.technicians[technician_id]
        last = next(
            (r for r in reversed(self.record.visits) if r.technician_id == technician_id),
            None,
        )
        return self.sites[self.jobs[last.job_id].site_id].location if last else state.technician.home

    def team(self) -> list[Whereabouts]:
        """Every technician still on duty: when and where they are next free, and until when they work."""
        return [
            Whereabouts(
                s.technician,
                max(self.now, s.shift_start, s.free_at or self.now),
                s.free_where or self.position_of(t),
                s.shift_end + MAX_OVERTIME,
            )
            for t, s in self.technicians.items()
            if not s.sick and not s.gone_home
        ]

    def free_technicians(self) -> list[str]:
        return [t for t, s in self.technicians.items() if s.idle and not s.sick and not s.gone_home]

    # -- calling the product ---------------------------------------------------------------------------

    def call(self, what: str, service: Callable[[Session], Any]) -> Any:
        """Run one service call in its own unit of work, as a request would; a refusal is recorded."""
        started = wall.perf_counter()
        try:
            with unit_of_work(self.factory) as session:
                return service(session)
        except Exception as refused:  # a Conflict or DomainError: the product said no
            if type(refused).__module__.startswith(("dispatch", "optimizer")):
                self.record.refusals.append(f"{what}: {refused}")
                return None
            raise
        finally:
            self.record.service_wall_s += wall.perf_counter() - started

    def search(self, plan_job_id: str | None) -> None:
        """Run a queued search for a better plan now, as the worker would (the day's clock stands still)."""
        if plan_job_id is None:
            return
        started = wall.perf_counter()
        run_plan_job(self.factory, plan_job_id, clock=lambda: self.now, heartbeat_s=5.0)
        self.record.searches += 1
        self.record.search_wall_s += wall.perf_counter() - started
        self.wake()

    def improve(self, region: str) -> None:
        """Ask for a search of the region's day, published only if better (what the product does after a
        report that changes the rest of a technician's day)."""
        job = self.call(
            "search", lambda s: improve_later(s, self.day, self.search_s, None, self.now, region=region)
        )
        self.search(None if job is None else job.id)

    def wake(self) -> None:
        """Technicians with nothing left to do look at their phone again (the plan may have changed)."""
        for technician_id in self.free_technicians():
            self.technicians[technician_id].idle = False
            self.at(self.now, self._leave, technician_id)

    def report(
        self,
        technician_id: str,
        job_id: str,
        kind: ReportKind,
        *,
        reason: NotCompletedReason | None = None,
        late_by_min: int | None = None,
    ) -> None:
        request = ReportRequest(uuid.uuid4().hex, job_id, kind, reason, late_by_min)
        if not self.policy.replans:
            self.call(
                f"report {kind} on {job_id}",
                lambda s: report_progress(s, technician_id=technician_id, request=request, now=self.now),
            )
            return
        answer = self.call(
            f"report {kind} on {job_id}",
            lambda s: report_and_replan(
                s,
                technician_id=technician_id,
                request=request,
                now=self.now,
                time_limit_s=self.search_s,
                requested_by=None,
            ),
        )
        if answer is not None and answer[1] is not None:
            self.search(answer[1].id)

    # -- the technicians' day --------------------------------------------------------------------------

    def _leave(self, technician_id: str) -> None:
        """Set off for the next visit on the phone, after lunch if it is due."""
        state = self.technicians[technician_id]
        if state.busy or state.sick or state.gone_home:
            return
        self.policy.before_leaving(self, technician_id)
        view = self.view()
        route = self.route_of(view, technician_id)
        upcoming = self.remaining(view, technician_id)
        if route is None or not upcoming:
            state.idle = True
            return
        visit = upcoming[0]
        assert visit.job_id is not None
        if (
            not state.lunch_taken
            and route.lunch_start
            and route.lunch_end
            and route.lunch_start <= visit.arrival
        ):
            state.lunch_taken = True  # the plan's lunch comes before this visit
            state.busy = True
            state.free_at = self.now + (route.lunch_end - route.lunch_start)
            self.at(state.free_at, self._after_break, technician_id)
            return
        job = self.jobs.setdefault(visit.job_id, view.jobs[visit.job_id])
        pickups = self._pickups_before(route, visit)
        planned_travel = sum(p.travel_s for p in pickups) + visit.travel_s
        at_depots = sum(((p.end - p.start) for p in pickups), timedelta(0))
        expected = self.now + timedelta(seconds=planned_travel) + at_depots
        if expected + job.duration > state.shift_end + MAX_OVERTIME:
            state.gone_home = True
            return
        drive = self.world.drive(technician_id, visit.job_id, planned_travel)
        self.record.travel += drive
        state.busy = True
        state.free_at = self.now + drive + at_depots + job.duration
        state.free_where = self.sites[job.site_id].location
        self.report(technician_id, visit.job_id, ReportKind.EN_ROUTE)
        late = expected - visit.arrival
        if late >= LATE_ENOUGH:
            self.report(technician_id, visit.job_id, ReportKind.RUNNING_LATE, late_by_min=_minutes(late))
        self.at(self.now + drive + at_depots, self._arrive, technician_id, visit.job_id)

    def _pickups_before(self, route: PlannedRoute, visit: PlannedVisit) -> list[PlannedVisit]:
        """The depot stops between the technician's last visit and ``visit``."""
        pickups: list[PlannedVisit] = []
        for stop in route.visits:
            if stop is visit:
                return pickups
            pickups = [*pickups, stop] if stop.kind is not VisitKind.JOB else []
        return []

    def _after_break(self, technician_id: str) -> None:
        self.technicians[technician_id].busy = False
        self.technicians[technician_id].free_at = None
        self._leave(technician_id)

    def _arrive(self, technician_id: str, job_id: str) -> None:
        self.report(technician_id, job_id, ReportKind.ARRIVED)
        job = self.jobs[job_id]
        arrival = self.now
        promise = self.call("promise", lambda s: promises_on(s, self.day, [job_id]).get(job_id))
        start = begins_at(_start_at(job, arrival), promise)
        state = self.technicians[technician_id]
        if self.world.customer_absent(job_id):
            state.free_at = arrival + ABSENT_WAIT
            self.at(
                state.free_at,
                self._finish,
                technician_id,
                job_id,
                arrival,
                start,
                NotCompletedReason.CUSTOMER_ABSENT,
            )
            return
        actual = self.world.duration(
            job_id, self.categories.get(job.ticket_id, ""), technician_id, job.duration
        )
        if self.world.part_missing(job_id):
            state.free_at = start + actual * MISSING_PART_AT
            self.at(
                state.free_at,
                self._finish,
                technician_id,
                job_id,
                arrival,
                start,
                NotCompletedReason.PART_MISSING,
            )
            return
        end = start + actual
        state.free_at = end
        planned = self._planned_end(technician_id, job_id)
        if planned is not None and end - planned >= LATE_NOTICE:
            self.at(planned + LATE_NOTICE, self._overrunning, technician_id, job_id, end - planned)
        self.at(end, self._finish, technician_id, job_id, arrival, start, None)

    def _overrunning(self, technician_id: str, job_id: str, over: timedelta) -> None:
        self.report(technician_id, job_id, ReportKind.RUNNING_LATE, late_by_min=_minutes(over))

    def _planned_end(self, technician_id: str, job_id: str) -> datetime | None:
        route = self.route_of(self.view(), technician_id)
        visit = None if route is None else next((v for v in route.visits if v.job_id == job_id), None)
        return None if visit is None else visit.end

    def _finish(
        self,
        technician_id: str,
        job_id: str,
        arrival: datetime,
        start: datetime,
        reason: NotCompletedReason | None,
    ) -> None:
        kind = ReportKind.COMPLETED if reason is None else ReportKind.NOT_COMPLETED
        self.report(technician_id, job_id, kind, reason=reason)
        self.record.visits.append(
            VisitRecord(
                job_id, self.jobs[job_id].ticket_id, technician_id, arrival, start, self.now, reason is None
            )
        )
        state = self.technicians[technician_id]
        state.busy = False
        state.last_end = self.now
        state.free_at = state.free_where = None
        self._leave(technician_id)

    # -- the day's events ------------------------------------------------------------------------------

    def _ticket_arrives(self, arrival: Arrival) -> None:
        site = self.sites[arrival.job.site_id]
        self.record.soonest_reach[arrival.ticket.id] = soonest_arrival(
            self.now, arrival.job, site.region, site.location, self.team()
        )
        self.call(f"log {arrival.ticket.id}", lambda s: log_onsite_work(s, arrival.ticket, arrival.job))
        self.policy.on_arrival(self, arrival)

    def _cancel(self, job_id: str) -> None:
        if self.status(self.view(), job_id) is not JobStatus.PLANNED:
            return
        self.call(f"cancel {job_id}", lambda s: cancel_visit(s, job_id, now=self.now))
        self.policy.on_cancelled(self, job_id)

    def _off_sick(self, technician_id: str) -> None:
        state = self.technicians[technician_id]
        state.sick = True
        if not state.busy:
            state.last_end = state.last_end or self.now
        self.policy.on_sick(self, technician_id)

    def _tell_windows(self) -> None:
        """The round that tells customers their windows and keeps the promises made."""
        told = self.call(
            "tell windows",
            lambda s: tell_arrival_windows(s, self.day, self.now, durations=self.world.durations),
        )
        if told is not None:
            self.record.windows_promised += told.promised
            self.record.promises_broken += told.retold
            self.record.visits_broken.update(told.retold_jobs)
            self._note_causes(told.promised_jobs, told.retold_jobs)
        if self._events:
            self.at(self.now + PROMISE_ROUND_EVERY, self._tell_windows)

    def _note_causes(self, promised: tuple[str, ...], retold: tuple[str, ...]) -> None:
        """What changed for each retold visit since its customer was last told (see ``broken_because``)."""
        view = self.view()
        now = {job: self._placement(view, job) for job in (*promised, *retold)}
        for job in retold:
            before, after = self._told_on.get(job), now[job]
            cause = "ran late"
            if before is not None and after is not None:
                if before[0] != after[0]:
                    cause = "another technician"
                elif after[1] and not before[1]:
                    cause = "lunch now before it"
                elif after[2] - before[2] >= RE_TIMED:
                    cause = "re-planned later"
            self.record.broken_because[cause] = self.record.broken_because.get(cause, 0) + 1
        self._told_on.update({j: p for j, p in now.items() if p is not None})

    def _placement(self, view: PlanView, job_id: str) -> tuple[str, bool, datetime] | None:
        """The visit's technician, whether their lunch comes before it, and its planned start."""
        for route in view.plan.routes:
            visit = next((v for v in route.visits if v.job_id == job_id), None)
            if visit is not None:
                lunch_first = route.lunch_start is not None and route.lunch_start <= visit.arrival
                return route.technician_id, lunch_first, visit.start
        return None

    def _snapshot(self) -> None:
        """The window each customer with a visit to come would see now."""
        view = self.view()
        with unit_of_work(self.factory) as session:
            for route in view.plan.routes:
                outlooks = forecast_stored_route(
                    session,
                    route,
                    jobs=view.jobs,
                    depots=self.depots,
                    durations=self.world.durations,
                    as_of=self.now,
                    day=self.day,
                )
                for outlook in outlooks:
                    job_id = outlook.estimate.job_id
                    if job_id is None or outlook.estimate.progress not in (
                        StopProgress.PENDING,
                        StopProgress.EN_ROUTE,
                    ):
                        continue
                    if self.status(view, job_id) not in (JobStatus.PLANNED, JobStatus.EN_ROUTE):
                        continue
                    window = (outlook.window.opens_at, outlook.window.closes_at)
                    self.record.snapshots.append(Snapshot(self.now, job_id, outlook.estimate.start, window))
        if self._events:
            self.at(self.now + SNAPSHOT_EVERY, self._snapshot)


def _on_call(dataset: Dataset, day: date) -> dict[str, _Technician]:
    """The technicians off today but on call, as the plan has them: working their duty (no lunch), for
    the work that cannot wait for the regular shifts."""
    origin = datetime.combine(day, time(0), UTC)
    horizon = opt.TimeWindow(0, int(HORIZON.total_seconds()))
    by_id = {t.id: t for t in dataset.technicians}
    return {
        t.id: _Technician(
            by_id[t.id],
            origin + timedelta(seconds=t.shift.start_s),
            origin + timedelta(seconds=t.shift.end_s),
            lunch_taken=True,
        )
        for t in on_call_cover(dataset, day, origin, None, horizon=horizon).technicians
    }


def _minutes(span: timedelta) -> int:
    return max(1, round(span.total_seconds() / 60))


def _start_at(job: Job, arrival: datetime) -> datetime:
    """Work begins on arrival, or when the next window opens if the technician is early; a technician
    arriving after every window is let in all the same (the visit starts late)."""
    if not job.windows or any(w.start <= arrival <= w.end for w in job.windows):
        return arrival
    later = [w.start for w in job.windows if w.start > arrival]
    return min(later) if later else arrival
