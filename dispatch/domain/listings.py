"""Listings a dispatcher pages through: what each can be narrowed by, and one page of it.

A filter names only what may be asked for; the repository of its records turns it into a query, so
the page and its total always agree and no caller repeats the conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from dispatch.domain.contracts import Priority
from dispatch.domain.jobs import JobStatus
from dispatch.domain.tickets import TicketState

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One slice of a filtered, id-ordered listing, and how many items the whole listing holds."""

    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    name: str | None = None
    """Part of the name, any case."""


@dataclass(frozen=True, slots=True)
class SiteFilter:
    customer_id: str | None = None
    region: str | None = None
    state: str | None = None
    city: str | None = None
    """Part of the city, any case."""


@dataclass(frozen=True, slots=True)
class ContractFilter:
    customer_id: str | None = None
    tier: str | None = None
    active_on: date | None = None
    """In force on this day."""


@dataclass(frozen=True, slots=True)
class TicketFilter:
    site_id: str | None = None
    customer_id: str | None = None
    """Only tickets at this customer's sites."""
    contract_id: str | None = None
    state: TicketState | None = None
    priority: Priority | None = None
    opened_from: datetime | None = None
    """Opened at or after."""
    opened_before: datetime | None = None
    """Opened before."""


@dataclass(frozen=True, slots=True)
class JobFilter:
    ticket_id: str | None = None
    site_id: str | None = None
    status: JobStatus | None = None
    priority: Priority | None = None
    pinned_technician_id: str | None = None


@dataclass(frozen=True, slots=True)
class TechnicianFilter:
    region: str | None = None
    skill: str | None = None
    min_level: int = 1
    """With ``skill``: held at this level or above."""
    name: str | None = None
    """Part of the name, any case."""


@dataclass(frozen=True, slots=True)
class DepotFilter:
    name: str | None = None
    """Part of the name, any case."""


@dataclass(frozen=True, slots=True)
class PartFilter:
    category: str | None = None
    name: str | None = None
    """Part of the name, any case."""
