"""Repositories of depots and technicians, with their stock, skills and working calendars."""

from __future__ import annotations

import builtins
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.engine import RowMapping

from dispatch.domain.listings import DepotFilter, Page, TechnicianFilter
from dispatch.domain.technicians import Depot, LunchBreak, Shift, Technician, WorkingCalendar
from dispatch.persistence.models import (
    DepotRow,
    DepotStockRow,
    TechnicianRow,
    TechnicianShiftExceptionRow,
    TechnicianShiftRow,
    TechnicianSkillRow,
    VanStockRow,
    table_of,
)
from dispatch.persistence.repositories._base import Child, ChildRows, Repository, RowsByTable
from dispatch.persistence.repositories._conversions import (
    seconds_of_day,
    time_of_day,
    whole_seconds,
)
from dispatch.persistence.repositories.paging import contains

_DEPOT_STOCK = table_of(DepotStockRow)
_SKILLS = table_of(TechnicianSkillRow)
_SHIFTS = table_of(TechnicianShiftRow)
_EXCEPTIONS = table_of(TechnicianShiftExceptionRow)
_VAN_STOCK = table_of(VanStockRow)

_NO_SHIFT: dict[str, int | None] = {
    "start_s": None,
    "end_s": None,
    "lunch_earliest_s": None,
    "lunch_latest_s": None,
    "lunch_duration_s": None,
}


class DepotRepository(Repository[Depot]):
    table = table_of(DepotRow)
    key = "id"
    children = (Child(_DEPOT_STOCK, "depot_id", "sku"),)

    def key_of(self, item: Depot) -> str:
        return item.id

    def to_rows(self, item: Depot) -> RowsByTable:
        row = {
            "id": item.id,
            "name": item.name,
            "address": item.address,
            "location": item.location,
            "timezone": item.timezone,
            "opening_start_s": seconds_of_day(item.opening_hours_start),
            "opening_end_s": seconds_of_day(item.opening_hours_end),
        }
        stock = [{"depot_id": item.id, "sku": sku, "quantity": qty} for sku, qty in item.stock.items()]
        return {self.table: [row], _DEPOT_STOCK: stock}

    def from_rows(self, row: RowMapping, children: ChildRows) -> Depot:
        return Depot(
            id=row["id"],
            name=row["name"],
            address=row["address"],
            location=row["location"],
            timezone=row["timezone"],
            stock={stock["sku"]: stock["quantity"] for stock in children[_DEPOT_STOCK]},
            opening_hours_start=time_of_day(row["opening_start_s"]),
            opening_hours_end=time_of_day(row["opening_end_s"]),
        )

    def list(self, *, limit: int | None = None, offset: int = 0) -> builtins.list[Depot]:
        """Depots by id."""
        return self._select([], limit=limit, offset=offset)

    def find(self, filters: DepotFilter, *, limit: int, offset: int) -> Page[Depot]:
        """A page of the depots matching ``filters``, by id."""
        conditions = [contains(self.table.c.name, filters.name)] if filters.name else []
        return self._page(conditions, limit=limit, offset=offset)


def _shift_columns(shift: Shift) -> dict[str, int | None]:
    lunch = shift.lunch
    return {
        "start_s": seconds_of_day(shift.start),
        "end_s": seconds_of_day(shift.end),
        "lunch_earliest_s": None if lunch is None else seconds_of_day(lunch.earliest),
        "lunch_latest_s": None if lunch is None else seconds_of_day(lunch.latest),
        "lunch_duration_s": None if lunch is None else whole_seconds(lunch.duration),
    }


def _shift_from(row: RowMapping) -> Shift | None:
    if row["start_s"] is None:
        return None
    lunch = None
    if row["lunch_duration_s"] is not None:
        lunch = LunchBreak(
            earliest=time_of_day(row["lunch_earliest_s"]),
            latest=time_of_day(row["lunch_latest_s"]),
            duration=timedelta(seconds=row["lunch_duration_s"]),
        )
    return Shift(start=time_of_day(row["start_s"]), end=time_of_day(row["end_s"]), lunch=lunch)


