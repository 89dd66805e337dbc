"""Estimated times and arrival windows of a stored route, from the plan, the windows and depot hours, the
reports so far and the learned durations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from dispatch.config import get_settings
from dispatch.domain.jobs import Job
from dispatch.domain.plans import PlannedRoute
from dispatch.domain.promises import ArrivalPromise, windows_kept
from dispatch.domain.technicians import Depot
from dispatch.domain.tickets import Ticket
from dispatch.domain.timezones import zone
from dispatch.persistence.repositories import DepotRepository, JobRepository, TicketRepository
from dispatch.persistence.repositories.arrival_promises import ArrivalPromiseRepository
from dispatch.persistence.repositories.visit_reports import VisitReportRepository
from dispatch.services.arrival_windows import (
    UNKNOWN_VISIT_LOG_SD,
    ArrivalWindow,
    StopForecast,
    arrival_windows,
)
from dispatch.services.durations import DurationModel, LogNormal, job_category, learn_durations
from dispatch.services.eta import (
    PlannedStop,
    Progress,
    StopEstimate,
    StopProgress,
    estimate_route,
    opening_of,
)


def planned_stops(
    route: PlannedRoute,
    jobs: Mapping[str, Job],
    depots: Mapping[str, Depot],
    promises: Mapping[str, ArrivalPromise] | None = None,
) -> list[PlannedStop]:
    """The route's stops with the earliest each may begin (a promised visit: not before its promise)."""
    stops = []
    for visit in route.visits:
        opens: datetime
        if visit.job_id is not None and visit.job_id in jobs:
            promise = (promises or {}).get(visit.job_id)
            windows = windows_kept(jobs[visit.job_id].windows, promise)
            opens = opening_of(visit.start, (w.start for w in windows), route.start)
        elif visit.depot_id is not None and visit.depot_id in depots:
            depot = depots[visit.depot_id]
            local = visit.start.astimezone(zone(depot.timezone))
            opens = min(
                visit.start,
                local.replace(
                    hour=depot.opening_hours_start.hour,
                    minute=depot.opening_hours_start.minute,
                    second=0,
                    microsecond=0,
                ),
            )
        else:
            opens = visit.start
        stops.append(
            PlannedStop(
                sequence=visit.sequence,
                arrival=visit.arrival,
                start=visit.start,
                end=visit.end,
                travel_s=visit.travel_s,
                opens=opens,
                job_id=visit.job_id,
            )
        )
    return stops


@dataclass(frozen=True, slots=True)
class StopOutlook:
    """A stop's point estimate and the window its customer is told: the one computation both the job sheet
    and the tracking page show."""

    estimate: StopEstimate
    window: ArrivalWindow
    """What the customer is shown: the window promised, else the window forecast now."""
    forecast: ArrivalWindow
    """The window forecast now from the reports so far, promised or not."""
    promise: ArrivalPromise | None = None
    """The customer's promise, while the visit is still to begin."""
    promised: bool = False
    """Whether the window shown is the promise: a promise the forecast has broken, whose customer waits
    for the technician to set off before a new one is told, shows the live estimate."""


