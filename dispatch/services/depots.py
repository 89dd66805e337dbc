"""Depots and their stock of spare parts, as dispatchers keep them."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from dispatch.domain.catalogue import with_stock_line, without_stock_line
from dispatch.domain.listings import DepotFilter, Page
from dispatch.domain.technicians import Depot
from dispatch.persistence.repositories import DepotRepository
from dispatch.services.records import Records

depot_records = Records(DepotRepository)


def find_depots(session: Session, filters: DepotFilter, *, limit: int, offset: int) -> Page[Depot]:
    """A page of the depots matching ``filters``, by id."""
    return DepotRepository(session).find(filters, limit=limit, offset=offset)


def set_depot_stock_line(session: Session, depot_id: str, sku: str, quantity: int) -> dict[str, int]:
    """The depot's stock once it holds ``quantity`` of ``sku`` (a line of 0 stays listed)."""
    depot = depot_records.get(session, depot_id)
    stock = with_stock_line(depot.stock, sku, quantity)
    return depot_records.replace(session, replace(depot, stock=stock)).stock


def remove_depot_stock_line(session: Session, depot_id: str, sku: str) -> dict[str, int]:
    """The depot's stock without its line for ``sku``; ``RecordNotFound`` if it has none."""
    depot = depot_records.get(session, depot_id)
    stock = without_stock_line(depot.stock, sku, f"depot {depot_id}")
    return depot_records.replace(session, replace(depot, stock=stock)).stock