class TechnicianRepository(Repository[Technician]):
    table = table_of(TechnicianRow)
    key = "id"
    children = (
        Child(_SKILLS, "technician_id", "skill_code"),
        Child(_SHIFTS, "technician_id", "weekday"),
        Child(_EXCEPTIONS, "technician_id", "day"),
        Child(_VAN_STOCK, "technician_id", "sku"),
    )

    def regions(self) -> list[str]:
        """The regions technicians work in, by name."""
        column = self.table.c.region
        return list(self.session.execute(select(column).distinct().order_by(column)).scalars())

    def key_of(self, item: Technician) -> str:
        return item.id

    def to_rows(self, item: Technician) -> RowsByTable:
        owner: dict[str, Any] = {"technician_id": item.id}
        row = {
            "id": item.id,
            "name": item.name,
            "home": item.home,
            "home_address": item.home_address,
            "timezone": item.timezone,
            "region": item.region,
            "email": item.email,
            "phone": item.phone,
        }
        calendar = item.calendar
        return {
            self.table: [row],
            _SKILLS: [{**owner, "skill_code": code, "level": level} for code, level in item.skills.items()],
            _SHIFTS: [
                {**owner, "weekday": weekday, **_shift_columns(shift)}
                for weekday, shift in enumerate(calendar.weekly)
                if shift is not None
            ],
            _EXCEPTIONS: [
                {**owner, "day": day, **(_NO_SHIFT if shift is None else _shift_columns(shift))}
                for day, shift in calendar.exceptions.items()
            ],
            _VAN_STOCK: [{**owner, "sku": sku, "quantity": qty} for sku, qty in item.van_stock.items()],
        }

    def from_rows(self, row: RowMapping, children: ChildRows) -> Technician:
        weekly: list[Shift | None] = [None] * 7
        for shift_row in children[_SHIFTS]:
            weekly[shift_row["weekday"]] = _shift_from(shift_row)
        exceptions = {exception["day"]: _shift_from(exception) for exception in children[_EXCEPTIONS]}
        return Technician(
            id=row["id"],
            name=row["name"],
            home=row["home"],
            home_address=row["home_address"],
            timezone=row["timezone"],
            region=row["region"],
            skills={skill["skill_code"]: skill["level"] for skill in children[_SKILLS]},
            calendar=WorkingCalendar(weekly=tuple(weekly), exceptions=exceptions),
            van_stock={stock["sku"]: stock["quantity"] for stock in children[_VAN_STOCK]},
            email=row["email"],
            phone=row["phone"],
        )

    def list(
        self,
        *,
        region: str | None = None,
        skill: str | None = None,
        min_level: int = 1,
        limit: int | None = None,
        offset: int = 0,
    ) -> builtins.list[Technician]:
        """Technicians by id, optionally of one region, or holding ``skill`` at ``min_level`` or above."""
        filters = TechnicianFilter(region=region, skill=skill, min_level=min_level)
        return self._select(self._matching(filters), limit=limit, offset=offset)

    def find(self, filters: TechnicianFilter, *, limit: int, offset: int) -> Page[Technician]:
        """A page of the technicians matching ``filters``, by id."""
        return self._page(self._matching(filters), limit=limit, offset=offset)

    def _matching(self, filters: TechnicianFilter) -> builtins.list[ColumnElement[bool]]:
        c = self.table.c
        conditions: builtins.list[ColumnElement[bool]] = []
        if filters.region is not None:
            conditions.append(c.region == filters.region)
        if filters.skill is not None:
            conditions.append(c.id.in_(holders_of(filters.skill, filters.min_level)))
        if filters.name:
            conditions.append(contains(c.name, filters.name))
        return conditions

    def holder_of_email(self, email: str, *, other_than: str | None = None) -> str | None:
        """The id of the technician whose login ``email`` is (any letter case), ignoring ``other_than``."""
        if not email:
            return None
        statement = select(self.table.c.id).where(func.lower(self.table.c.email) == email.lower())
        if other_than is not None:
            statement = statement.where(self.table.c.id != other_than)
        return self.session.scalar(statement.order_by(self.table.c.id).limit(1))


def holders_of(skill: str, min_level: int) -> Select[tuple[str]]:
    """A subquery of the ids of technicians holding ``skill`` at ``min_level`` or above."""
    return select(_SKILLS.c.technician_id).where(_SKILLS.c.skill_code == skill, _SKILLS.c.level >= min_level)
