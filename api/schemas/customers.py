"""Customers and their sites as the API shows and accepts them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import RequestModel
from api.schemas.values import (
    Address,
    City,
    GeoPointIn,
    GeoPointOut,
    Name,
    Phone,
    RecordId,
    Region,
    ShortText,
    Text,
    TimeZoneName,
    UsState,
    WeeklyHoursText,
    ZipCode,
)
from dispatch.domain.customers import Contact, Customer, Site
from dispatch.domain.weekly_hours import WeeklyHours


class CustomerChange(RequestModel):
    name: Name


class CustomerIn(CustomerChange):
    id: RecordId

    def to_domain(self) -> Customer:
        return Customer(id=self.id, name=self.name)


class CustomerOut(BaseModel):
    id: str
    name: str

    @classmethod
    def of(cls, customer: Customer) -> CustomerOut:
        return cls(id=customer.id, name=customer.name)


class ContactIn(RequestModel):
    name: ShortText = ""
    phone: Phone = ""
    email: ShortText = ""


class ContactOut(BaseModel):
    name: str
    phone: str
    email: str


class SiteChange(RequestModel):
    customer_id: RecordId
    name: Name
    address: Address
    city: City
    state: UsState
    postcode: ZipCode
    location: GeoPointIn
    timezone: TimeZoneName
    region: Region = ""
    access_hours: WeeklyHoursText = "24x7"
    access_notes: Text = ""
    contact: ContactIn = Field(default_factory=ContactIn)

    def to_domain(self, site_id: str) -> Site:
        return Site(
            id=site_id,
            customer_id=self.customer_id,
            name=self.name,
            address=self.address,
            city=self.city,
            state=self.state,
            postcode=self.postcode,
            location=self.location.to_domain(),
            timezone=self.timezone,
            region=self.region,
            access_hours=WeeklyHours.parse(self.access_hours),
            access_notes=self.access_notes,
            contact=Contact(name=self.contact.name, phone=self.contact.phone, email=self.contact.email),
        )


class SiteIn(SiteChange):
    id: RecordId


class SiteOut(BaseModel):
    id: str
    customer_id: str
    name: str
    address: str
    city: str
    state: str
    postcode: str
    location: GeoPointOut
    timezone: str
    region: str
    access_hours: str
    access_notes: str
    contact: ContactOut

    @classmethod
    def of(cls, site: Site) -> SiteOut:
        return cls(
            id=site.id,
            customer_id=site.customer_id,
            name=site.name,
            address=site.address,
            city=site.city,
            state=site.state,
            postcode=site.postcode,
            location=GeoPointOut.of(site.location),
            timezone=site.timezone,
            region=site.region,
            access_hours=site.access_hours.describe(),
            access_notes=site.access_notes,
            contact=ContactOut(name=site.contact.name, phone=site.contact.phone, email=site.contact.email),
        )
