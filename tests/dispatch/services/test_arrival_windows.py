"""Arrival windows: they hold the start with the stated probability, narrow as the day goes on, and are
shown on 5-minute marks."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.services.arrival_windows import (
    DRIVE_LOG_SD,
    MIN_WIDTH,
    StopForecast,
    arrival_windows,
    central,
    customer_window,
)
from dispatch.services.durations import LogNormal
from dispatch.services.eta import StopEstimate, StopProgress

DAY_START = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
TRIALS = 1000


@dataclass(frozen=True)
class Leg:
    """A stop as a test draws it: the drive to it, its time on site, and when it may begin at the earliest."""

    travel_s: int
    service: LogNormal
    opens_after_s: int
    gap_s: int
    """Planned idle time before setting off (a lunch break, say)."""


def _planned(legs: list[Leg]) -> list[StopForecast]:
    """The plan of a route with every stop still to come: each visit planned at its median duration."""
    stops = []
    free = DAY_START
    for sequence, leg in enumerate(legs, start=1):
        arrival = free + timedelta(seconds=leg.gap_s + leg.travel_s)
        opens = DAY_START + timedelta(seconds=leg.opens_after_s)
        start = max(arrival, opens)
        end = start + timedelta(seconds=leg.service.median_s)
        estimate = StopEstimate(sequence, f"J{sequence}", arrival, start, end, StopProgress.PENDING)
        stops.append(StopForecast(estimate, leg.travel_s, opens, leg.service))
        free = end
    return stops


def _simulated_starts(legs: list[Leg], rng: random.Random) -> list[datetime]:
    """One day as it happens: each drive and visit drawn, the technician waiting where a stop opens later."""
    starts = []
    free = DAY_START
    for leg in legs:
        drive = leg.travel_s * math.exp(DRIVE_LOG_SD * rng.gauss(0, 1))
        arrival = free + timedelta(seconds=leg.gap_s + drive)
        start = max(arrival, DAY_START + timedelta(seconds=leg.opens_after_s))
        starts.append(start)
        free = start + timedelta(
            seconds=leg.service.median_s * math.exp(leg.service.log_sd * rng.gauss(0, 1))
        )
    return starts


legs = st.builds(
    Leg,
    travel_s=st.integers(min_value=0, max_value=50 * 60),
    service=st.builds(
        LogNormal,
        median_s=st.floats(min_value=20 * 60, max_value=150 * 60),
        log_sd=st.floats(min_value=0.05, max_value=0.5),
    ),
    opens_after_s=st.integers(min_value=0, max_value=6 * 3600),
    gap_s=st.sampled_from([0, 0, 0, 30 * 60]),
)


@settings(max_examples=25, deadline=None)
@given(route=st.lists(legs, min_size=1, max_size=6), confidence=st.sampled_from([0.7, 0.8, 0.9]))
def test_windows_hold_simulated_starts_at_least_the_stated_share(route: list[Leg], confidence: float) -> None:
    """Over 1,000 simulated days of a random route, each stop's window holds its start at least the stated
    share of times, less four standard errors of the sampled share."""
    windows = arrival_windows(_planned(route), confidence=confidence)
    rng = random.Random(2026)
    held = [0] * len(route)
    for _ in range(TRIALS):
        for index, start in enumerate(_simulated_starts(route, rng)):
            held[index] += windows[index].holds(start)
    tolerance = 4 * math.sqrt(confidence * (1 - confidence) / TRIALS)
    for index, count in enumerate(held):
        assert count / TRIALS >= confidence - tolerance, (index, count / TRIALS, windows[index])


def _progressed(stops: list[StopForecast], progress: list[StopProgress]) -> list[StopForecast]:
    """The same route with what has happened by now (happening exactly as planned)."""
    return [
        StopForecast(
            StopEstimate(
                s.estimate.sequence,
                s.estimate.job_id,
                s.estimate.arrival,
                s.estimate.start,
                s.estimate.end,
                p,
            ),
            s.travel_s,
            s.opens,
            s.service,
        )
        for s, p in zip(stops, progress, strict=True)
    ]


def test_a_window_narrows_as_its_visit_comes_closer() -> None:
    """The last visit's window at dawn, after two visits, and with its technician on the way: narrower."""
    route = [Leg(20 * 60, LogNormal(60 * 60, 0.3), 0, 0) for _ in range(4)]
    plan = _planned(route)
    pending, done, on_way = StopProgress.PENDING, StopProgress.DONE, StopProgress.EN_ROUTE
    widths = [
        arrival_windows(_progressed(plan, progress), confidence=0.8)[-1].width
        for progress in (
            [pending] * 4,
            [done, done, StopProgress.ON_SITE, pending],
            [done, done, done, on_way],
        )
    ]
    assert widths[0] > widths[1] > widths[2], widths
    assert widths[2] <= timedelta(minutes=20), "on the way, only a 20-minute drive is left uncertain"
    assert widths[0] >= timedelta(minutes=90), "three hour-long visits ahead cannot promise half an hour"


