"""Column types that behave the same on PostGIS and on the embedded SQLite default.

A location is a ``geography(POINT, 4326)`` on PostgreSQL and EWKT text on SQLite; instants are
``TIMESTAMPTZ`` on PostgreSQL and naive UTC on SQLite. Both always come back as domain values:
a ``GeoPoint`` and an aware UTC ``datetime``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from geoalchemy2 import Geography
from sqlalchemy import DateTime, Text, func
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.types import TypeDecorator, TypeEngine

from dispatch.domain.errors import DomainError
from dispatch.domain.geo import GeoPoint

SRID = 4326
_SRID_PREFIX = f"SRID={SRID};"


def point_to_ewkt(point: GeoPoint) -> str:
    """``SRID=4326;POINT(lon lat)``: longitude first, as WKT wants; ``repr`` keeps every bit of the float."""
    return f"{_SRID_PREFIX}POINT({point.lon!r} {point.lat!r})"


def polygon_to_ewkt(corners: Sequence[GeoPoint]) -> str:
    """A closed polygon ring from its corners (the first corner is repeated at the end if needed)."""
    ring = list(corners)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    if len(set(ring)) < 3:
        raise DomainError("a region needs at least 3 distinct corners")
    ring.append(ring[0])
    coordinates = ", ".join(f"{p.lon!r} {p.lat!r}" for p in ring)
    return f"{_SRID_PREFIX}POLYGON(({coordinates}))"


def parse_ewkt_coordinates(text: str) -> tuple[str, list[tuple[float, float]]]:
    """The geometry kind (``POINT``, ``POLYGON``) and its (lon, lat) pairs, outer ring only.

    Only the two kinds this application stores or queries are understood.
    """
    body = text.strip()
    if body.upper().startswith("SRID="):
        srid, _, body = body.partition(";")
        if srid.strip().upper() != f"SRID={SRID}":
            raise ValueError(f"unsupported spatial reference {srid!r}; only {SRID} is used")
    kind, _, rest = body.partition("(")
    kind = kind.strip().upper()
    if kind not in ("POINT", "POLYGON"):
        raise ValueError(f"unsupported geometry {kind!r}")
    inner = rest.strip().strip("()")
    if kind == "POLYGON":
        inner = inner.split(")")[0]
    pairs = []
    for pair in inner.split(","):
        lon, lat = pair.split()
        pairs.append((float(lon), float(lat)))
    return kind, pairs


def ewkt_to_point(text: str) -> GeoPoint:
    """The ``GeoPoint`` of a ``POINT`` in EWKT or WKT."""
    kind, pairs = parse_ewkt_coordinates(text)
    if kind != "POINT" or len(pairs) != 1:
        raise ValueError(f"expected a point, got {text!r}")
    lon, lat = pairs[0]
    return GeoPoint(lat=lat, lon=lon)


class GeoPointColumn(TypeDecorator[GeoPoint]):
    """A WGS 84 point: PostGIS ``geography(POINT, 4326)``, or EWKT text on SQLite.

    Values go in through ``ST_GeogFromText`` and come out through ``ST_AsEWKT`` on both back ends;
    on SQLite those two are plain Python functions registered on each connection.
    """

    impl = Text
    cache_ok = True
    # Read by GeoAlchemy2's table events: the GiST index is declared on the table instead.
    spatial_index = False

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            # The GiST index is declared with the table, so migrations create it like any other index.
            return dialect.type_descriptor(Geography(geometry_type="POINT", srid=SRID, spatial_index=False))
        return dialect.type_descriptor(Text())

    def bind_expression(self, bindvalue: BindParameter[GeoPoint]) -> ColumnElement[Any]:
        return func.ST_GeogFromText(bindvalue)

    def column_expression(self, column: ColumnElement[GeoPoint]) -> ColumnElement[GeoPoint]:
        return func.ST_AsEWKT(column, type_=self)

    def process_bind_param(self, value: GeoPoint | None, dialect: Dialect) -> str | None:
        return None if value is None else point_to_ewkt(value)

    def process_literal_param(self, value: GeoPoint | None, dialect: Dialect) -> str:
        return "NULL" if value is None else f"'{point_to_ewkt(value)}'"

    def process_result_value(self, value: Any, dialect: Dialect) -> GeoPoint | None:
        return None if value is None else ewkt_to_point(str(value))


class UtcDateTime(TypeDecorator[datetime]):
    """An instant: ``TIMESTAMPTZ`` on PostgreSQL, naive UTC on SQLite; always read back aware in UTC.

    Naive datetimes are refused: an instant without a zone is ambiguous across the four US time zones.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise DomainError(f"the instant {value.isoformat()} carries no time zone")
        in_utc = value.astimezone(UTC)
        return in_utc.replace(tzinfo=None) if dialect.name == "sqlite" else in_utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
