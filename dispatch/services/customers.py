"""Customers and their sites, as dispatchers keep them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatch.domain.customers import Customer, Site
from dispatch.domain.listings import CustomerFilter, Page, SiteFilter
from dispatch.persistence.repositories import CustomerRepository, SiteRepository
from dispatch.services.records import Records

customer_records = Records(CustomerRepository)
site_records = Records(SiteRepository)


def find_customers(session: Session, filters: CustomerFilter, *, limit: int, offset: int) -> Page[Customer]:
    """A page of the customers matching ``filters``, by id."""
    return CustomerRepository(session).find(filters, limit=limit, offset=offset)


def find_sites(session: Session, filters: SiteFilter, *, limit: int, offset: int) -> Page[Site]:
    """A page of the sites matching ``filters``, by id."""
    return SiteRepository(session).find(filters, limit=limit, offset=offset)
