"""How long the default travel-time provider takes to build matrices, against geopy's geodesic.

    python bench/travel_matrix.py [--points 2000] [--repeat 5]

Prints CSV rows (provider, points, best seconds, median seconds) then the per-pair cost of geopy's
geodesic measured on a sample, scaled to the same matrix size, as the peer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geopy.distance import geodesic

from optimizer.problem import Location
from optimizer.travel import GeodesicTravelTimes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    points = [
        Location.at(float(a), float(o))
        for a, o in zip(rng.uniform(25, 49, args.points), rng.uniform(-124, -67, args.points), strict=True)
    ]
    runs = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        GeodesicTravelTimes().matrices(points)  # a fresh provider: no cache from the previous run
        runs.append(time.perf_counter() - began)
    print("provider,points,best_s,median_s")
    print(f"ours_numpy,{args.points},{min(runs):.3f},{statistics.median(runs):.3f}")
    sample = 2000
    began = time.perf_counter()
    for i in range(sample):
        a, b = points[i % len(points)], points[(i * 7 + 1) % len(points)]
        geodesic((a.lat, a.lon), (b.lat, b.lon))
    per_pair = (time.perf_counter() - began) / sample
    print(f"geopy_geodesic_estimated,{args.points},{per_pair * args.points**2:.1f},")


if __name__ == "__main__":
    main()
