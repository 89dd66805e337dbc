"""Shapes every resource shares: strict request models, pages, problem documents.

The value types of ``api.schemas.values`` are re-exported here too, so routes import one module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from api.schemas.base import RequestModel
from api.schemas.values import (
    ClockText,
    Day,
    GeoPointIn,
    GeoPointOut,
    Instant,
    Name,
    Quantity,
    RecordId,
    Region,
    SearchText,
    ShortText,
    SkillLevel,
    StockChange,
    StockLine,
    Text,
    TimeZoneName,
    WeeklyHoursText,
    stock_lines,
)
from dispatch.domain.listings import Page as FoundPage

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "ClockText",
    "Day",
    "FieldProblem",
    "GeoPointIn",
    "GeoPointOut",
    "Instant",
    "Name",
    "Page",
    "Problem",
    "Quantity",
    "RecordId",
    "Region",
    "RequestModel",
    "SearchText",
    "ShortText",
    "SkillLevel",
    "StockChange",
    "StockLine",
    "Text",
    "TimeZoneName",
    "WeeklyHoursText",
    "page_out",
    "stock_lines",
]

T = TypeVar("T")
D = TypeVar("D")

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


class Page(BaseModel, Generic[T]):
    """One page of a listing ordered by id, with the number of items in the whole listing."""

    items: list[T]
    total: int = Field(description="Items matching the filters, over all pages.")
    limit: int
    offset: int


def page_out(found: FoundPage[D], shape: Callable[[D], T]) -> Page[T]:
    """A page found by a service, with each item shaped for the API."""
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
