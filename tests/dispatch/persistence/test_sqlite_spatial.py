"""The Python stand-ins for PostGIS functions on SQLite agree with geodesy and with PostGIS's rules."""

from __future__ import annotations

import pytest
from geopy.distance import geodesic

from dispatch.domain.geo import GeoPoint
from dispatch.persistence.sqlite_spatial import (
    geodesic_distance_m,
    region_covers_point,
    within_distance,
)
from dispatch.persistence.types import point_to_ewkt, polygon_to_ewkt
from tests.dispatch.persistence.sample_data import CHICAGO, DENVER

SQUARE = polygon_to_ewkt([GeoPoint(30, -100), GeoPoint(40, -100), GeoPoint(40, -90), GeoPoint(30, -90)])


def _p(lat: float, lon: float) -> str:
    return point_to_ewkt(GeoPoint(lat=lat, lon=lon))


def test_distance_is_geodesic_on_wgs84() -> None:
    """Chicago to Denver is the WGS 84 geodesic distance (about 1,481 km), not a spherical one."""
    expected = geodesic((CHICAGO.lat, CHICAGO.lon), (DENVER.lat, DENVER.lon)).meters
    assert geodesic_distance_m(point_to_ewkt(CHICAGO), point_to_ewkt(DENVER)) == pytest.approx(
        expected, abs=1e-6
    )
    assert round(expected / 1000) == 1481


def test_within_distance_decides_exactly_at_the_radius() -> None:
    """Half a metre either side of the exact distance flips the answer, although the sphere is 0.6 % off."""
    a, b = point_to_ewkt(CHICAGO), point_to_ewkt(DENVER)
    exact = geodesic_distance_m(a, b)
    assert exact is not None
    assert within_distance(a, b, exact + 0.5) == 1
    assert within_distance(a, b, exact - 0.5) == 0
    assert within_distance(a, b, 10_000_000) == 1
    assert within_distance(a, b, 1000) == 0


def test_nulls_give_null() -> None:
    """As in SQL, a missing geography gives NULL rather than an error."""
    assert geodesic_distance_m(None, _p(0, 0)) is None
    assert within_distance(_p(0, 0), None, 5.0) is None
    assert region_covers_point(SQUARE, None) is None


@pytest.mark.parametrize(
    ("lat", "lon", "inside"),
    [
        (35.0, -95.0, 1),  # centre
        (35.0, -100.0, 1),  # on the western meridian edge: the border counts, as in ST_Covers
        (30.0, -90.0, 1),  # a corner
        (29.9, -95.0, 0),  # just south
        (35.0, -89.9, 0),  # just east
        (-35.0, 85.0, 0),  # the other side of the globe
    ],
)
def test_region_covers_point(lat: float, lon: float, inside: int) -> None:
    """Points inside or on the border of a 10-degree square are covered; points outside are not."""
    assert region_covers_point(SQUARE, _p(lat, lon)) == inside


def test_region_edge_follows_the_great_circle() -> None:
    """Between two corners at 40 N, 10 degrees apart, the edge bulges north: 40.1 N mid-way is inside."""
    assert region_covers_point(SQUARE, _p(40.1, -95.0)) == 1
    assert region_covers_point(SQUARE, _p(40.1, -99.9)) == 0
