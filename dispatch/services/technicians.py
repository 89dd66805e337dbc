"""Technicians and the stock on their vans, as dispatchers keep them.

A technician's e-mail is their login, so a new or changed technician may not take another's (any case):
refused here naming the holder, before the storage's unique index would refuse it less plainly.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from dispatch.domain.catalogue import with_stock_line, without_stock_line
from dispatch.domain.errors import Conflict
from dispatch.domain.listings import Page, TechnicianFilter
from dispatch.domain.technicians import Technician
from dispatch.persistence.repositories import TechnicianRepository
from dispatch.services.records import Records
from dispatch.services.report_effects import van_stock_now

technician_records = Records(TechnicianRepository)


def find_technicians(
    session: Session, filters: TechnicianFilter, *, limit: int, offset: int
) -> Page[Technician]:
    """A page of the technicians matching ``filters``, by id."""
    return TechnicianRepository(session).find(filters, limit=limit, offset=offset)


def add_technician(session: Session, technician: Technician) -> Technician:
    """Store a new technician whose e-mail is no one else's login."""
    _refuse_a_taken_email(session, technician)
    return technician_records.add(session, technician)


def replace_technician(session: Session, technician: Technician) -> Technician:
    """Replace a technician (calendar, skills and van stock included); the e-mail must be no one else's."""
    _refuse_a_taken_email(session, technician)
    return technician_records.replace(session, technician)


def carried_now(session: Session, technician_id: str, now: datetime) -> dict[str, int]:
    """What the technician's van carries at ``now``: the settled stock plus the parts used and picked up
    since; ``RecordNotFound`` for an unknown technician."""
    technician_records.get(session, technician_id)
    return van_stock_now(session, technician_id, now)


def set_van_stock_line(session: Session, technician_id: str, sku: str, quantity: int) -> dict[str, int]:
    """The van's stock once it carries ``quantity`` of ``sku`` (a line of 0 stays listed)."""
    technician = technician_records.get(session, technician_id)
    stock = with_stock_line(technician.van_stock, sku, quantity)
    return technician_records.replace(session, replace(technician, van_stock=stock)).van_stock


def remove_van_stock_line(session: Session, technician_id: str, sku: str) -> dict[str, int]:
    """The van's stock without its line for ``sku``; ``RecordNotFound`` if it has none."""
    technician = technician_records.get(session, technician_id)
    stock = without_stock_line(technician.van_stock, sku, f"technician {technician_id}'s van")
    return technician_records.replace(session, replace(technician, van_stock=stock)).van_stock


def _refuse_a_taken_email(session: Session, technician: Technician) -> None:
    holder = TechnicianRepository(session).holder_of_email(technician.email, other_than=technician.id)
    if holder is not None:
        raise Conflict(f"e-mail {technician.email} is already technician {holder}'s login")
