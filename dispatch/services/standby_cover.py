"""Is a standby agreement kept by the plans? Where each technician is, and who covers which part of it.

The position model reads a published route: a technician is at home before their first visit and after
their last, at a visit from arrival until they leave, and on the road between two stops. On the road the
exact place is unknown (they may wait before driving, or after), so the time to the standby site is the
safe bound: of all the points they may have reached, the farthest from the site through either end of
the leg. Drive times are the planner's own (``optimizer.travel``), so a plan kept within reach by the
planner is found within reach here.

The check samples the period every five minutes; at each instant a technician covers the site when they
have the skills, are on duty (their shift that day, or an on-call duty) and could be on site within the
response time. Consecutive instants with the same answer make one segment.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dispatch.domain.customers import Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.geo import GeoPoint
from dispatch.domain.plans import PlannedRoute
from dispatch.domain.standby import StandbyAgreement, StandbyCoverSegment
from dispatch.domain.technicians import Technician
from optimizer.problem import Location
from optimizer.travel import default_travel_times

STEP = timedelta(minutes=5)
Drive = Callable[[GeoPoint, GeoPoint], int]


@lru_cache(maxsize=65_536)
def planner_drive_s(a: GeoPoint, b: GeoPoint) -> int:
    """Seconds to drive from ``a`` to ``b`` in the planner's travel model (remembered: a check asks the
    same few pairs at every sampled instant)."""
    if a == b:
        return 0
    times, _ = default_travel_times().matrices([Location.at(a.lat, a.lon), Location.at(b.lat, b.lon)])
    return int(times[0][1])


@dataclass(frozen=True, slots=True)
class Stop:
    """A place a technician is at from ``arrive`` until ``leave``."""

    place: GeoPoint
    arrive: datetime
    leave: datetime


def timeline(route: PlannedRoute, home: GeoPoint, places: Mapping[str, GeoPoint]) -> tuple[Stop, ...]:
    """The route's stops in order, home first and last; ``places`` locates jobs and depots by id."""
    stops = [Stop(home, route.start, route.start)]
    for visit in route.visits:
        place = places.get((visit.job_id if visit.job_id is not None else visit.depot_id) or "")
        if (
            place is not None
        ):  # a stop of a record not loaded is left out: the check trusts the legs around it
            stops.append(Stop(place, visit.arrival, visit.end))
    stops.append(Stop(home, route.end, route.end))
    return tuple(stops)


def reach_s(at: datetime, stops: tuple[Stop, ...], site: GeoPoint, drive: Drive = planner_drive_s) -> int:
    """A safe bound on the seconds a technician following ``stops`` needs to reach ``site`` at ``at``."""
    if at <= stops[0].leave:
        return drive(stops[0].place, site)
    for here, there in itertools.pairwise(stops):
        if at <= here.leave:
            return drive(here.place, site)
        if at < there.arrive:
            return _on_the_road(at, here, there, site, drive)
    return drive(stops[-1].place, site)


