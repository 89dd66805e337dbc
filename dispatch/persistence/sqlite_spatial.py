"""The few PostGIS functions our queries use, as Python functions on each SQLite connection.

No PyPI wheel ships SpatiaLite, so the embedded default computes geography in Python instead:
distances are geodesic on the WGS 84 ellipsoid (as PostGIS does by default for ``geography``) and
region edges are great-circle arcs (as PostGIS does for ``geography`` polygons). The repository SQL
is then the same on both back ends; only the KNN ``<->`` operator has no SQLite counterpart.
"""

from __future__ import annotations

import itertools
import math
import sqlite3
from functools import lru_cache
from typing import Any

from geopy.distance import geodesic

from dispatch.persistence.types import SRID, parse_ewkt_coordinates

_Vector = tuple[float, float, float]
_MEAN_EARTH_RADIUS_M = 6_371_008.8
_SPHERE_MARGIN = 0.01  # the sphere is within 0.6 % of the WGS 84 ellipsoid; keep a margin on top


def _normalise(text: str | None) -> str | None:
    """``ST_GeogFromText`` / ``ST_AsEWKT``: validate and keep the EWKT text as stored."""
    if text is None:
        return None
    kind, pairs = parse_ewkt_coordinates(text)
    for lon, lat in pairs:
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise ValueError(f"coordinate ({lon}, {lat}) is outside WGS 84 degrees")
    if kind == "POINT":
        lon, lat = pairs[0]
        return f"SRID={SRID};POINT({lon!r} {lat!r})"
    coordinates = ", ".join(f"{lon!r} {lat!r}" for lon, lat in pairs)
    return f"SRID={SRID};POLYGON(({coordinates}))"


def _as_stored(text: str | None) -> str | None:
    """``ST_AsEWKT``: the column already holds EWKT, written by ``ST_GeogFromText``."""
    return text


@lru_cache(maxsize=8192)
def _point(text: str) -> tuple[float, float]:
    kind, pairs = parse_ewkt_coordinates(text)
    if kind != "POINT":
        raise ValueError(f"expected a point, got {kind}")
    return pairs[0]


def geodesic_distance_m(a: str | None, b: str | None) -> float | None:
    """``ST_Distance(geography, geography)``: metres on the WGS 84 ellipsoid."""
    if a is None or b is None:
        return None
    lon_a, lat_a = _point(a)
    lon_b, lat_b = _point(b)
    return float(geodesic((lat_a, lon_a), (lat_b, lon_b)).meters)


def _sphere_distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance on the mean Earth sphere: within 0.6 % of the ellipsoid, and ten times cheaper."""
    (lon_a, lat_a), (lon_b, lat_b) = a, b
    phi_a, phi_b = math.radians(lat_a), math.radians(lat_b)
    half_dphi, half_dlambda = (phi_b - phi_a) / 2, math.radians(lon_b - lon_a) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(half_dlambda) ** 2
    return 2 * _MEAN_EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def within_distance(a: str | None, b: str | None, radius_m: float | None) -> int | None:
    """``ST_DWithin(geography, geography, metres)``, as SQLite's 0/1 boolean.

    The sphere settles clear cases; only points near the radius pay for the ellipsoidal distance.
    """
    if a is None or b is None or radius_m is None:
        return None
    rough = _sphere_distance_m(_point(a), _point(b))
    if rough > radius_m * (1 + _SPHERE_MARGIN) + 1.0:
        return 0
    if rough < radius_m * (1 - _SPHERE_MARGIN) - 1.0:
        return 1
    distance = geodesic_distance_m(a, b)
    return None if distance is None else int(distance <= radius_m)


def _unit_vector(lon: float, lat: float) -> _Vector:
    lon_r, lat_r = math.radians(lon), math.radians(lat)
    return (math.cos(lat_r) * math.cos(lon_r), math.cos(lat_r) * math.sin(lon_r), math.sin(lat_r))


def _dot(u: _Vector, v: _Vector) -> float:
    return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]


def region_covers_point(region: str | None, point: str | None) -> int | None:
    """``ST_Covers(geography polygon, geography point)`` with great-circle edges; the border counts.

    The polygon is seen through a gnomonic projection centred on the point, which maps great circles
    to straight lines, so a planar crossing test is exact. That needs every corner within 90 degrees of
    arc of the point, which holds for any region narrower than a quarter of the globe.
    """
    if region is None or point is None:
        return None
    kind, ring = parse_ewkt_coordinates(region)
    if kind != "POLYGON":
        raise ValueError(f"expected a polygon, got {kind}")
    p_lon, p_lat = _point(point)
    centre = _unit_vector(p_lon, p_lat)
    lon_r, lat_r = math.radians(p_lon), math.radians(p_lat)
    east = (-math.sin(lon_r), math.cos(lon_r), 0.0)
    north = (-math.sin(lat_r) * math.cos(lon_r), -math.sin(lat_r) * math.sin(lon_r), math.cos(lat_r))
    projected: list[tuple[float, float]] = []
    for lon, lat in ring:
        corner = _unit_vector(lon, lat)
        height = _dot(centre, corner)
        if height <= 0.0:
            return 0
        projected.append((_dot(east, corner) / height, _dot(north, corner) / height))
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(projected):
        if _origin_on_segment(x1, y1, x2, y2):
            return 1
        if (y1 > 0.0) != (y2 > 0.0) and x1 - y1 * (x2 - x1) / (y2 - y1) > 0.0:
            inside = not inside
    return int(inside)


def _origin_on_segment(x1: float, y1: float, x2: float, y2: float) -> bool:
    """Whether the projected point (the origin) lies on the edge, within a millimetre or so."""
    tolerance = 1e-10
    cross = x1 * y2 - x2 * y1
    if abs(cross) > tolerance * max(math.hypot(x2 - x1, y2 - y1), tolerance):
        return False
    return min(x1, x2) - tolerance <= 0.0 <= max(x1, x2) + tolerance and (
        min(y1, y2) - tolerance <= 0.0 <= max(y1, y2) + tolerance
    )


def register_spatial_functions(connection: sqlite3.Connection) -> None:
    """Make ``ST_GeogFromText``, ``ST_AsEWKT``, ``ST_Distance``, ``ST_DWithin`` and ``ST_Covers`` callable."""
    functions: list[tuple[str, int, Any]] = [
        ("ST_GeogFromText", 1, _normalise),
        ("ST_AsEWKT", 1, _as_stored),
        ("ST_Distance", 2, geodesic_distance_m),
        ("ST_DWithin", 3, within_distance),
        ("ST_Covers", 2, region_covers_point),
    ]
    for name, arity, function in functions:
        connection.create_function(name, arity, function, deterministic=True)
