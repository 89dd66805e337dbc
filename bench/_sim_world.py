"""What really happens on a simulated day, the same whatever the dispatching: the truth the policies face.

Every random fact is drawn from a generator keyed by the day's seed, the kind of fact and the job (or
technician) it concerns, so a job takes the same time, a customer is absent and a part is missing alike
under every policy (common random numbers: the policies are compared on the very same days).

- A visit lasts what the provider's history says such visits take: a draw from the duration learned for its
  category and technician (``dispatch.services.durations``, from the demo's months of completed visits),
  at the same percentile whoever does it; with nothing learned, its planned duration times a log-normal
  factor (median 1, ``DURATION_SPREAD``). One visit in ``LONG_TAIL_SHARE`` runs 1.5 to 2.5 times longer
  again: the fat right tail of field work that history seldom shows.
- A drive lasts the plan's travel time times a log-normal factor with a slight slow bias (traffic).
- A few customers are absent (the technician waits ``ABSENT_WAIT`` and leaves), a few visits find the part
  missing (diagnosed a third of the way in), a few visits are cancelled by the customer before they start.
- One working technician goes off sick at midday (local time) on each day.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import NormalDist
from zoneinfo import ZoneInfo

from data.arrivals import Arrival
from dispatch.domain.dataset import Dataset
from dispatch.services.durations import DurationModel

DURATION_SPREAD = 0.25
"""Log-sd of a visit's duration around the plan: half of all visits within -16% .. +18%."""
LONG_TAIL_SHARE = 0.07
TRAVEL_SPREAD = 0.15
TRAVEL_BIAS = 0.03
"""Drives take 3% longer than the plan's model at the median (traffic the geodesic model ignores)."""
ABSENT_SHARE = 0.03
MISSING_PART_SHARE = 0.03
CANCELLED_SHARE = 0.03
ABSENT_WAIT = timedelta(minutes=15)
MISSING_PART_AT = 0.33
SICK_AT = time(12, 0)


@dataclass(frozen=True, slots=True)
class Cancellation:
    at: datetime
    job_id: str


@dataclass(frozen=True, slots=True)
class Sickness:
    at: datetime
    technician_id: str


@dataclass(frozen=True, slots=True)
class World:
    """One simulated day's truth."""

    seed: int
    day: date
    arrivals: tuple[Arrival, ...]
    cancellations: tuple[Cancellation, ...]
    sickness: Sickness | None
    durations: DurationModel = field(default_factory=DurationModel)

    def _rng(self, kind: str, key: str) -> random.Random:
        return random.Random(f"simulated-day:{self.seed}:{kind}:{key}")

    def duration(self, job_id: str, category: str, technician_id: str, planned: timedelta) -> timedelta:
        rng = self._rng("duration", job_id)
        share = min(0.999, max(0.001, rng.random()))
        learned = self.durations.quantile(category, technician_id, share)
        if learned is None:
            learned = planned * math.exp(NormalDist(0.0, DURATION_SPREAD).inv_cdf(share))
        if rng.random() < LONG_TAIL_SHARE:
            learned *= rng.uniform(1.5, 2.5)
        return timedelta(seconds=round(learned.total_seconds()))

    def drive(self, technician_id: str, job_id: str, planned_s: float) -> timedelta:
        rng = self._rng("drive", f"{technician_id}:{job_id}")
        return timedelta(seconds=round(planned_s * math.exp(rng.gauss(TRAVEL_BIAS, TRAVEL_SPREAD))))

    def customer_absent(self, job_id: str) -> bool:
        return self._rng("absent", job_id).random() < ABSENT_SHARE

    def part_missing(self, job_id: str) -> bool:
        return self._rng("part", job_id).random() < MISSING_PART_SHARE


def make_world(
    seed: int,
    day: date,
    dataset: Dataset,
    arrivals: list[Arrival],
    planned: dict[str, tuple[str, datetime]],
    durations: DurationModel,
) -> World:
    """The day's events; ``planned`` (job -> technician and start in the morning plan) says which visits a
    customer may cancel, until when, and who has work to leave when off sick."""
    rng = random.Random(f"simulated-day:{seed}:events")
    cancellations = []
    for job_id in sorted(planned):
        if rng.random() < CANCELLED_SHARE:
            start = planned[job_id][1]
            lead = timedelta(minutes=rng.uniform(30, 240))
            cancellations.append(Cancellation(start - lead, job_id))
    return World(
        seed=seed,
        day=day,
        arrivals=tuple(arrivals),
        cancellations=tuple(sorted(cancellations, key=lambda c: c.at)),
        sickness=_sickness(rng, day, dataset, {technician for technician, _ in planned.values()}),
        durations=durations,
    )


def _sickness(rng: random.Random, day: date, dataset: Dataset, busy: set[str]) -> Sickness | None:
    """A technician with work that day and a shift running past midday goes off sick at midday."""
    candidates = []
    for technician in sorted(dataset.technicians, key=lambda t: t.id):
        shift = technician.calendar.shift_on(day)
        if technician.id not in busy or shift is None or not shift.start < SICK_AT < shift.end:
            continue
        candidates.append(technician)
    if not candidates:
        return None
    chosen = rng.choice(candidates)
    return Sickness(datetime.combine(day, SICK_AT, ZoneInfo(chosen.timezone)), chosen.id)
