"""Travel-time and distance matrices between locations.

``TravelTimes`` is the interface; ``GeodesicTravelTimes`` is the default provider: the ellipsoidal distance
(Andoyer-Lambert on WGS 84, within a few tens of metres of a true geodesic; plain haversine is off by up to
0.5%) times a road-circuity factor, converted to time at speed bands: slow urban speed for the first
kilometres of a trip, faster arterial and highway speeds beyond. Everything is vectorised with numpy, so a
2,000-point matrix pair builds in a fraction of a second. Road-network providers can follow later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import numpy as np
import numpy.typing as npt

from optimizer.problem import IntMatrix, Location, Problem

WGS84_A_M = 6_378_137.0
WGS84_F = 1.0 / 298.257223563

FloatArray = npt.NDArray[np.float64]


class TravelTimes(Protocol):
    """Builds integer matrices (seconds, metres) between geographic locations, in the order given."""

    def matrices(self, locations: Sequence[Location]) -> tuple[IntMatrix, IntMatrix]: ...


def ellipsoidal_distance_m(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Andoyer-Lambert distance on the WGS 84 ellipsoid, in metres (arrays broadcast; degrees in)."""
    sb1, cb1 = _reduced_latitude(lat1)
    sb2, cb2 = _reduced_latitude(lat2)
    dlon = np.radians(lon2) - np.radians(lon1)
    h = (1.0 - sb1 * sb2 - cb1 * cb2 * np.cos(dlon)) / 2.0
    return _andoyer_lambert(h, (sb1 + sb2) / 2.0, (sb2 - sb1) / 2.0)