def forecast_stored_route(
    session: Session,
    route: PlannedRoute,
    *,
    jobs: Mapping[str, Job] | None = None,
    depots: Mapping[str, Depot] | None = None,
    tickets: Mapping[str, Ticket] | None = None,
    durations: DurationModel | None = None,
    confidence: float | None = None,
    as_of: datetime | None = None,
    day: date | None = None,
    promises: Mapping[str, ArrivalPromise] | None = None,
) -> list[StopOutlook]:
    """Estimates and arrival windows of every stop of ``route``, in route order, from its reports so far.

    Pass what is already loaded; ``durations`` defaults to a model learned now, ``confidence`` to the
    setting ``window_confidence``. ``as_of``: the moment the windows are for, on the route's day (see
    ``window_moment``): what has not been reported by then happens after it. ``day``: the route's day,
    whose arrival promises (``promises``, read when not given) are shown in place of the forecast and
    begin no visit early; without it the windows are forecasts only.
    """
    if jobs is None:
        jobs = {job.id: job for job in JobRepository(session).get_many(list(route.job_ids))}
    if depots is None:
        depot_ids = [v.depot_id for v in route.visits if v.depot_id is not None]
        depots = {depot.id: depot for depot in DepotRepository(session).get_many(depot_ids)}
    if tickets is None:
        tickets = {t.id: t for t in TicketRepository(session).get_many([j.ticket_id for j in jobs.values()])}
    if durations is None:
        durations = learn_durations(session, datetime.now(UTC))
    if confidence is None:
        confidence = get_settings().window_confidence
    reports = VisitReportRepository(session).for_jobs(list(route.job_ids))
    progress = [Progress.of(r) for r in reports if r.technician_id == route.technician_id]
    if promises is None:
        promises = {} if day is None else ArrivalPromiseRepository(session).on_day(day, route.job_ids)
    stops = planned_stops(route, jobs, depots, promises)
    estimates = estimate_route(stops, progress)
    forecasts = [
        StopForecast(
            estimate=estimate,
            travel_s=stop.travel_s,
            opens=stop.opens,
            service=_service(estimate, jobs, tickets, durations, route.technician_id),
            ends_not_before=_delayed_end(stop, estimate),
        )
        for stop, estimate in zip(sorted(stops, key=lambda s: s.sequence), estimates, strict=True)
    ]
    windows = arrival_windows(forecasts, confidence=confidence, as_of=as_of)
    return [_outlook(e, w, promises.get(e.job_id or "")) for e, w in zip(estimates, windows, strict=True)]


def _outlook(estimate: StopEstimate, forecast: ArrivalWindow, promise: ArrivalPromise | None) -> StopOutlook:
    """The stop as its customer sees it: the promise while the visit is still to begin, unless the
    forecast has broken it (then the live estimate, until a new window is told)."""
    if promise is None or estimate.progress not in (StopProgress.PENDING, StopProgress.EN_ROUTE):
        return StopOutlook(estimate, forecast, forecast)
    if promise.broken_by(forecast.opens_at):
        return StopOutlook(estimate, forecast, forecast, promise)
    told = ArrivalWindow(forecast.sequence, forecast.job_id, promise.opens_at, promise.closes_at)
    return StopOutlook(estimate, told, forecast, promise, promised=True)


def window_moment(now: datetime | None, day: date, timezone: str) -> datetime | None:
    """``now`` while it is ``day`` where the technician works, else ``None``: a day not begun has nothing
    to wait for, and a past day's unreported visits are not moved to today."""
    if now is None or now.astimezone(zone(timezone)).date() != day:
        return None
    return now


def _delayed_end(stop: PlannedStop, estimate: StopEstimate) -> datetime | None:
    """The end a delay report sets for a visit under way (the estimate ends later than its planned
    time on site allows only because of one)."""
    if estimate.progress is not StopProgress.ON_SITE:
        return None
    if estimate.end > estimate.start + (stop.end - stop.start):
        return estimate.end
    return None


def _service(
    estimate: StopEstimate,
    jobs: Mapping[str, Job],
    tickets: Mapping[str, Ticket],
    durations: DurationModel,
    technician_id: str,
) -> LogNormal | None:
    """The learned time on site of the stop's visit; unlearned, its planned duration with a wide spread."""
    job = jobs.get(estimate.job_id or "")
    if job is None:
        return None
    ticket = tickets.get(job.ticket_id)
    if ticket is not None:
        learned = durations.distribution(job_category(ticket.category, ticket.kind), technician_id)
        if learned is not None:
            return learned
    return LogNormal(job.duration.total_seconds(), UNKNOWN_VISIT_LOG_SD)
