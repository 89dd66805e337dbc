"""From the provider's data to the optimizer's Problem for one day.

The optimizer counts integer seconds from one origin; the domain speaks in local times of many time zones
(a technician's shift at home, a site's access hours, a depot's opening hours) and in aware instants (job
windows, SLA due times). This mapper converts both to seconds from midnight UTC at the start of the day,
over a horizon long enough for every US time zone's working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatch.domain.customers import Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.geo import GeoPoint
from dispatch.domain.jobs import Job, JobStatus
from dispatch.domain.technicians import Depot, Shift
from dispatch.domain.technicians import Technician as FieldTechnician
from dispatch.domain.weekly_hours import WeeklyHours
from optimizer import Depot as DepotStop
from optimizer import Job as Visit
from optimizer import Location, LunchBreak, Problem, Technician, TimeWindow

#: 48 hours from midnight UTC hold the working day of every US state, Hawaii and Alaska included.
HORIZON_S = 48 * 3600

#: Job states still to be planned; jobs already under way or done are not re-planned here.
PLANNABLE = frozenset({JobStatus.UNSCHEDULED, JobStatus.PLANNED})


def planning_origin(day: date) -> datetime:
    """Second 0 of the day's problem: midnight UTC at the start of ``day``."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def dataset_to_problem(dataset: Dataset, day: date) -> Problem:
    """The day's plannable jobs and working technicians as a Problem (travel times built by the optimizer).

    A job enters when it is still to be planned and can start on this day: one of its windows (or, without
    windows, its site's access hours) overlaps the day, intersected with the site's access hours.
    A pin to a technician who is off that day is dropped rather than losing the job.
    """
    origin = planning_origin(day)
    technicians = tuple(
        technician
        for field_technician in dataset.technicians
        if (technician := _technician(field_technician, day, origin)) is not None
    )
    working = {t.id for t in technicians}
    sites = {site.id: site for site in dataset.sites}
    jobs = tuple(
        job
        for field_job in dataset.jobs
        if field_job.status in PLANNABLE
        and (job := _job(field_job, sites[field_job.site_id], day, origin, working)) is not None
    )
    return Problem(
        technicians=technicians,
        jobs=jobs,
        horizon=TimeWindow(0, HORIZON_S),
        depots=tuple(_depot(depot, day, origin) for depot in dataset.depots),
        name=day.isoformat(),
    )


def _seconds(instant: datetime, origin: datetime) -> int:
    return int((instant - origin).total_seconds())


def _local(day: date, clock: time, zone: str, origin: datetime) -> int:
    """Seconds from ``origin`` of the wall-clock time ``clock`` on ``day`` in the time zone ``zone``."""
    return _seconds(datetime.combine(day, clock, tzinfo=ZoneInfo(zone)), origin)


def _location(point: GeoPoint) -> Location:
    return Location.at(point.lat, point.lon)


def _technician(technician: FieldTechnician, day: date, origin: datetime) -> Technician | None:
    shift: Shift | None = technician.calendar.shift_on(day)
    if shift is None:
        return None
    zone = technician.timezone
    lunch = None
    if shift.lunch is not None:
        lunch = LunchBreak(
            duration_s=int(shift.lunch.duration.total_seconds()),
            earliest_start_s=_local(day, shift.lunch.earliest, zone, origin),
            latest_start_s=_local(day, shift.lunch.latest, zone, origin),
        )
    return Technician(
        id=technician.id,
        start=_location(technician.home),
        shift=TimeWindow(_local(day, shift.start, zone, origin), _local(day, shift.end, zone, origin)),
        lunch=lunch,
        skills=dict(technician.skills),
        van_stock=dict(technician.van_stock),
    )


def _access_windows(hours: WeeklyHours, day: date, zone: str, origin: datetime) -> list[TimeWindow]:
    """A site's open intervals on ``day``, in seconds from ``origin``."""
    windows = []
    for interval in hours.days[day.weekday()]:
        start = _local(day, interval.start, zone, origin)
        end_day = day + timedelta(days=1) if interval.end == time(0) else day
        end = _local(end_day, interval.end, zone, origin)
        windows.append(TimeWindow(start, end))
    return windows


def _intersect(a: Iterable[TimeWindow], b: list[TimeWindow]) -> list[TimeWindow]:
    pieces = []
    for x in a:
        for y in b:
            start, end = max(x.start_s, y.start_s), min(x.end_s, y.end_s)
            if start <= end:
                pieces.append(TimeWindow(start, end))
    return _merge(pieces)


def _merge(windows: list[TimeWindow]) -> list[TimeWindow]:
    """Sorted windows with overlapping or touching ones joined (the optimizer refuses overlaps)."""
    merged: list[TimeWindow] = []
    for window in sorted(windows, key=lambda w: w.start_s):
        if merged and window.start_s <= merged[-1].end_s:
            last = merged.pop()
            window = TimeWindow(last.start_s, max(last.end_s, window.end_s))
        merged.append(window)
    return merged


def _job(job: Job, site: Site, day: date, origin: datetime, working: set[str]) -> Visit | None:
    horizon = [TimeWindow(0, HORIZON_S)]
    if job.windows:
        windows = [TimeWindow(_seconds(w.start, origin), _seconds(w.end, origin)) for w in job.windows]
        windows = _intersect(windows, horizon)
        if not windows:
            return None
    else:
        windows = []
    if not site.access_hours.is_always:
        access = _access_windows(site.access_hours, day, site.timezone, origin)
        windows = _intersect(windows or horizon, access)
        if not windows:
            return None
    pinned = job.pinned_technician_id if job.pinned_technician_id in working else None
    return Visit(
        id=job.id,
        location=_location(site.location),
        service_s=int(job.duration.total_seconds()),
        priority=job.priority.rank,
        windows=tuple(windows),
        required_skills={r.skill: r.min_level for r in job.required_skills},
        required_parts={r.sku: r.quantity for r in job.required_parts},
        sla_due_s=_seconds(job.sla_due, origin) if job.sla_due is not None else None,
        pinned_technician_id=pinned,
    )


def _depot(depot: Depot, day: date, origin: datetime) -> DepotStop:
    opening = TimeWindow(
        _local(day, depot.opening_hours_start, depot.timezone, origin),
        _local(day, depot.opening_hours_end, depot.timezone, origin),
    )
    location = _location(depot.location)
    return DepotStop(id=depot.id, location=location, stock=dict(depot.stock), opening=opening)
