"""Spatial questions answered in SQL: who is near a site, which sites lie in a region.

The same SQL runs on PostGIS and on the embedded SQLite default (where the ST_ functions are Python);
only the nearest-first ordering differs: the KNN operator ``<->`` on PostGIS walks the GiST index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, Float, Select, func, literal, select
from sqlalchemy.orm import Session

from dispatch.domain.customers import Site
from dispatch.domain.errors import DomainError
from dispatch.domain.geo import GeoPoint
from dispatch.domain.technicians import Technician
from dispatch.persistence.models import SiteRow, TechnicianRow, TechnicianSkillRow, table_of
from dispatch.persistence.repositories import SiteRepository, TechnicianRepository
from dispatch.persistence.types import GeoPointColumn, polygon_to_ewkt

_TECHNICIANS = table_of(TechnicianRow)
_SKILLS = table_of(TechnicianSkillRow)
_SITES = table_of(SiteRow)


def nearest_technicians_statement(
    point: GeoPoint, *, skill: str, min_level: int, radius_m: float, limit: int, dialect: str
) -> Select[tuple[str, float]]:
    """Ids and distances (metres) of technicians holding ``skill`` within ``radius_m``, nearest first."""
    target = literal(point, GeoPointColumn())
    home = _TECHNICIANS.c.home
    distance = func.ST_Distance(home, target, type_=Float)
    # On PostGIS, ST_DWithin and <-> both use the GiST index on the home location.
    nearest_first: Any = home.op("<->")(target) if dialect == "postgresql" else distance
    return (
        select(_TECHNICIANS.c.id, distance.label("distance_m"))
        .join(_SKILLS, _SKILLS.c.technician_id == _TECHNICIANS.c.id)
        .where(
            _SKILLS.c.skill_code == skill,
            _SKILLS.c.level >= min_level,
            func.ST_DWithin(home, target, radius_m, type_=Boolean),
        )
        .order_by(nearest_first, _TECHNICIANS.c.id)
        .limit(limit)
    )


def nearest_technicians(
    session: Session, point: GeoPoint, *, skill: str, min_level: int, radius_m: float, limit: int
) -> list[tuple[Technician, float]]:
    """Up to ``limit`` technicians with ``skill`` at ``min_level`` or more within ``radius_m`` of ``point``.

    Distances are geodesic metres on the WGS 84 ellipsoid, and the result is ordered by them.
    """
    if radius_m < 0 or limit < 0:
        raise DomainError("radius and limit must not be negative")
    statement = nearest_technicians_statement(
        point,
        skill=skill,
        min_level=min_level,
        radius_m=radius_m,
        limit=limit,
        dialect=session.get_bind().dialect.name,
    )
    found = [(row.id, float(row.distance_m)) for row in session.execute(statement)]
    # <-> ranks on the sphere, the distance is on the ellipsoid: sort by what is reported.
    found.sort(key=lambda pair: (pair[1], pair[0]))
    technicians = TechnicianRepository(session).get_many([technician_id for technician_id, _ in found])
    return [(technician, distance) for technician, (_, distance) in zip(technicians, found, strict=True)]


def sites_in_region(session: Session, polygon: Sequence[GeoPoint]) -> list[Site]:
    """Sites inside or on the border of the polygon with these corners (edges are great-circle arcs)."""
    region = func.ST_GeogFromText(polygon_to_ewkt(polygon))
    inside = func.ST_Covers(region, _SITES.c.location, type_=Boolean)
    site_ids = list(session.scalars(select(_SITES.c.id).where(inside).order_by(_SITES.c.id)))
    return SiteRepository(session).get_many(site_ids)
