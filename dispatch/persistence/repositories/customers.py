"""Repositories of customers and their sites."""

from __future__ import annotations

import builtins

from sqlalchemy import ColumnElement
from sqlalchemy.engine import RowMapping

from dispatch.domain.customers import Contact, Customer, Site
from dispatch.domain.listings import CustomerFilter, Page, SiteFilter
from dispatch.persistence.models import CustomerRow, SiteAccessHoursRow, SiteRow, table_of
from dispatch.persistence.repositories._base import Child, ChildRows, Repository, RowsByTable
from dispatch.persistence.repositories._conversions import weekly_hours_from_rows, weekly_hours_rows
from dispatch.persistence.repositories.paging import contains

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

    def find(self, filters: CustomerFilter, *, limit: int, offset: int) -> Page[Customer]:
        """A page of the customers matching ``filters``, by id."""
        conditions = [contains(self.table.c.name, filters.name)] if filters.name else []
        return self._page(conditions, limit=limit, offset=offset)


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
        filters = SiteFilter(customer_id=customer_id, region=region, state=state)
        return self._select(self._matching(filters), limit=limit, offset=offset)

    def find(self, filters: SiteFilter, *, limit: int, offset: int) -> Page[Site]:
        """A page of the sites matching ``filters``, by id."""
        return self._page(self._matching(filters), limit=limit, offset=offset)

    def _matching(self, filters: SiteFilter) -> builtins.list[ColumnElement[bool]]:
        c = self.table.c
        conditions: builtins.list[ColumnElement[bool]] = []
        if filters.customer_id is not None:
            conditions.append(c.customer_id == filters.customer_id)
        if filters.region is not None:
            conditions.append(c.region == filters.region)
        if filters.state is not None:
            conditions.append(c.state == filters.state)
        if filters.city:
            conditions.append(contains(c.city, filters.city))
        return conditions
