"""How long visits take, learned from the completed visits stored: per job category, and per technician
where they have done enough of that category.

A visit's time on site (its ``arrived`` report to its ``completed`` report) is fitted as a log-normal:
durations are positive and right-skewed (most visits take about as long as usual, a few take far
longer), and the logarithm of a log-normal is normal, so the median and spread are the mean and standard
deviation of the logs. ``DurationModel`` is a plain value: pure code (arrival windows, the day
simulator) uses it without a database; ``learn_durations`` builds it from storage.
"""

from __future__ import annotations

import math
import statistics
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy.orm import Session

from dispatch.domain.tickets import TicketKind, duration_category
from dispatch.persistence.repositories.visit_reports import completed_visits

MIN_CATEGORY_VISITS = 10
"""Completed visits a category needs before its own figures are used: fewer give a spread too unsure to
promise windows from (the standard error of a log-sd from n visits is about sd / sqrt(2n))."""
MIN_TECHNICIAN_VISITS = 20
"""Completed visits of a category a technician needs before their own figures replace the category's:
about a month of their usual work, so one long visit does not label a technician slow."""
HISTORY = timedelta(days=180)
"""How far back learning looks: long enough for every category to have history, recent enough to reflect
today's equipment and people."""
MIN_VISIT = timedelta(minutes=1)
"""Shorter times on site are taken as reports tapped by mistake, not visits."""


def job_category(category: str, kind: TicketKind | str) -> str:
    """The category a visit's duration is learned by (``duration_category``), from stored values too."""
    return duration_category(category, TicketKind(kind))


@dataclass(frozen=True, slots=True)
class LogNormal:
    """A log-normal duration: half the visits take less than ``median_s``; ``log_sd`` is the spread of
    the logarithm (0.3: 80% of visits within 0.68..1.47 times the median); fitted on ``visits`` visits.
    """

    median_s: float
    log_sd: float
    visits: int = 0

    def __post_init__(self) -> None:
        if self.median_s <= 0 or self.log_sd < 0:
            raise ValueError(f"a log-normal needs a positive median and a non-negative spread, not {self}")

    def quantile(self, q: float) -> float:
        """The duration in seconds that a share ``q`` of visits stay under."""
        if not 0 < q < 1:
            raise ValueError(f"a quantile is strictly between 0 and 1, not {q}")
        return self.median_s * math.exp(self.log_sd * statistics.NormalDist().inv_cdf(q))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` durations in seconds."""
        return self.median_s * np.exp(self.log_sd * rng.standard_normal(size))

    @classmethod
    def fit(cls, durations_s: Iterable[float]) -> LogNormal:
        """The log-normal with the mean and standard deviation of the logs of ``durations_s`` (2 or more)."""
        logs = [math.log(d) for d in durations_s]
        return cls(math.exp(statistics.fmean(logs)), statistics.stdev(logs), len(logs))


@dataclass(frozen=True, slots=True)
class CompletedVisit:
    """What learning needs of one visit."""

    category: str
    technician_id: str
    on_site_s: float


@dataclass(frozen=True, slots=True)
class DurationModel:
    """Learned durations by category (see ``job_category``) and by (category, technician)."""

    by_category: Mapping[str, LogNormal] = field(default_factory=dict)
    by_technician: Mapping[tuple[str, str], LogNormal] = field(default_factory=dict)

    def distribution(self, category: str, technician_id: str | None = None) -> LogNormal | None:
        """The technician's own figures where learned, else the category's; ``None``: nothing learned."""
        if technician_id is not None:
            own = self.by_technician.get((category, technician_id))
            if own is not None:
                return own
        return self.by_category.get(category)

    def quantile(self, category: str, technician_id: str | None, q: float) -> timedelta | None:
        """The duration a share ``q`` of such visits stay under; ``None`` when nothing is learned."""
        found = self.distribution(category, technician_id)
        return None if found is None else timedelta(seconds=found.quantile(q))


def fit_duration_model(visits: Iterable[CompletedVisit]) -> DurationModel:
    """Fit every category with ``MIN_CATEGORY_VISITS`` visits, and every technician's category with
    ``MIN_TECHNICIAN_VISITS``; visits shorter than ``MIN_VISIT`` are left out."""
    by_category: dict[str, list[float]] = {}
    by_technician: dict[tuple[str, str], list[float]] = {}
    floor = MIN_VISIT.total_seconds()
    for visit in visits:
        if visit.on_site_s < floor:
            continue
        by_category.setdefault(visit.category, []).append(visit.on_site_s)
        by_technician.setdefault((visit.category, visit.technician_id), []).append(visit.on_site_s)
    return DurationModel(
        by_category={
            key: LogNormal.fit(values)
            for key, values in sorted(by_category.items())
            if len(values) >= MIN_CATEGORY_VISITS
        },
        by_technician={
            key: LogNormal.fit(values)
            for key, values in sorted(by_technician.items())
            if len(values) >= MIN_TECHNICIAN_VISITS
        },
    )


def learn_durations(session: Session, now: datetime) -> DurationModel:
    """The model of the visits completed in the ``HISTORY`` before ``now``, from their reports."""
    return fit_duration_model(
        CompletedVisit(
            job_category(visit.category, visit.ticket_kind),
            visit.technician_id,
            (visit.completed_at - visit.arrived_at).total_seconds(),
        )
        for visit in completed_visits(session, since=now - HISTORY)
        if visit.completed_at <= now
    )


class LearnedDurations:
    """The model learned at most ``max_age_s`` ago, shared by every request of a process.

    History grows by a day's visits a day, so relearning hourly changes nothing a customer would notice
    and keeps a page from reading months of reports.
    """

    def __init__(self, *, max_age_s: float = 3600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age_s = max_age_s
        self._clock = clock
        self._lock = threading.Lock()
        self._learned: tuple[float, DurationModel] | None = None

    def current(self, session: Session, now: datetime) -> DurationModel:
        moment = self._clock()
        with self._lock:
            if self._learned is not None and moment - self._learned[0] < self.max_age_s:
                return self._learned[1]
        model = learn_durations(session, now)
        with self._lock:
            self._learned = (moment, model)
        return model
