"""Customers and the sites where their systems run."""

from __future__ import annotations

from dataclasses import dataclass, field

from dispatch.domain.geo import GeoPoint
from dispatch.domain.weekly_hours import WeeklyHours


@dataclass(frozen=True, slots=True)
class Customer:
    """A business that buys support or maintenance from the provider."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Contact:
    """The person on site a technician calls or asks for."""

    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Site:
    """A customer location: where onsite jobs happen, in its own IANA time zone."""

    id: str
    customer_id: str
    name: str
    address: str
    city: str
    state: str
    postcode: str
    location: GeoPoint
    timezone: str
    region: str = ""
    access_hours: WeeklyHours = field(default_factory=WeeklyHours.always)
    access_notes: str = ""
    contact: Contact = field(default_factory=Contact)
