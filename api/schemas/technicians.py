"""Technicians (with their calendar, skills and van stock) and depots as the API shows and accepts them."""

from __future__ import annotations

from datetime import date, time, timedelta

from pydantic import BaseModel, Field

from api.schemas.common import (
    GeoPointIn,
    GeoPointOut,
    Name,
    Quantity,
    RecordId,
    RequestModel,
    ShortText,
    SkillLevel,
    StockLine,
    TimeZoneName,
    stock_lines,
)
from dispatch.domain.technicians import Depot, LunchBreak, Shift, Technician, WorkingCalendar


class LunchIn(RequestModel):
    earliest: time
    latest: time
    duration_min: int = Field(ge=1, le=240)


class ShiftIn(RequestModel):
    start: time
    end: time
    lunch: LunchIn | None = None

    def to_domain(self) -> Shift:
        lunch = self.lunch
        return Shift(
            start=self.start,
            end=self.end,
            lunch=None
            if lunch is None
            else LunchBreak(lunch.earliest, lunch.latest, timedelta(minutes=lunch.duration_min)),
        )


class ShiftException(RequestModel):
    day: date
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
    home_address: Name
    timezone: TimeZoneName
    region: ShortText
    skills: dict[RecordId, SkillLevel] = Field(description="Skill code to level 1..5.")
    calendar: CalendarIn
    van_stock: dict[RecordId, Quantity] = Field(default_factory=dict, description="SKU to quantity.")
    email: ShortText = ""
    phone: ShortText = ""

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
    earliest: time
    latest: time
    duration_min: int


class ShiftOut(BaseModel):
    start: time
    end: time
    lunch: LunchOut | None

    @classmethod
    def of(cls, shift: Shift | None) -> ShiftOut | None:
        if shift is None:
            return None
        lunch = shift.lunch
        return cls(
            start=shift.start,
            end=shift.end,
            lunch=None
            if lunch is None
            else LunchOut(
                earliest=lunch.earliest,
                latest=lunch.latest,
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
    address: Name
    location: GeoPointIn
    timezone: TimeZoneName
    stock: dict[RecordId, Quantity] = Field(default_factory=dict, description="SKU to quantity.")
    opening_hours_start: time = time(7, 0)
    opening_hours_end: time = time(19, 0)

    def to_domain(self, depot_id: str) -> Depot:
        return Depot(
            id=depot_id,
            name=self.name,
            address=self.address,
            location=self.location.to_domain(),
            timezone=self.timezone,
            stock=dict(self.stock),
            opening_hours_start=self.opening_hours_start,
            opening_hours_end=self.opening_hours_end,
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
    opening_hours_start: time
    opening_hours_end: time

    @classmethod
    def of(cls, depot: Depot) -> DepotOut:
        return cls(
            id=depot.id,
            name=depot.name,
            address=depot.address,
            location=GeoPointOut.of(depot.location),
            timezone=depot.timezone,
            stock=stock_lines(depot.stock),
            opening_hours_start=depot.opening_hours_start,
            opening_hours_end=depot.opening_hours_end,
        )
