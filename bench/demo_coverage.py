"""How many demo jobs have a qualified technician nearby: the reach a dispatcher can work with.

    python bench/demo_coverage.py [--seed 7] [--day 2026-03-10] [--scale 1]

For each radius, prints the share of jobs with a technician within that distance of the site (geodesic,
home to site) who holds every required skill at the required level, counting everyone and then only those
on shift that day; then the same for specialist jobs (level 4 or more) alone. A job no qualified
technician can reach in a day is one the planner must leave unassigned, so these shares bound the plan.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.demo import DemoConfig, generate_demo
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import Job
from optimizer.travel import ellipsoidal_distance_m

RADII_KM = (50, 100, 120, 200)
SPECIALIST_LEVEL = 4


def nearest_qualified_km(dataset: Dataset, day: date, *, on_shift: bool) -> dict[str, float]:
    """For each job, the distance in km to the nearest qualified technician (infinity when none)."""
    technicians = [t for t in dataset.technicians if not on_shift or t.calendar.shift_on(day) is not None]
    lats = np.array([t.home.lat for t in technicians])
    lons = np.array([t.home.lon for t in technicians])
    sites = {s.id: s for s in dataset.sites}
    result: dict[str, float] = {}
    for job in dataset.jobs:
        mask = np.array(
            [all(t.skills.get(r.skill, 0) >= r.min_level for r in job.required_skills) for t in technicians],
            dtype=bool,
        )
        if not mask.any():
            result[job.id] = float("inf")
            continue
        site = sites[job.site_id]
        km = ellipsoidal_distance_m(np.full(1, site.location.lat), np.full(1, site.location.lon), lats, lons)
        result[job.id] = float(km[mask].min()) / 1000.0
    return result


def _is_specialist(job: Job) -> bool:
    return any(r.min_level >= SPECIALIST_LEVEL for r in job.required_skills)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--day", type=date.fromisoformat, default=date(2026, 3, 10))
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    dataset = generate_demo(DemoConfig(seed=args.seed, day=args.day, scale=args.scale))
    specialist = {j.id for j in dataset.jobs if _is_specialist(j)}
    print(
        f"seed {args.seed}, {args.day:%a %Y-%m-%d}, scale {args.scale:g}: {len(dataset.jobs)} jobs "
        f"({len(specialist)} specialist), {len(dataset.technicians)} technicians"
    )
    print(f"{'who':<25} {'jobs':>4}  " + "  ".join(f"<={r:>3} km" for r in RADII_KM))
    for on_shift in (False, True):
        nearest = nearest_qualified_km(dataset, args.day, on_shift=on_shift)
        for label, ids in (("all jobs", list(nearest)), ("specialist jobs", sorted(specialist))):
            who = f"{'on shift' if on_shift else 'anyone'}, {label}"
            shares = [sum(nearest[i] <= r for i in ids) / max(1, len(ids)) for r in RADII_KM]
            print(f"{who:<25} {len(ids):>4}  " + "  ".join(f"{s:>9.1%}" for s in shares))


if __name__ == "__main__":
    main()
