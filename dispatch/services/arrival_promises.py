"""Telling customers their arrival windows (``dispatch.domain.promises``): the round that turns forecasts
into promises, run every few minutes through the day.

Each round forecasts every route of the day's published plan from the reports so far. A visit still to
begin whose customer holds no promise, and which is expected within ``promise_minutes``, gets the window
forecast now as its promise. A promised visit whose forecast window now opens after its promise closes
(by the forecast, not the plan's point estimate, which knows nothing of how long visits really take) will
almost surely begin late: its customer is told the window forecast now, and the promise counts as
broken; a visit that keeps slipping waits for its technician to set off before another window is told
(``TOLD_BEFORE_SETTING_OFF``). A visit that begins early breaks nothing: its technician waits for the
promise to open.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from dispatch.config import get_settings
from dispatch.domain.jobs import Job, JobStatus
from dispatch.domain.promises import ArrivalPromise
from dispatch.persistence.repositories import (
    DepotRepository,
    JobRepository,
    PlanRepository,
    TechnicianRepository,
    TicketRepository,
)
from dispatch.persistence.repositories.arrival_promises import ArrivalPromiseRepository
from dispatch.services.durations import DurationModel, learn_durations
from dispatch.services.eta import StopProgress
from dispatch.services.tracking_estimates import StopOutlook, forecast_stored_route, window_moment

_TO_BEGIN = (StopProgress.PENDING, StopProgress.EN_ROUTE)
_OPEN = (JobStatus.UNSCHEDULED, JobStatus.PLANNED, JobStatus.EN_ROUTE)


@dataclass(frozen=True, slots=True)
class WindowsTold:
    """What one round told customers."""

    promised: int = 0
    """Customers told their window for the first time."""
    retold: int = 0
    """Customers told a new window because the one they held would be broken."""
    promised_jobs: tuple[str, ...] = ()
    retold_jobs: tuple[str, ...] = ()


def promises_on(
    session: Session, day: date, job_ids: Collection[str] | None = None
) -> dict[str, ArrivalPromise]:
    """Job id -> the arrival promise its customer holds for ``day``."""
    return ArrivalPromiseRepository(session).on_day(day, job_ids)


def tell_arrival_windows(
    session: Session,
    day: date,
    now: datetime,
    *,
    durations: DurationModel | None = None,
    ahead: timedelta | None = None,
) -> WindowsTold:
    """One round of promises on ``day``'s published plan as it stands at ``now``."""
    plan = PlanRepository(session).published(day)
    if plan is None or not plan.routes:
        return WindowsTold()
    zones = {
        t.id: t.timezone
        for t in TechnicianRepository(session).get_many([r.technician_id for r in plan.routes])
    }
    # Only the day under way where the technician works has customers waiting: a round over the days
    # around it reads nothing more of theirs.
    under_way = [
        (route, as_of)
        for route in plan.routes
        if route.technician_id in zones
        and (as_of := window_moment(now, day, zones[route.technician_id])) is not None
    ]
    if not under_way:
        return WindowsTold()
    ahead = timedelta(minutes=get_settings().promise_minutes) if ahead is None else ahead
    job_ids = [j for route, _ in under_way for j in route.job_ids]
    jobs = {j.id: j for j in JobRepository(session).get_many(job_ids)}
    tickets = {
        t.id: t for t in TicketRepository(session).get_many(sorted({j.ticket_id for j in jobs.values()}))
    }
    depots = {d.id: d for d in DepotRepository(session).all()}
    promises = promises_on(session, day, job_ids)
    durations = learn_durations(session, now) if durations is None else durations
    store = ArrivalPromiseRepository(session)
    promised: list[str] = []
    retold: list[str] = []
    for route, as_of in under_way:
        outlooks = forecast_stored_route(
            session,
            route,
            jobs=jobs,
            depots=depots,
            tickets=tickets,
            durations=durations,
            as_of=as_of,
            day=day,
            promises=promises,
        )
        for outlook in _still_to_begin(outlooks, jobs):
            told = _told(outlook, day, now, ahead)
            if told is not None:
                store.put(told)
                (promised if told.times_told == 1 else retold).append(told.job_id)
    return WindowsTold(len(promised), len(retold), tuple(promised), tuple(retold))


def _still_to_begin(outlooks: list[StopOutlook], jobs: Mapping[str, Job]) -> list[StopOutlook]:
    """The route's visits whose customer still waits for the technician."""
    return [
        o
        for o in outlooks
        if (job := jobs.get(o.estimate.job_id or "")) is not None
        and o.estimate.progress in _TO_BEGIN
        and job.status in _OPEN
    ]


def _told(outlook: StopOutlook, day: date, now: datetime, ahead: timedelta) -> ArrivalPromise | None:
    """The promise to record for this visit now, if any."""
    job_id = outlook.estimate.job_id
    assert job_id is not None
    forecast = outlook.forecast
    if outlook.promise is None:
        if outlook.estimate.start > now + ahead:
            return None
        return ArrivalPromise(job_id, day, forecast.opens_at, forecast.closes_at, now)
    on_the_way = outlook.estimate.progress is StopProgress.EN_ROUTE
    if outlook.promise.broken_by(forecast.opens_at) and outlook.promise.may_retell(on_the_way=on_the_way):
        return outlook.promise.retold(forecast.opens_at, forecast.closes_at, now)
    return None
