"""Arrival estimates: the published plan moved by what the technician has reported so far.

Pure functions. Each stop keeps its planned travel and service time; what moves is when it begins.
A stop finishing late (a delay report, a late arrival, a long visit) pushes every later stop back by
the same amount, less any waiting the plan had; a stop finishing early pulls them forward, but never
before the stop may open (the job's own time window, the depot's opening hour). Travel after an
"en route" report is the plan's travel time for that leg (the geodesic model the plan was built with).
A delay report counts at the moment it meant when it was made (``Progress.expected_at``): a plan re-made
since has the delay in already, and adding the minutes to it again would push the visit later with every
re-plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from dispatch.domain.progress import ReportKind, VisitReport

WINDOW_WIDTH = timedelta(minutes=30)
"""Width of the arrival window a customer sees.

Thirty minutes: the plan's travel times are geodesic estimates without traffic, typically within a
quarter of an hour on the legs of a working day, so a window of +-15 minutes around the estimate
holds most arrivals, yet it stays short enough for a customer to plan around.
"""
WINDOW_STEP = timedelta(minutes=5)


_SAID_IN_ORDER = {
    ReportKind.EN_ROUTE: 0,
    ReportKind.ARRIVED: 1,
    ReportKind.RUNNING_LATE: 2,
    ReportKind.COMPLETED: 3,
    ReportKind.NOT_COMPLETED: 3,
}
"""Reports made in the same instant, in the order they can be said: a delay is said of the way or the
visit the technician has just reported being on."""


class StopProgress(StrEnum):
    PENDING = "pending"
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class PlannedStop:
    """One stop of a planned route, as the estimate needs it."""

    sequence: int
    arrival: datetime
    start: datetime
    end: datetime
    travel_s: int
    opens: datetime
    """The earliest the stop may begin: its time window's opening, or the depot's opening hour."""
    job_id: str | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    """One report on a job of the route."""

    job_id: str
    kind: ReportKind
    reported_at: datetime
    late_by_min: int | None = None
    expected_at: datetime | None = None
    """A delay's own moment (``VisitReport.expected_at``); without it the minutes count against the plan."""

    @classmethod
    def of(cls, report: VisitReport) -> Progress:
        return cls(report.job_id, report.kind, report.reported_at, report.late_by_min, report.expected_at)


@dataclass(frozen=True, slots=True)
class StopEstimate:
    sequence: int
    job_id: str | None
    arrival: datetime
    start: datetime
    end: datetime
    progress: StopProgress


def estimate_route(stops: Sequence[PlannedStop], reports: Iterable[Progress]) -> list[StopEstimate]:
    """Estimated arrival, start and end of every stop, in route order, given the reports so far.

    A technician reports "en route" as they set off for a visit; the depot pickups on the way come after
    that moment, so they and the visit's arrival are counted from it (a pickup is never reported)."""
    by_job: dict[str, list[Progress]] = {}
    for report in sorted(reports, key=lambda r: (r.reported_at, _SAID_IN_ORDER[r.kind])):
        by_job.setdefault(report.job_id, []).append(report)
    ordered = sorted(stops, key=lambda s: s.sequence)
    set_off = _set_off_for_pickups(ordered, by_job)
    estimates: list[StopEstimate] = []
    shift = timedelta(0)
    on_the_way = False
    for stop in ordered:
        left_at = estimates[-1].end if on_the_way and estimates else None
        if stop.job_id is None:
            left_at = set_off.get(stop.sequence, left_at)
            on_the_way = left_at is not None
            estimate = _estimate_stop(stop, shift, [], left_at)
        else:
            estimate = _estimate_stop(stop, shift, by_job.get(stop.job_id, []), left_at)
            on_the_way = False
        estimates.append(estimate)
        shift = estimate.end - stop.end
    return estimates


def _set_off_for_pickups(
    ordered: Sequence[PlannedStop], by_job: dict[str, list[Progress]]
) -> dict[int, datetime]:
    """The first depot stop before each visit reported en route, with the moment the technician set off."""
    found: dict[int, datetime] = {}
    pickups: list[int] = []
    for stop in ordered:
        if stop.job_id is None:
            pickups.append(stop.sequence)
            continue
        set_off = next(
            (r.reported_at for r in by_job.get(stop.job_id, []) if r.kind is ReportKind.EN_ROUTE), None
        )
        if set_off is not None and pickups:
            found[pickups[0]] = set_off
        pickups = []
    return found


def _estimate_stop(
    stop: PlannedStop, shift: timedelta, reports: Sequence[Progress], left_at: datetime | None
) -> StopEstimate:
    """``left_at``: when the technician left the stop before for this one, when a report tells it."""
    service = stop.end - stop.start
    arrival = stop.arrival + shift if left_at is None else left_at + timedelta(seconds=stop.travel_s)
    start: datetime | None = None
    end: datetime | None = None
    progress = StopProgress.PENDING
    for report in reports:
        if report.kind is ReportKind.EN_ROUTE:
            arrival = (left_at or report.reported_at) + timedelta(seconds=stop.travel_s)
            progress = StopProgress.EN_ROUTE
        elif report.kind is ReportKind.RUNNING_LATE and report.late_by_min is not None:
            late = timedelta(minutes=report.late_by_min)
            if start is None:
                arrival = report.expected_at or stop.arrival + late
            else:
                end = max(start + service, report.expected_at or stop.end + late)
        elif report.kind is ReportKind.ARRIVED:
            arrival = report.reported_at
            start = max(arrival, stop.opens)
            progress = StopProgress.ON_SITE
        elif report.kind in (ReportKind.COMPLETED, ReportKind.NOT_COMPLETED):
            end = report.reported_at
            progress = StopProgress.DONE
    if start is None:
        start = max(arrival, stop.opens)
    if end is None:
        end = start + service
    if progress is StopProgress.DONE:
        start = min(start, end)
        arrival = min(arrival, start)
    return StopEstimate(stop.sequence, stop.job_id, arrival, start, end, progress)


def arrival_window(start: datetime) -> tuple[datetime, datetime]:
    """The window shown to a customer: ``WINDOW_WIDTH`` centred on ``start``, on 5-minute marks."""
    step_s = int(WINDOW_STEP.total_seconds())
    epoch_s = start.timestamp()
    rounded_s = int((epoch_s + step_s / 2) // step_s) * step_s
    centre = datetime.fromtimestamp(rounded_s, tz=start.tzinfo)
    half = WINDOW_WIDTH / 2
    return centre - half, centre + half


def opening_of(planned_start: datetime, window_starts: Iterable[datetime], day_start: datetime) -> datetime:
    """When a stop may begin at the earliest: the opening of the window its plan starts in.

    A job without windows may begin as soon as the technician's day has begun.
    """
    opened = [start for start in window_starts if start <= planned_start]
    return max(opened) if opened else min(day_start, planned_start)
