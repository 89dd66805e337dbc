"""The standby cover check: where a technician is at an instant, and who covers which part of a period."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dispatch.domain.contracts import Priority
from dispatch.domain.customers import Customer, Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.geo import GeoPoint
from dispatch.domain.jobs import Job, SkillRequirement
from dispatch.domain.plans import Plan, PlanCost, PlannedRoute, PlannedVisit, PlanStatus, VisitKind
from dispatch.domain.standby import StandbyAgreement
from dispatch.domain.technicians import Shift, Technician, WorkingCalendar
from dispatch.services.standby_cover import CoverCheck, Stop, planner_drive_s, reach_s
from dispatch.services.standby_guard import StandbyBroken, check_standby

CHICAGO = ZoneInfo("America/Chicago")
SATURDAY = date(2026, 12, 12)
SITE = GeoPoint(41.88, -87.63)  # the Loop
HOME = GeoPoint(41.90, -87.65)  # a few minutes away
FAR = GeoPoint(43.07, -89.40)  # Madison, well over an hour away


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(SATURDAY, time(hour, minute), CHICAGO)


def _line(a: GeoPoint, b: GeoPoint) -> int:
    """A toy travel model along a meridian: 0.1 degree of latitude is 1,000 seconds."""
    return round(abs(a.lat - b.lat) * 10_000)


def _p(lat: float) -> GeoPoint:
    return GeoPoint(lat, 0.0)


def test_a_technician_is_at_home_before_leaving_and_after_coming_back() -> None:
    stops = (Stop(_p(0.1), _at(8), _at(8)), Stop(_p(0.5), _at(9), _at(10)), Stop(_p(0.1), _at(11), _at(11)))
    assert reach_s(_at(7), stops, _p(0.0), _line) == 1_000
    assert reach_s(_at(12), stops, _p(0.0), _line) == 1_000


def test_at_a_visit_the_reach_is_the_drive_from_its_site() -> None:
    stops = (Stop(_p(0.1), _at(8), _at(8)), Stop(_p(0.5), _at(9), _at(10)), Stop(_p(0.1), _at(11), _at(11)))
    assert reach_s(_at(9, 30), stops, _p(0.0), _line) == 5_000


def test_on_the_road_the_reach_is_a_safe_bound_through_either_end() -> None:
    """Leaving home (0.1) at 08:00 for a site 4,000 s away arriving 09:06:40: at 08:30 the technician is
    30 minutes down the road, at latitude 0.28; on a slack leg they may still be at the visit."""
    leg = _at(8) + timedelta(seconds=4_000)
    stops = (Stop(_p(0.1), _at(8), _at(8)), Stop(_p(0.5), leg, _at(10)), Stop(_p(0.1), _at(12), _at(12)))
    assert reach_s(_at(8, 30), stops, _p(0.0), _line) == 2_800
    assert reach_s(_at(10, 30), stops, _p(0.0), _line) == 5_000  # may not have left the visit yet
    assert reach_s(_at(11, 50), stops, _p(0.0), _line) == 1_000 + 600  # at most 10 minutes from home


def _dataset(on_duty: bool = True) -> Dataset:
    shift = Shift(time(8), time(20)) if on_duty else None
    tech = Technician(
        id="T1",
        name="Ada Lovelace",
        home=HOME,
        home_address="1 Home St",
        timezone="America/Chicago",
        region="Chicago",
        skills={"network": 3},
        calendar=WorkingCalendar(weekly=(None,) * 5 + (shift, None)),
    )
    sites = [
        Site(
            "S1",
            "C1",
            "Loop tower",
            "1 Main St",
            "Chicago",
            "IL",
            "60601",
            SITE,
            "America/Chicago",
            "Chicago",
        ),
        Site(
            "S2",
            "C1",
            "Madison plant",
            "2 Lake St",
            "Madison",
            "WI",
            "53703",
            FAR,
            "America/Chicago",
            "Chicago",
        ),
    ]
    job = Job("J1", "K1", "S2", timedelta(hours=1), Priority.P3)
    agreement = StandbyAgreement(
        "SB1", "C1", "S1", _at(8), _at(14), (SkillRequirement("network", 3),), timedelta(hours=1)
    )
    return Dataset(
        customers=[Customer("C1", "Acme")],
        sites=sites,
        technicians=[tech],
        jobs=[job],
        standby_agreements=[agreement],
    )


def _far_route() -> PlannedRoute:
    """Ada leaves at 09:00 for the plant, works there 12:00-13:00 and is home by 15:30."""
    drive = planner_drive_s(HOME, FAR)
    arrival = _at(12) - timedelta(seconds=drive)
    visit = PlannedVisit(1, VisitKind.JOB, _at(12), _at(12), _at(13), drive, 0, job_id="J1")
    return PlannedRoute("T1", arrival, _at(13) + timedelta(seconds=drive), drive * 2, 0, 0, (visit,))


def test_a_technician_at_home_and_on_duty_covers_the_whole_period() -> None:
    dataset = _dataset()
    segments = CoverCheck(dataset, ()).segments(dataset.standby_agreements[0])
    assert [(s.technician_id, s.start, s.end) for s in segments] == [("T1", _at(8), _at(14))]


def test_a_plan_sending_the_only_cover_far_away_is_found_broken_while_they_are_away() -> None:
    dataset = _dataset()
    route = _far_route()
    segments = CoverCheck(dataset, (route,)).segments(dataset.standby_agreements[0])
    gaps = [s for s in segments if s.is_gap]
    assert len(gaps) == 1 and gaps[0].plan_caused
    gap = gaps[0]
    response = 3_600
    # Covered until the drive has taken Ada beyond an hour of the tower, and broken to the period's end.
    assert segments[0].technician_id == "T1" and segments[0].start == _at(8)
    assert route.start < gap.start <= route.start + timedelta(seconds=response)
    assert gap.end == _at(14)
    assert "network level 3" in gap.reason and "Loop tower" in gap.reason and "local time" in gap.reason
    assert "T1" in gap.reason


def test_nobody_on_duty_is_a_gap_that_no_plan_caused() -> None:
    dataset = _dataset(on_duty=False)
    (gap,) = CoverCheck(dataset, ()).segments(dataset.standby_agreements[0])
    assert gap.is_gap and not gap.plan_caused
    assert gap.reason == (
        "nobody with network level 3 is on duty within 1 h of Loop tower "
        "from Sat 08:00 to Sat 14:00, local time"
    )


def test_the_road_bound_is_never_below_where_the_technician_may_truly_be() -> None:
    """On a leg from 0.5 to 0.1 driven in 4,000 s, with an hour of slack to wait at either end: at every
    minute, every point they may have reached (on the line, towards a site at 0.0 or at 0.3) is within
    the bound."""
    leave, arrive = _at(10), _at(10) + timedelta(seconds=7_600)
    stops = (Stop(_p(0.5), _at(9), leave), Stop(_p(0.1), arrive, _at(13)))
    for target in (_p(0.0), _p(0.3)):
        for minute in range(0, 127):
            at = leave + timedelta(minutes=minute)
            bound = reach_s(at, stops, target, _line)
            since, left = (at - leave).total_seconds(), (arrive - at).total_seconds()
            for driven in range(0, 4_001, 50):
                if driven <= since and 4_000 - driven <= left:
                    assert _line(_p(0.5 - driven / 10_000), target) <= bound


def _plan(*routes: PlannedRoute) -> Plan:
    return Plan("P", SATURDAY, None, _at(6), PlanStatus.PUBLISHED, "ok", 0, PlanCost(0, 0, 0, 0), routes, ())


def test_publishing_refuses_a_gap_the_plan_causes_unless_the_plan_it_replaces_had_it() -> None:
    """Sending the only cover to Madison is refused, naming the agreement and the local times; a re-plan
    of a day that already had that gap (what has happened stays) is not; nobody on duty is never refused."""
    dataset = _dataset()
    assert check_standby(dataset, _plan(), None)  # at home: covered, published
    with pytest.raises(
        StandbyBroken, match=r"standby agreement SB1: nobody with network level 3 .* local time"
    ):
        check_standby(dataset, _plan(_far_route()), _plan())
    assert check_standby(dataset, _plan(_far_route()), _plan(_far_route()))
    assert check_standby(_dataset(on_duty=False), _plan(), None)[0].is_gap
