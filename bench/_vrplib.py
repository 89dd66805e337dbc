"""VRPTW benchmark instances (Solomon, Gehring & Homberger) in VRPLIB format, and their best-known distances.

Every solver in the benchmark reads the same `Instance`, so the data they see differ only in the integer
scaling each one needs (see `scaled`), never in content.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
import vrplib

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _default_data_dir() -> Path:
    """../shared/data/solomon from the project root; a git worktree nested deeper finds it further up."""
    project_root = Path(__file__).resolve().parents[1]
    for folder in project_root.parents:
        candidate = folder / "shared" / "data" / "solomon"
        if candidate.is_dir():
            return candidate
    return project_root.parent / "shared" / "data" / "solomon"


#: Where the Solomon instances live: ../shared/data/solomon relative to the project root.
DEFAULT_DATA_DIR = _default_data_dir()

#: The best-known distance we compare against: the distance-only solutions re-evaluated with exact distances.
BKS_OBJECTIVE = "distance_only_euclid"


@dataclass(frozen=True, eq=False)
class Instance:
    """A VRPTW instance: node 0 is the depot, nodes 1..n the customers, as the .sol files number them."""

    name: str
    coords: FloatArray  # (n + 1, 2)
    demands: IntArray  # (n + 1,), depot 0
    ready: FloatArray  # earliest service start per node; the depot's is the fleet's earliest departure
    due: FloatArray  # latest service start per node; the depot's is the latest return
    service: FloatArray  # service duration per node, depot 0
    capacity: int
    max_vehicles: int

    @property
    def num_customers(self) -> int:
        return len(self.coords) - 1

    @property
    def group(self) -> str:
        """Summary class: C1, C2, R1, R2, RC1, RC2 for Solomon; the name without its number for Homberger."""
        match = re.fullmatch(r"(RC|R|C)(\d)\d\d", self.name.upper())
        if match:
            return match.group(1) + match.group(2)
        return self.name.upper().rsplit("_", 1)[0]

    @cached_property
    def distances(self) -> FloatArray:
        """Exact Euclidean distances in double precision: the one yardstick every solver is scored with."""
        diff = self.coords[:, None, :] - self.coords[None, :, :]
        return np.asarray(np.sqrt((diff**2).sum(axis=2)), dtype=np.float64)


def read_instance(path: Path) -> Instance:
    """Read a CVRPTW instance in VRPLIB format (depot = first node, one depot only)."""
    raw = vrplib.read_instance(str(path), compute_edge_weights=False)
    depots = np.atleast_1d(raw.get("depot", np.array([0])))
    if list(depots) != [0]:
        raise ValueError(f"{path}: expected exactly one depot, as the first node; got {list(depots)}")
    coords = np.asarray(raw["node_coord"], dtype=np.float64)
    size = len(coords)
    service_raw = raw.get("service_time", 0)
    service = np.broadcast_to(np.asarray(service_raw, dtype=np.float64), (size,)).copy()
    service[0] = 0.0
    windows = np.asarray(raw["time_window"], dtype=np.float64)
    return Instance(
        name=str(raw.get("name", path.stem)),
        coords=coords,
        demands=np.asarray(raw["demand"], dtype=np.int64),
        ready=windows[:, 0].copy(),
        due=windows[:, 1].copy(),
        service=service,
        capacity=int(raw["capacity"]),
        max_vehicles=int(raw.get("vehicles", size - 1)),
    )


def read_solution_routes(path: Path) -> list[list[int]]:
    """The routes of a .sol file: customer ids 1..n per route, depot not listed."""
    return [list(map(int, route)) for route in vrplib.read_solution(str(path))["routes"]]


def instance_names(data_dir: Path) -> list[str]:
    """Every instance in a folder, sorted by name."""
    return sorted(path.stem for path in data_dir.glob("*.vrp"))


def read_bks_csv(path: Path) -> dict[str, float]:
    """Best-known distances from a bks.csv (instance, vehicles, distance, source, objective)."""
    if not path.is_file():
        return {}
    with path.open(newline="") as handle:
        return {
            row["instance"]: float(row["distance"])
            for row in csv.DictReader(handle)
            if row["objective"] == BKS_OBJECTIVE
        }


@dataclass(frozen=True)
class ScaledData:
    """The integer data handed to every solver: distances and times times `scale`, all rounded safely.

    Travel (distance = time) rounds up and service rounds up, ready times round up and due times round down,
    so a plan feasible in these integers is feasible in exact arithmetic too.
    """

    scale: int
    travel: IntArray  # (n + 1, n + 1)
    ready: IntArray
    due: IntArray
    service: IntArray


def scaled(instance: Instance, scale: int = 1000) -> ScaledData:
    """Scale and round an instance's distances and times to integers, conservatively (see `ScaledData`)."""
    # Subtracting a hair before ceil keeps exact integers (e.g. a 3-4-5 triangle) from rounding one unit up
    # because of floating-point noise; the feasibility check on exact values stays the arbiter.
    travel = np.ceil(instance.distances * scale - 1e-9).astype(np.int64)
    np.fill_diagonal(travel, 0)
    return ScaledData(
        scale=scale,
        travel=travel,
        ready=np.ceil(instance.ready * scale - 1e-9).astype(np.int64),
        due=np.floor(instance.due * scale + 1e-9).astype(np.int64),
        service=np.ceil(instance.service * scale - 1e-9).astype(np.int64),
    )


def route_distance(instance: Instance, routes: list[list[int]]) -> float:
    """Total exact distance of routes that start and end at the depot."""
    total = 0.0
    for route in routes:
        if not route:
            continue
        path = [0, *route, 0]
        total += math.fsum(float(instance.distances[a, b]) for a, b in itertools.pairwise(path))
    return total


def best_known_tables(data_dir: Path) -> dict[str, float]:
    """Best-known distances from the data folder's bks.csv, falling back on the Solomon folder's table.

    The Solomon bks.csv also carries the Gehring & Homberger instances we keep, so `--data` pointing at the
    Homberger folder still finds them.
    """
    table = read_bks_csv(DEFAULT_DATA_DIR / "bks.csv")
    table.update(read_bks_csv(data_dir / "bks.csv"))
    return table


def best_known_distance(instance: Instance, data_dir: Path, table: dict[str, float]) -> float | None:
    """The instance's best-known distance: its table row, else its .sol routes re-evaluated exactly."""
    if instance.name in table:
        return table[instance.name]
    solution = data_dir / f"{instance.name}.sol"
    if solution.is_file():
        return route_distance(instance, read_solution_routes(solution))
    return None