def test_a_known_start_shows_the_narrowest_window() -> None:
    """A visit under way has a known start: the window is MIN_WIDTH around it, on 5-minute marks."""
    plan = _planned([Leg(600, LogNormal(3600, 0.3), 0, 0)])
    window = arrival_windows(_progressed(plan, [StopProgress.ON_SITE]), confidence=0.9)[0]
    assert window.width == MIN_WIDTH
    assert window.holds(plan[0].estimate.start)
    assert window.opens_at.minute % 5 == 0 and window.opens_at.second == 0


def test_central_interval_leaves_as_much_below_as_above() -> None:
    """Of 0..100, the central 80% runs from 10 to 90; of a set skewed late, it reaches into the late tail
    that the narrowest interval (0..0 here) would leave out."""
    import numpy as np

    assert central(np.arange(101.0), 0.8) == pytest.approx((10.0, 90.0))
    skewed = np.array([0.0] * 16 + [10.0, 20.0, 30.0, 50.0, 60.0])
    low, high = central(skewed, 0.8)
    assert low == 0.0 and 10.0 <= high <= 30.0
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        central(skewed, 1.0)


def test_customer_windows_widen_outward_to_five_minute_marks() -> None:
    """10:31-10:52 shows as 10:30-10:55; never narrower than MIN_WIDTH."""
    low = datetime(2026, 3, 10, 10, 31, tzinfo=UTC)
    assert customer_window(low, low + timedelta(minutes=21)) == (
        datetime(2026, 3, 10, 10, 30, tzinfo=UTC),
        datetime(2026, 3, 10, 10, 55, tzinfo=UTC),
    )
    opens, closes = customer_window(low, low)
    assert closes - opens == MIN_WIDTH and opens <= low <= closes


def test_a_visit_running_long_moves_the_next_window_later_as_time_passes() -> None:
    """On site for two hours at an hour-long visit: the next window opens after now, later than the
    window told when the technician arrived, and still holds the start with the stated share."""
    route = [Leg(15 * 60, LogNormal(3600, 0.3), 0, 0), Leg(20 * 60, LogNormal(3600, 0.3), 0, 0)]
    plan = _progressed(_planned(route), [StopProgress.ON_SITE, StopProgress.PENDING])
    arrived = plan[0].estimate.start
    now = arrived + timedelta(hours=2)
    at_arrival = arrival_windows(plan, confidence=0.8)[1]
    later = arrival_windows(plan, confidence=0.8, as_of=now)[1]
    assert later.opens_at >= now - timedelta(minutes=5) and later.opens_at > at_arrival.opens_at
    rng = random.Random(3)
    held = 0
    trials = 0
    while trials < TRIALS:
        visit = 3600 * math.exp(0.3 * rng.gauss(0, 1))
        if visit <= 7200:
            continue  # only the days on which the visit has indeed lasted two hours so far
        trials += 1
        drive = 20 * 60 * math.exp(DRIVE_LOG_SD * rng.gauss(0, 1))
        held += later.holds(arrived + timedelta(seconds=visit + drive))
    assert held / TRIALS >= 0.8 - 4 * math.sqrt(0.16 / TRIALS)


def test_a_delay_reported_on_site_moves_the_next_window() -> None:
    """On site, the technician says the visit ends 90 minutes after its hour: the next window opens after
    that end plus the shortest likely drive, not where an hour-long visit would put it."""
    route = [Leg(15 * 60, LogNormal(3600, 0.3), 0, 0), Leg(20 * 60, LogNormal(3600, 0.3), 0, 0)]
    plan = _progressed(_planned(route), [StopProgress.ON_SITE, StopProgress.PENDING])
    told_end = plan[0].estimate.start + timedelta(minutes=150)
    delayed = [
        StopForecast(plan[0].estimate, plan[0].travel_s, plan[0].opens, plan[0].service, told_end),
        plan[1],
    ]
    before = arrival_windows(plan, confidence=0.8)[1]
    after = arrival_windows(delayed, confidence=0.8)[1]
    assert after.opens_at >= told_end + timedelta(minutes=10) and after.opens_at > before.opens_at
