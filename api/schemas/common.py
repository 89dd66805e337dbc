"""Shapes every resource shares: strict request models, pages, identifiers, problem documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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
