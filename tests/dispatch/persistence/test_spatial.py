"""Spatial queries with answers known from real US city coordinates, on both back ends."""

from __future__ import annotations

import dataclasses

import pytest
from geopy.distance import geodesic
from sqlalchemy import text
from sqlalchemy.orm import Session

from dispatch.domain.errors import DomainError
from dispatch.domain.geo import GeoPoint
from dispatch.domain.technicians import Technician
from dispatch.persistence.dataset_store import save_dataset
from dispatch.persistence.spatial import nearest_technicians, nearest_technicians_statement, sites_in_region
from tests.dispatch.persistence.sample_data import CHICAGO, small_dataset

# Lower 48 corners, with the northern edge along the 49th parallel only at its ends (see the test).
ALONG_49TH_PARALLEL = [
    GeoPoint(lat=25.0, lon=-124.0),
    GeoPoint(lat=49.0, lon=-124.0),
    GeoPoint(lat=49.0, lon=-67.0),
    GeoPoint(lat=25.0, lon=-67.0),
]


def _km_from_chicago(point: GeoPoint) -> float:
    return float(geodesic((CHICAGO.lat, CHICAGO.lon), (point.lat, point.lon)).km)


@pytest.fixture
def stored(session: Session) -> Session:
    """The session with the small data set stored."""
    save_dataset(session, small_dataset())
    return session


def test_nearest_network_technicians_within_400_km_of_chicago(stored: Session) -> None:
    """Network 3+ within 400 km: Milwaukee, Indianapolis, Detroit in that order; St. Louis is level 2."""
    found = nearest_technicians(stored, CHICAGO, skill="network", min_level=3, radius_m=400_000, limit=10)
    assert [technician.id for technician, _ in found] == ["T-MKE", "T-IND", "T-DET"]
    for technician, distance_m in found:
        assert distance_m == pytest.approx(_km_from_chicago(technician.home) * 1000, abs=1.0)
    assert [round(distance_m / 1000) for _, distance_m in found] == [131, 265, 382]


def _ids_near_chicago(
    session: Session, skill: str, min_level: int, radius_km: int, limit: int = 10
) -> list[str]:
    found = nearest_technicians(
        session, CHICAGO, skill=skill, min_level=min_level, radius_m=radius_km * 1000, limit=limit
    )
    return [technician.id for technician, _ in found]


def test_radius_level_skill_and_limit_each_narrow_the_answer(stored: Session) -> None:
    """Radius, level, skill and limit each keep exactly the technicians expected from the map."""
    assert _ids_near_chicago(stored, "network", 3, radius_km=200) == ["T-MKE"]
    assert _ids_near_chicago(stored, "network", 5, radius_km=2000) == ["T-DET", "T-DEN"]
    assert _ids_near_chicago(stored, "network", 1, radius_km=500) == ["T-MKE", "T-IND", "T-DET", "T-STL"]
    assert _ids_near_chicago(stored, "pos", 1, radius_km=500) == ["T-CHI", "T-DET"]
    assert _ids_near_chicago(stored, "network", 1, radius_km=500, limit=2) == ["T-MKE", "T-IND"]
    assert _ids_near_chicago(stored, "cobol", 1, radius_km=5000) == []


def test_nearest_technicians_are_full_domain_objects(stored: Session) -> None:
    """The technicians returned carry their skills, calendar and van stock, equal to what was stored."""
    expected = {t.id: t for t in small_dataset().technicians}
    found = nearest_technicians(stored, CHICAGO, skill="pos", min_level=1, radius_m=10_000, limit=1)
    assert [technician for technician, _ in found] == [expected["T-CHI"]]
    assert found[0][1] == pytest.approx(_km_from_chicago(expected["T-CHI"].home) * 1000, abs=1.0)


def test_negative_radius_is_refused(stored: Session) -> None:
    """A negative radius is a caller's mistake and raises a domain error."""
    with pytest.raises(DomainError):
        nearest_technicians(stored, CHICAGO, skill="pos", min_level=1, radius_m=-1, limit=1)


def test_sites_in_region(stored: Session) -> None:
    """A Midwest box holds Chicago only; a box over Texas and Colorado holds Dallas and Denver."""
    midwest = [GeoPoint(37, -92), GeoPoint(44, -92), GeoPoint(44, -82), GeoPoint(37, -82)]
    assert [site.id for site in sites_in_region(stored, midwest)] == ["S-CHI"]
    plains = [
        GeoPoint(30, -110),
        GeoPoint(42, -110),
        GeoPoint(42, -94),
        GeoPoint(30, -94),
        GeoPoint(30, -110),
    ]
    assert [site.id for site in sites_in_region(stored, plains)] == ["S-DAL", "S-DEN"]
    ocean = [GeoPoint(30, -60), GeoPoint(35, -60), GeoPoint(35, -50)]
    assert sites_in_region(stored, ocean) == []


def test_region_edges_are_great_circles(stored: Session) -> None:
    """Winnipeg (49.9 N) is inside: the edge between two 49 N corners arcs north to about 52.6 N."""
    ids = [site.id for site in sites_in_region(stored, ALONG_49TH_PARALLEL)]
    assert ids == ["S-CHI", "S-DAL", "S-DEN", "S-NYC", "S-WPG"]


def test_region_needs_three_corners(stored: Session) -> None:
    """Two distinct corners do not make a region."""
    with pytest.raises(DomainError):
        sites_in_region(stored, [CHICAGO, GeoPoint(40, -80), CHICAGO])


def _technicians_across_the_country(count: int) -> list[Technician]:
    """``count`` network technicians on a grid over the lower 48, so the planner sees a realistic table."""
    template = small_dataset().technicians[1]
    columns = 20
    return [
        dataclasses.replace(
            template,
            id=f"T-GRID-{i:04d}",
            home=GeoPoint(
                lat=26.0 + 22.0 * (i // columns) / (count // columns),
                lon=-123.0 + 53.0 * (i % columns) / columns,
            ),
        )
        for i in range(count)
    ]


@pytest.mark.postgis
def test_radius_query_uses_the_gist_index(session: Session) -> None:
    """On PostGIS with 400 technicians, EXPLAIN of the nearest-technicians query uses ix_technicians_home."""
    data = small_dataset()
    data.technicians += _technicians_across_the_country(400)
    save_dataset(session, data)
    session.execute(text("ANALYZE"))
    statement = nearest_technicians_statement(
        CHICAGO, skill="network", min_level=3, radius_m=400_000, limit=10, dialect="postgresql"
    )
    sql = statement.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    plan = "\n".join(session.scalars(text(f"EXPLAIN {sql}")))
    assert "ix_technicians_home" in plan, plan
