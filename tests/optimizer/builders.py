"""Tiny hand-checkable problems on explicit matrices: points on a line, 10 minutes apart."""

from __future__ import annotations

import random
from collections.abc import Mapping

import numpy as np

from optimizer.problem import (
    CostWeights,
    Depot,
    Job,
    Location,
    LunchBreak,
    Problem,
    SolveParams,
    Technician,
    TimeWindow,
)

HOUR = 3_600
MINUTE = 60
DAY = TimeWindow(0, 24 * HOUR)
SHIFT = TimeWindow(8 * HOUR, 17 * HOUR)
LEG_S = 10 * MINUTE
"""Travel time between neighbouring points; point k is k legs from point 0 (home)."""


def line_matrices(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Points 0..n-1 on a line: travel |i-j| x 10 min, distance |i-j| x 10 km."""
    idx = np.arange(n)
    gap = np.abs(idx[:, None] - idx[None, :]).astype(np.int64)
    return gap * LEG_S, gap * 10_000


def tech(
    tech_id: str = "T1",
    at: int = 0,
    *,
    shift: TimeWindow = SHIFT,
    skills: Mapping[str, int] | None = None,
    stock: Mapping[str, int] | None = None,
    lunch: LunchBreak | None = None,
    **kwargs: object,
) -> Technician:
    return Technician(
        id=tech_id,
        start=Location.at_index(at),
        shift=shift,
        skills=dict(skills or {}),
        van_stock=dict(stock or {}),
        lunch=lunch,
        **kwargs,  # type: ignore[arg-type]
    )


def job(job_id: str, at: int, *, service_s: int = 30 * MINUTE, **kwargs: object) -> Job:
    return Job(id=job_id, location=Location.at_index(at), service_s=service_s, **kwargs)  # type: ignore[arg-type]


def window(start_h: float, end_h: float) -> TimeWindow:
    return TimeWindow(int(start_h * HOUR), int(end_h * HOUR))


def problem(
    techs: list[Technician],
    jobs: list[Job],
    *,
    points: int = 8,
    depots: list[Depot] | None = None,
    **kwargs: object,
) -> Problem:
    times, dists = line_matrices(points)
    return Problem(
        tuple(techs),
        tuple(jobs),
        DAY,
        depots=tuple(depots or ()),
        travel_time_s=times,
        distance_m=dists,
        **kwargs,  # type: ignore[arg-type]
    )


def params(**kwargs: object) -> SolveParams:
    """Deterministic, short: one worker, a solution limit and a small time cap."""
    defaults: dict[str, object] = {"time_limit_s": 0.6, "deterministic": True, "solution_limit": 50}
    defaults.update(kwargs)
    return SolveParams(**defaults)  # type: ignore[arg-type]


__all__ = ["CostWeights", "Depot", "LunchBreak", "TimeWindow"]


CITIES = ((40.0, -75.0), (41.0, -81.0), (39.5, -87.0))
"""Three cities some 500 km apart: a van of one cannot work a day in another."""


def three_cities(techs_each: int = 4, jobs_each: int = 14, seed: int = 3) -> Problem:
    """Technicians and jobs scattered around each city, one depot per city."""
    rng = random.Random(seed)
    techs, jobs, depots = [], [], []
    for c, (lat, lon) in enumerate(CITIES):
        techs += [
            Technician(f"T{c}-{k}", Location.at(lat + rng.random() / 4, lon + rng.random() / 4), SHIFT)
            for k in range(techs_each)
        ]
        jobs += [
            Job(
                f"J{c}-{k}",
                Location.at(lat + rng.random() / 3, lon + rng.random() / 3),
                2_700,
                priority=rng.randint(1, 4),
            )
            for k in range(jobs_each)
        ]
        depots.append(Depot(f"D{c}", Location.at(lat + 0.1, lon + 0.1), stock={"fan": 2}))
    return Problem(tuple(techs), tuple(jobs), TimeWindow(0, 24 * HOUR), depots=tuple(depots))