def _on_the_road(at: datetime, here: Stop, there: Stop, site: GeoPoint, drive: Drive) -> int:
    """Between two stops: driven ``x`` seconds of the leg's ``leg`` so far, ``x`` unknown but no more
    than the time since leaving and no less than the leg minus the time left before arriving; the worst
    ``x`` for the better of going on via ``there`` or back via ``here``."""
    leg = drive(here.place, there.place)
    via_here, via_there = drive(here.place, site), drive(there.place, site)
    since = int((at - here.leave).total_seconds())
    left = int((there.arrive - at).total_seconds())
    low, high = max(0, leg - left), min(leg, since)
    if high < low:  # the plan's times are tighter than the model's drive: trust the drive
        low = high = max(0, min(leg, since))
    worst = min(max((leg + via_there - via_here) // 2, low), high)
    return max(min(x + via_here, leg - x + via_there) for x in {low, worst, min(worst + 1, high), high})


def on_duty(technician: Technician, at: datetime, duties: Iterable[tuple[datetime, datetime]]) -> bool:
    """Whether the technician works at ``at``: their shift of that local day, or an on-call duty."""
    local = at.astimezone(ZoneInfo(technician.timezone))
    shift = technician.calendar.shift_on(local.date())
    if shift is not None and shift.start <= local.time() < shift.end:
        return True
    return any(start <= at < end for start, end in duties)


@dataclass(frozen=True, slots=True)
class _Answer:
    technician_id: str | None
    plan_caused: bool = False
    why: str = ""


class CoverCheck:
    """The cover of agreements by the routes of published plans, over one data set."""

    def __init__(
        self, dataset: Dataset, routes: Iterable[PlannedRoute], drive: Drive = planner_drive_s
    ) -> None:
        self.dataset, self.drive = dataset, drive
        self.sites = {s.id: s for s in dataset.sites}
        places = {s.id: s.location for s in dataset.sites}
        places |= {j.id: places[j.site_id] for j in dataset.jobs if j.site_id in places}
        places |= {d.id: d.location for d in dataset.depots}
        homes = {t.id: t.home for t in dataset.technicians}
        self.timelines: dict[str, list[tuple[datetime, datetime, tuple[Stop, ...]]]] = {}
        for route in routes:
            if route.technician_id in homes:
                stops = timeline(route, homes[route.technician_id], places)
                self.timelines.setdefault(route.technician_id, []).append((route.start, route.end, stops))
        self.duties: dict[str, list[tuple[datetime, datetime]]] = {}
        for duty in dataset.on_call_duties:
            self.duties.setdefault(duty.technician_id, []).append((duty.starts_at, duty.ends_at))

    def segments(
        self, agreement: StandbyAgreement, step: timedelta = STEP
    ) -> tuple[StandbyCoverSegment, ...]:
        """Who covers which part of the period, and the gaps with their reasons, in order."""
        site = self.sites[agreement.site_id]
        skilled = [t for t in self.dataset.technicians if agreement.qualifies(t.skills)]
        reach = int(agreement.response.total_seconds())
        samples: list[tuple[datetime, _Answer]] = []
        at, previous = agreement.starts_at, None
        while at < agreement.ends_at:
            answer = self._answer(at, skilled, site, reach, previous)
            samples.append((at, answer))
            previous = answer.technician_id
            at += step
        return tuple(_merge(agreement, samples, site, step))

    def _answer(
        self, at: datetime, skilled: list[Technician], site: Site, reach: int, previous: str | None
    ) -> _Answer:
        working = [t for t in skilled if on_duty(t, at, self.duties.get(t.id, ()))]
        times = {t.id: self.position_reach_s(t, at, site.location) for t in working}
        covering = sorted((s, tid) for tid, s in times.items() if s <= reach)
        if covering:
            if previous is not None and times.get(previous, reach + 1) <= reach:
                return _Answer(previous)
            return _Answer(covering[0][1])
        near_home = [t.id for t in working if self.drive(t.home, site.location) <= reach]
        if near_home:
            return _Answer(None, True, f"the plan sends {', '.join(near_home)} too far away")
        return _Answer(None, False, "nobody with those skills is on duty within reach")

    def position_reach_s(self, technician: Technician, at: datetime, site: GeoPoint) -> int:
        """Seconds the technician needs to reach ``site`` at ``at`` from where the plans put them."""
        for start, end, stops in self.timelines.get(technician.id, ()):
            if start <= at <= end:
                return reach_s(at, stops, site, self.drive)
        return self.drive(technician.home, site)


def _merge(
    agreement: StandbyAgreement, samples: list[tuple[datetime, _Answer]], site: Site, step: timedelta
) -> list[StandbyCoverSegment]:
    segments: list[StandbyCoverSegment] = []
    for at, answer in samples:
        end = min(at + step, agreement.ends_at)
        last = segments[-1] if segments else None
        if (
            last is not None
            and last.technician_id == answer.technician_id
            and last.plan_caused == answer.plan_caused
        ):
            segments[-1] = StandbyCoverSegment(
                agreement.id, last.technician_id, last.start, end, last.reason, last.plan_caused
            )
        else:
            segments.append(
                StandbyCoverSegment(
                    agreement.id, answer.technician_id, at, end, answer.why, answer.plan_caused
                )
            )
    return [_worded(s, agreement, site) if s.is_gap else s for s in segments]


def _worded(gap: StandbyCoverSegment, agreement: StandbyAgreement, site: Site) -> StandbyCoverSegment:
    """The gap's reason as a sentence naming the skills, the response time, the site and the local times."""
    zone = ZoneInfo(site.timezone)
    start, end = gap.start.astimezone(zone), gap.end.astimezone(zone)
    when = f"from {start:%a %H:%M} to {end:%a %H:%M}, local time"
    within = f"within {_duration(agreement.response)} of {site.name}"
    if gap.plan_caused:
        reason = (
            f"nobody with {agreement.skills_text()} can be on site {within} {when}: {gap.reason}, "
            "though they are on duty"
        )
    else:
        reason = f"nobody with {agreement.skills_text()} is on duty {within} {when}"
    return StandbyCoverSegment(gap.agreement_id, None, gap.start, gap.end, reason, gap.plan_caused)


def agreement_terms(agreement: StandbyAgreement, site: Site) -> str:
    """``Chicago flagship: pos level 5 on site within 2 h``: what the customer bought, in words."""
    return f"{site.name}: {agreement.skills_text()} on site within {_duration(agreement.response)}"


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds()) // 60
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest:02d}"
    return f"{hours} h" if hours else f"{rest} min"


def gaps(segments: Iterable[StandbyCoverSegment]) -> list[StandbyCoverSegment]:
    """The segments nobody covers."""
    return [s for s in segments if s.is_gap]
