"""Reading VRPTW instances, conservative integer scaling and best-known distances."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bench._vrplib import (
    Instance,
    best_known_distance,
    best_known_tables,
    read_instance,
    route_distance,
    scaled,
)
from tests.bench.conftest import DATA, SOLOMON


def test_reads_depot_first_with_no_service(tiny: Instance) -> None:
    """The depot is node 0 with no service time; customers keep the file's uniform service time."""
    assert tiny.num_customers == 3
    assert list(tiny.service) == [0.0, 1.0, 1.0, 1.0]
    assert (tiny.capacity, tiny.max_vehicles) == (10, 2)
    assert list(tiny.due) == [20.0, 10.0, 9.0, 15.0]


def test_distances_are_exact_euclidean(tiny: Instance) -> None:
    """Depot to customer 2 is the 3-4-5 hypotenuse."""
    assert tiny.distances[0, 2] == 5.0
    assert tiny.distances[1, 3] == 5.0
    assert route_distance(tiny, [[1, 2], [3]]) == 20.0


def test_scaling_never_shortens_travel_or_widens_windows(tiny: Instance) -> None:
    """Travel and service round up, ready times up, due times down: integer-feasible implies feasible."""
    odd = replace(
        tiny,
        coords=tiny.coords + np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.0], [0.0, 0.0]]),
        ready=tiny.ready + 0.0004,
        due=tiny.due + 0.0004,
    )
    data = scaled(odd, 1000)
    assert (data.travel >= odd.distances * 1000).all()
    assert (data.ready >= odd.ready * 1000).all()
    assert (data.due <= odd.due * 1000).all()
    assert data.travel[0, 2] == 5000  # exact integers stay exact
    assert data.travel[0, 1] == 3100


def test_group_names_follow_the_instance_classes() -> None:
    """Solomon names map to their class; Homberger names drop the instance number."""
    names = {"C101": "C1", "C208": "C2", "R112": "R1", "RC205": "RC2", "R1_10_1": "R1_10", "C1_2_1": "C1_2"}
    for name, group in names.items():
        instance = Instance(
            name=name,
            coords=np.zeros((1, 2)),
            demands=np.zeros(1, dtype=np.int64),
            ready=np.zeros(1),
            due=np.zeros(1),
            service=np.zeros(1),
            capacity=1,
            max_vehicles=1,
        )
        assert instance.group == group


def test_best_known_falls_back_on_the_solution_file(tiny: Instance) -> None:
    """Without a table row, the .sol routes are re-evaluated with exact distances (not its Cost line)."""
    assert best_known_distance(tiny, DATA, {}) == 20.0
    assert best_known_distance(tiny, DATA, {"TINY1": 19.5}) == 19.5


def test_solomon_table_matches_the_solution_files() -> None:
    """bks.csv's distance_only_euclid row for C101 equals its .sol routes summed exactly."""
    table = best_known_tables(SOLOMON)
    c101 = read_instance(SOLOMON / "C101.vrp")
    from_routes = best_known_distance(c101, SOLOMON, {})
    assert from_routes is not None and abs(table["C101"] - from_routes) < 1e-3
    assert "R1_10_1" in table  # the Homberger instances we keep are in the same table
