"""Shapes every resource shares: strict request models, pages, problem documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from dispatch.persistence.repositories.paging import Page as StoredPage

T = TypeVar("T")
D = TypeVar("D")

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


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