def apart_m(a: Location, b: Location) -> float | None:
    """The ellipsoidal distance between two places, in metres; ``None`` when one has no coordinates."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return float(ellipsoidal_distance_m(np.array(a.lat), np.array(a.lon), np.array(b.lat), np.array(b.lon)))


def pairwise_ellipsoidal_distance_m(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """All pairwise Andoyer-Lambert distances; trigonometry per point, outer products per pair."""
    sb, cb = _reduced_latitude(lat)
    lam = np.radians(lon)
    x, y = cb * np.cos(lam), cb * np.sin(lam)
    h = np.multiply.outer(sb, sb)
    h += np.multiply.outer(x, x)
    h += np.multiply.outer(y, y)
    np.subtract(1.0, h, out=h)
    h *= 0.5
    return _andoyer_lambert(h, np.add.outer(sb, sb) / 2.0, np.subtract.outer(sb, sb).T / 2.0)


def _reduced_latitude(lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    beta = np.arctan((1.0 - WGS84_F) * np.tan(np.radians(lat)))
    return np.sin(beta), np.cos(beta)


def _andoyer_lambert(h: FloatArray, sin_p_cos_q: FloatArray, cos_p_sin_q: FloatArray) -> FloatArray:
    """Distance from the haversine term ``h`` of the reduced latitudes and the mid/half-difference terms."""
    h = np.clip(h, 0.0, 1.0)
    sigma = 2.0 * np.arcsin(np.sqrt(h))
    sin_sigma = 2.0 * np.sqrt(h * (1.0 - h))
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (sigma - sin_sigma) * sin_p_cos_q**2 / (1.0 - h)
        y = (sigma + sin_sigma) * cos_p_sin_q**2 / h
        d = WGS84_A_M * (sigma - WGS84_F / 2.0 * (x + y))
    result: FloatArray = np.where(h > 1e-20, d, 0.0)
    return result


@dataclass(frozen=True, slots=True)
class SpeedBand:
    """Road kilometres up to ``up_to_m`` of a trip are driven at ``speed_kmh``."""

    up_to_m: float
    speed_kmh: float


DEFAULT_BANDS = (
    SpeedBand(5_000.0, 30.0),
    SpeedBand(30_000.0, 55.0),
    SpeedBand(float("inf"), 95.0),
)


@dataclass(frozen=True, slots=True)
class GeodesicTravelTimes:
    """Ellipsoidal distance x circuity, timed at speed bands; the first ``bands`` kilometres are slowest."""

    circuity: float = 1.3
    bands: tuple[SpeedBand, ...] = DEFAULT_BANDS
    _cache: dict[tuple[tuple[float, float], ...], tuple[IntMatrix, IntMatrix]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def road_distance_m(self, locations: Sequence[Location]) -> FloatArray:
        lat = np.array([_lat(loc) for loc in locations], dtype=np.float64)
        lon = np.array([_lon(loc) for loc in locations], dtype=np.float64)
        road_m = pairwise_ellipsoidal_distance_m(lat, lon)
        road_m *= self.circuity
        return road_m

    def drive_time_s(self, road_m: FloatArray) -> FloatArray:
        """Seconds to drive ``road_m`` metres, piecewise linear over the speed bands."""
        time_s = np.zeros_like(road_m)
        lower = 0.0
        for band in self.bands:
            in_band = np.minimum(road_m, band.up_to_m)
            in_band -= lower
            np.maximum(in_band, 0.0, out=in_band)
            in_band *= 3.6 / band.speed_kmh
            time_s += in_band
            lower = band.up_to_m
        return time_s

    def matrices(self, locations: Sequence[Location]) -> tuple[IntMatrix, IntMatrix]:
        key = tuple((_lat(loc), _lon(loc)) for loc in locations)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        road_m = self.road_distance_m(locations)
        times = np.ceil(self.drive_time_s(road_m)).astype(np.int64)
        dists = np.rint(road_m).astype(np.int64)
        times.setflags(write=False)
        dists.setflags(write=False)
        if len(self._cache) > 8:
            self._cache.clear()
        self._cache[key] = (times, dists)
        return times, dists


def _lat(loc: Location) -> float:
    if loc.lat is None:
        raise ValueError("a geographic travel-time provider needs lat/lon for every location")
    return loc.lat


def _lon(loc: Location) -> float:
    if loc.lon is None:
        raise ValueError("a geographic travel-time provider needs lat/lon for every location")
    return loc.lon


@dataclass(frozen=True, slots=True)
class LocationMatrices:
    """Matrices for a problem and, for each of its locations (``Problem.locations()`` order), its row."""

    travel_time_s: IntMatrix
    distance_m: IntMatrix
    rows: tuple[int, ...]


WHOLE_DAY_MAX_PLACES = 3_000
"""Distinct places above which a day without matrices of its own is never given whole-day matrices outside
the search (which splits it): they would take gigabytes for a national day, while checking or timing its
plan needs only the legs its routes drive."""


def whole_day_matrices_fit(problem: Problem) -> bool:
    """Whether the day's matrices may be built whole (``WHOLE_DAY_MAX_PLACES``): it carries its own, a place
    without coordinates needs them, or it has few enough distinct places."""
    distinct = {(loc.lat, loc.lon) for loc in problem.locations()}
    unplaced = any(lat is None or lon is None for lat, lon in distinct)
    return problem.has_matrices or unplaced or len(distinct) <= WHOLE_DAY_MAX_PLACES


def problem_matrices(problem: Problem, travel: TravelTimes | None = None) -> LocationMatrices:
    """The problem's own matrices if it carries them, else ones built by ``travel`` over distinct places."""
    locations = problem.locations()
    if problem.travel_time_s is not None and problem.distance_m is not None:
        rows = tuple(loc.index for loc in locations if loc.index is not None)
        return LocationMatrices(problem.travel_time_s, problem.distance_m, rows)
    distinct: dict[tuple[float, float], int] = {}
    for loc in locations:
        distinct.setdefault((_lat(loc), _lon(loc)), len(distinct))
    points = [Location.at(lat, lon) for lat, lon in distinct]
    provider = travel if travel is not None else default_travel_times()
    times, dists = provider.matrices(points)
    return LocationMatrices(times, dists, tuple(distinct[(_lat(loc), _lon(loc))] for loc in locations))


@lru_cache(maxsize=1)
def default_travel_times() -> GeodesicTravelTimes:
    """One shared default provider, so its small cache serves repeated solves of the same day."""
    return GeodesicTravelTimes()
