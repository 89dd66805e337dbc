"""Shapes every resource shares: strict request models, pages, identifiers, problem documents."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Annotated, Generic, TypeVar
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from dispatch.domain.geo import GeoPoint
from dispatch.domain.weekly_hours import WeeklyHours
from dispatch.persistence.repositories.paging import Page as StoredPage

T = TypeVar("T")
D = TypeVar("D")

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50

RecordId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
]
"""An id chosen by the provider, such as ``CUST-0001``: letters, digits, ``.``, ``_``, ``-``."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=2000)]


class RequestModel(BaseModel):
    """A request body: unknown fields are refused so a typo is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


class Page(BaseModel, Generic[T]):
    """One page of a listing ordered by id, with the number of items in the whole listing."""

    items: list[T]
    total: int = Field(description="Items matching the filters, over all pages.")
    limit: int
    offset: int


def page_out(found: StoredPage[D], shape: Callable[[D], T]) -> Page[T]:
    """A stored page with each item shaped for the API."""
    return Page[T](
        items=[shape(item) for item in found.items], total=found.total, limit=found.limit, offset=found.offset
    )


class FieldProblem(BaseModel):
    field: str = Field(description="Where the problem is, e.g. body.location.lat or query.limit.")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document (``application/problem+json``)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] | None = None


def _known_time_zone(name: str) -> str:
    if name not in _time_zones():
        raise ValueError(f"{name!r} is not an IANA time zone such as 'America/Chicago'")
    return name


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _weekly_hours_text(text: str) -> str:
    return WeeklyHours.parse(text).describe()


TimeZoneName = Annotated[str, AfterValidator(_known_time_zone)]
"""An IANA time zone name, checked against the zone database."""

WeeklyHoursText = Annotated[
    str,
    StringConstraints(max_length=500),
    AfterValidator(_weekly_hours_text),
    Field(description="Weekly hours such as 'mon-fri 08:00-18:00; sat 09:00-13:00', '24x7' or 'closed'."),
]

Quantity = Annotated[int, Field(ge=0, le=1_000_000)]
SkillLevel = Annotated[int, Field(ge=1, le=5)]
ShortText = Annotated[str, StringConstraints(max_length=200)]


class GeoPointIn(RequestModel):
    """A WGS 84 position in degrees."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)

    def to_domain(self) -> GeoPoint:
        return GeoPoint(lat=self.lat, lon=self.lon)


class GeoPointOut(BaseModel):
    lat: float
    lon: float

    @classmethod
    def of(cls, point: GeoPoint) -> GeoPointOut:
        return cls(lat=point.lat, lon=point.lon)


class StockLine(BaseModel):
    """How many of one part a van or depot holds."""

    sku: str
    quantity: int


class StockChange(RequestModel):
    quantity: Quantity


def stock_lines(stock: dict[str, int]) -> list[StockLine]:
    return [StockLine(sku=sku, quantity=quantity) for sku, quantity in sorted(stock.items())]
