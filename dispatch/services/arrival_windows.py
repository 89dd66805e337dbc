"""Arrival windows a customer can rely on: the central interval holding the visit's start with the stated
probability (the setting ``window_confidence``, 80% by default: from the 10% to the 90% quantile).

Central, not the narrowest interval: a start is skewed late (a visit can overrun by an hour, hardly finish
an hour early), so the narrowest interval hugs the early side and leaves most of what it misses to
lateness. Once the window is promised (``dispatch.domain.promises``) the technician waits for it to open,
so an early arrival costs the customer nothing and only a late one breaks the promise: the central
interval leaves (1 - confidence) / 2 to lateness, for a window a few minutes wider.

Pure functions. A visit's start is uncertain by every visit and drive still to happen before it on the
technician's day: each remaining visit's time on site (the learned log-normal of its category and
technician) and each remaining drive (the plan's travel time with ``DRIVE_LOG_SD``). Their sum, with
waiting for a window's opening taken into account, has no closed form, so it is sampled (Monte Carlo,
``SAMPLES`` draws with a fixed seed: the same day and reports always give the same window). What has
happened is not sampled: a visit done ends when it was reported done, a technician on their way set off
when they said so. So a visit's window narrows as its turn approaches: once its technician is on the
way to it, only that drive is left.

The samples move around the point estimate of ``dispatch.services.eta`` (the plan moved by the reports),
exactly as it moves around the plan: a stop ending later pushes the next arrival back by as much, and a
start never comes before the stop may open.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from dispatch.services.durations import LogNormal
from dispatch.services.eta import StopEstimate, StopProgress

DRIVE_LOG_SD = 0.25
"""Spread of a drive around the plan's travel time, as the log-sd of a log-normal whose median is the
plan's time: 80% of drives between 0.73 and 1.38 times it. The plan's times are geodesic distances at a
typical road speed, with no traffic, parking or detours; a quarter is the error such estimates show
against driven times on urban legs of 10-40 minutes. It is an assumption, stated here once, until drives
are learned from "en route" to "arrived" reports as visits are."""
UNKNOWN_VISIT_LOG_SD = 0.35
"""Spread of a visit whose category has no learned history, around its planned duration: wider than the
learned trades (0.2-0.3 in the demo's history), since nothing is known of it."""
SAMPLES = 4000
"""Draws per route: the sampling error of an 80% window's coverage is then about 0.6 points."""
SEED = 12
WINDOW_STEP = timedelta(minutes=5)
"""Customers see windows on 5-minute marks, widened outward so that rounding never loses coverage."""
MIN_WIDTH = timedelta(minutes=10)
"""The narrowest window told: a promise finer than the minute a technician taps "arrived" means nothing."""


@dataclass(frozen=True, slots=True)
class StopForecast:
    """One stop of a route as the window needs it."""

    estimate: StopEstimate
    """The point estimate, which also says what has happened (``progress``)."""
    travel_s: int
    """The plan's drive to this stop."""
    opens: datetime
    """The earliest the stop may begin."""
    service: LogNormal | None
    """Time on site; ``None``: the planned time is taken as certain (a depot pickup)."""
    ends_not_before: datetime | None = None
    """For a visit under way: the end its technician's delay report implies, which it lasts at least to."""


@dataclass(frozen=True, slots=True)
class ArrivalWindow:
    sequence: int
    job_id: str | None
    opens_at: datetime
    closes_at: datetime

    def holds(self, moment: datetime) -> bool:
        return self.opens_at <= moment <= self.closes_at

    @property
    def width(self) -> timedelta:
        return self.closes_at - self.opens_at


def sample_starts(
    stops: Sequence[StopForecast],
    *,
    as_of: datetime | None = None,
    samples: int = SAMPLES,
    seed: int = SEED,
) -> tuple[datetime, np.ndarray]:
    """Sampled starts of every stop: (reference instant, array of seconds after it, stops x samples).

    ``as_of``: when the progress was last known. What had not happened by then happens after it: a
    visit under way lasts at least as long as it had, a stop not reached is reached later.
    """
    ordered = sorted(stops, key=lambda s: s.estimate.sequence)
    if not ordered:
        return datetime(1970, 1, 1, tzinfo=UTC), np.zeros((0, samples))
    reference = ordered[0].estimate.start
    rng = np.random.default_rng(seed)
    starts = np.zeros((len(ordered), samples))
    behind = np.zeros(samples)  # how much later than its point estimate the previous stop ends, per draw
    known = -math.inf if as_of is None else _seconds(as_of, reference)
    for row, stop in enumerate(ordered):
        estimate = stop.estimate
        # Drawn for every stop whatever its progress: one stop's report leaves the others' draws alone.
        drive_noise = rng.standard_normal(samples)
        visit_noise = rng.standard_normal(samples)
        point_start = _seconds(estimate.start, reference)
        point_end = _seconds(estimate.end, reference)
        if estimate.progress in (StopProgress.DONE, StopProgress.ON_SITE):
            start = np.full(samples, point_start)
        else:
            drive_late = stop.travel_s * (np.exp(DRIVE_LOG_SD * drive_noise) - 1.0)
            pushed = behind if estimate.progress is StopProgress.PENDING else 0.0
            arrival = np.maximum(_seconds(estimate.arrival, reference) + pushed + drive_late, known)
            start = np.maximum(arrival, _seconds(stop.opens, reference))
        if estimate.progress is StopProgress.DONE:
            end = np.full(samples, point_end)
        elif stop.service is None:
            end = np.maximum(start + (point_end - point_start), known)
        elif estimate.progress is StopProgress.ON_SITE and _lasted(stop, known, point_start, reference) > 0:
            end = start + _longer_than(
                stop.service, _lasted(stop, known, point_start, reference), visit_noise
            )
        else:
            end = start + stop.service.median_s * np.exp(stop.service.log_sd * visit_noise)
        starts[row] = start
        behind = end - point_end
    return reference, starts


def _lasted(stop: StopForecast, known: float, point_start: float, reference: datetime) -> float:
    """How long a visit under way lasts at least: as long as it has so far, and to the end its
    technician's delay report implies."""
    floor = known if stop.ends_not_before is None else max(known, _seconds(stop.ends_not_before, reference))
    return floor - point_start


def _longer_than(service: LogNormal, lasted_s: float, noise: np.ndarray) -> np.ndarray:
    """Durations drawn from ``service`` given that they exceed ``lasted_s`` (inverse CDF of the
    truncated log-normal, driven by the same standard normal ``noise``)."""
    normal = statistics.NormalDist()
    if service.log_sd == 0:
        return np.full(len(noise), max(service.median_s, lasted_s))
    floor = normal.cdf(math.log(lasted_s / service.median_s) / service.log_sd)
    ceiling = 1.0 - 1e-12
    shares = [min(ceiling, floor + (1.0 - floor) * normal.cdf(float(z))) for z in noise]
    return service.median_s * np.exp(service.log_sd * np.array([normal.inv_cdf(u) for u in shares]))


def central(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """The interval holding ``confidence`` of ``values`` with as much of the rest below it as above it:
    from the (1 - confidence) / 2 quantile to the (1 + confidence) / 2 quantile."""
    if not 0 < confidence < 1:
        raise ValueError(f"a confidence is strictly between 0 and 1, not {confidence}")
    tail = (1.0 - confidence) / 2
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return float(low), float(high)


def arrival_windows(
    stops: Sequence[StopForecast],
    *,
    confidence: float,
    as_of: datetime | None = None,
    samples: int = SAMPLES,
    seed: int = SEED,
) -> list[ArrivalWindow]:
    """For every stop, in route order, the central window its start falls in with ``confidence``,
    on ``WINDOW_STEP`` marks and at least ``MIN_WIDTH`` wide; ``as_of`` as in ``sample_starts``."""
    ordered = sorted(stops, key=lambda s: s.estimate.sequence)
    reference, starts = sample_starts(ordered, as_of=as_of, samples=samples, seed=seed)
    windows = []
    for stop, drawn in zip(ordered, starts, strict=True):
        low, high = central(drawn, confidence)
        opens_at, closes_at = customer_window(
            reference + timedelta(seconds=low), reference + timedelta(seconds=high)
        )
        windows.append(ArrivalWindow(stop.estimate.sequence, stop.estimate.job_id, opens_at, closes_at))
    return windows


def customer_window(low: datetime, high: datetime) -> tuple[datetime, datetime]:
    """``low``..``high`` widened to ``WINDOW_STEP`` marks, then evenly to ``MIN_WIDTH`` if narrower."""
    step_s = int(WINDOW_STEP.total_seconds())
    low_s = math.floor(low.timestamp() / step_s) * step_s
    high_s = math.ceil(high.timestamp() / step_s) * step_s
    short_steps = max(0, math.ceil((MIN_WIDTH.total_seconds() - (high_s - low_s)) / step_s))
    low_s -= (short_steps // 2) * step_s
    high_s += (short_steps - short_steps // 2) * step_s
    return (
        datetime.fromtimestamp(low_s, tz=UTC).astimezone(low.tzinfo),
        datetime.fromtimestamp(high_s, tz=UTC).astimezone(low.tzinfo),
    )


def _seconds(moment: datetime, reference: datetime) -> float:
    return (moment - reference).total_seconds()
