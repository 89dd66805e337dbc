"""Repositories of customers and their sites."""

from __future__ import annotations

import builtins

from sqlalchemy import ColumnElement
from sqlalchemy.engine import RowMapping

from dispatch.domain.customers import Contact, Customer, Site
from dispatch.persistence.models import CustomerRow, SiteAccessHoursRow, SiteRow, table_of
from dispatch.persistence.repositories._base import Child, ChildRows, Repository, RowsByTable
from dispatch.persistence.repositories._conversions import weekly_hours_from_rows, weekly_hours_rows

_ACCESS_HOURS = table_of(SiteAccessHoursRow)


class CustomerRepository(Repository[Customer]):
    table = table_of(CustomerRow)
    key = "id"

    def key_of(self, item: Customer) -> str:
        return item.id

    def to_rows(self, item: Customer) -> RowsByTable:
        return {self.table: [{"id": item.id, "name": item.name}]}

    def from_rows(self, row: RowMapping, children: ChildRows) -> Customer:
        return Customer(id=row["id"], name=row["name"])

    def list(self, *, limit: int | None = None, offset: int = 0) -> builtins.list[Customer]:
        """Customers by id."""
        return self._select([], limit=limit, offset=offset)


class SiteRepository(Repository[Site]):
    table = table_of(SiteRow)
    key = "id"
    children = (Child(_ACCESS_HOURS, "site_id", "weekday", "position"),)

    def key_of(self, item: Site) -> str:
        return item.id

    def to_rows(self, item: Site) -> RowsByTable:
        row = {
            "id": item.id,
            "customer_id": item.customer_id,
            "name": item.name,
            "address": item.address,
            "city": item.city,
            "state": item.state,
            "postcode": item.postcode,
            "location": item.location,
            "timezone": item.timezone,
            "region": item.region,
            "access_notes": item.access_notes,
            "contact_name": item.contact.name,
            "contact_phone": item.contact.phone,
            "contact_email": item.contact.email,
        }
        return {self.table: [row], _ACCESS_HOURS: weekly_hours_rows(item.access_hours, site_id=item.id)}

    def from_rows(self, row: RowMapping, children: ChildRows) -> Site:
        return Site(
            id=row["id"],
            customer_id=row["customer_id"],
            name=row["name"],
            address=row["address"],
            city=row["city"],
            state=row["state"],
            postcode=row["postcode"],
            location=row["location"],
            timezone=row["timezone"],
            region=row["region"],
            access_hours=weekly_hours_from_rows(children[_ACCESS_HOURS]),
            access_notes=row["access_notes"],
            contact=Contact(name=row["contact_name"], phone=row["contact_phone"], email=row["contact_email"]),
        )

    def list(
        self,
        *,
        customer_id: str | None = None,
        region: str | None = None,
        state: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> builtins.list[Site]:
        """Sites by id, optionally of one customer, dispatch region or US state."""
        conditions: builtins.list[ColumnElement[bool]] = []
        if customer_id is not None:
            conditions.append(self.table.c.customer_id == customer_id)
        if region is not None:
            conditions.append(self.table.c.region == region)
        if state is not None:
            conditions.append(self.table.c.state == state)
        return self._select(conditions, limit=limit, offset=offset)
