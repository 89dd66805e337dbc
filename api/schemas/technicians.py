"""Technicians (with their calendar, skills and van stock) and depots as the API shows and accepts them."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, Field

from api.schemas.common import RequestModel
from api.schemas.values import (
    Address,
    ClockText,
    Day,
    GeoPointIn,
    GeoPointOut,
    Name,
    Phone,
    Quantity,
    RecordId,
    Region,
    ShortText,
    SkillLevel,
    StockLine,
    TimeZoneName,
    WholeNumber,
    clock_text,
    clock_time,
    stock_lines,
)
from dispatch.domain.technicians import Depot, LunchBreak, Shift, Technician, WorkingCalendar


class LunchIn(RequestModel):
    earliest: ClockText
    latest: ClockText
    duration_min: WholeNumber = Field(ge=1, le=240)


class ShiftIn(RequestModel):
    start: ClockText
    end: ClockText
    lunch: LunchIn | None = None

    def to_domain(self) -> Shift:
        lunch = self.lunch
        return Shift(
            start=clock_time(self.start),
            end=clock_time(self.end),
            lunch=None
            if lunch is None
            else LunchBreak(
                clock_time(lunch.earliest), clock_time(lunch.latest), timedelta(minutes=lunch.duration_min)
            ),
        )


class ShiftException(RequestModel):
    day: Day
    shift: ShiftIn | None = Field(description="The shift worked that day; null for a day off.")


class CalendarIn(RequestModel):
    weekly: list[ShiftIn | None] = Field(
        min_length=7, max_length=7, description="Monday first; null for a day off."
    )
    exceptions: list[ShiftException] = Field(default_factory=list, max_length=366)

    def to_domain(self) -> WorkingCalendar:
        return WorkingCalendar(
            weekly=tuple(None if shift is None else shift.to_domain() for shift in self.weekly),
            exceptions={e.day: None if e.shift is None else e.shift.to_domain() for e in self.exceptions},
        )


class TechnicianChange(RequestModel):
    name: Name
    home: GeoPointIn
    home_address: Address
    timezone: TimeZoneName
    region: Region
    skills: dict[RecordId, SkillLevel] = Field(description="Skill code to level 1..5.")
    calendar: CalendarIn
    van_stock: dict[RecordId, Quantity] = Field(default_factory=dict, description="SKU to quantity.")
    email: ShortText = ""
    phone: Phone = ""

    def to_domain(self, technician_id: str) -> Technician:
        return Technician(
            id=technician_id,
            name=self.name,
            home=self.home.to_domain(),
            home_address=self.home_address,
            timezone=self.timezone,
            region=self.region,
            skills=dict(self.skills),
            calendar=self.calendar.to_domain(),
            van_stock=dict(self.van_stock),
            email=self.email,
            phone=self.phone,
        )


class TechnicianIn(TechnicianChange):
    id: RecordId


class LunchOut(BaseModel):
    earliest: str
    latest: str
    duration_min: int


class ShiftOut(BaseModel):
    start: str
    end: str
    lunch: LunchOut | None

    @classmethod
    def of(cls, shift: Shift | None) -> ShiftOut | None:
        if shift is None:
            return None
        lunch = shift.lunch
        return cls(
            start=clock_text(shift.start),
            end=clock_text(shift.end),
            lunch=None
            if lunch is None
            else LunchOut(
                earliest=clock_text(lunch.earliest),
                latest=clock_text(lunch.latest),
                duration_min=int(lunch.duration.total_seconds() // 60),
            ),
        )


class ShiftExceptionOut(BaseModel):
    day: date
    shift: ShiftOut | None


class CalendarOut(BaseModel):
    weekly: list[ShiftOut | None]
    exceptions: list[ShiftExceptionOut]


class TechnicianOut(BaseModel):
    id: str
    name: str
    home: GeoPointOut
    home_address: str
    timezone: str
    region: str
    skills: dict[str, int]
    calendar: CalendarOut
    van_stock: list[StockLine]
    email: str
    phone: str

    @classmethod
    def of(cls, technician: Technician) -> TechnicianOut:
        calendar = technician.calendar
        return cls(
            id=technician.id,
            name=technician.name,
            home=GeoPointOut.of(technician.home),
            home_address=technician.home_address,
            timezone=technician.timezone,
            region=technician.region,
            skills=dict(sorted(technician.skills.items())),
            calendar=CalendarOut(
                weekly=[ShiftOut.of(shift) for shift in calendar.weekly],
                exceptions=[
                    ShiftExceptionOut(day=day, shift=ShiftOut.of(shift))
                    for day, shift in sorted(calendar.exceptions.items())
                ],
            ),
            van_stock=stock_lines(technician.van_stock),
            email=technician.email,
            phone=technician.phone,
        )


class DepotChange(RequestModel):
    name: Name
    address: Address
    location: GeoPointIn
    timezone: TimeZoneName
    stock: dict[RecordId, Quantity] = Field(default_factory=dict, description="SKU to quantity.")
    opening_hours_start: ClockText = "07:00"
    opening_hours_end: ClockText = "19:00"

    def to_domain(self, depot_id: str) -> Depot:
        return Depot(
            id=depot_id,
            name=self.name,
            address=self.address,
            location=self.location.to_domain(),
            timezone=self.timezone,
            stock=dict(self.stock),
            opening_hours_start=clock_time(self.opening_hours_start),
            opening_hours_end=clock_time(self.opening_hours_end),
        )


class DepotIn(DepotChange):
    id: RecordId


class DepotOut(BaseModel):
    id: str
    name: str
    address: str
    location: GeoPointOut
    timezone: str
    stock: list[StockLine]
    opening_hours_start: str
    opening_hours_end: str

    @classmethod
    def of(cls, depot: Depot) -> DepotOut:
        return cls(
            id=depot.id,
            name=depot.name,
            address=depot.address,
            location=GeoPointOut.of(depot.location),
            timezone=depot.timezone,
            stock=stock_lines(depot.stock),
            opening_hours_start=clock_text(depot.opening_hours_start),
            opening_hours_end=clock_text(depot.opening_hours_end),
        )
