"""Upgrading a database whose technicians share an e-mail numbers the later ones instead of failing."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from dispatch.persistence.db import make_engine, upgrade_database
from dispatch.persistence.models import TechnicianRow, table_of
from tests.dispatch.persistence.sample_data import CHICAGO

BEFORE_UNIQUE_EMAILS = "f6718617533c"


def _technician(technician_id: str, email: str) -> dict[str, object]:
    return {
        "id": technician_id,
        "name": "Angela Moore",
        "home": CHICAGO,
        "home_address": "",
        "timezone": "America/Chicago",
        "region": "central",
        "email": email,
        "phone": "",
    }


def test_upgrade_numbers_shared_emails_then_refuses_new_ones(empty_database_url: str) -> None:
    """The first technician by id keeps the address, later ones get the next free number (skipping one
    already taken); afterwards the database refuses a shared address in any letter case."""
    upgrade_database(empty_database_url, BEFORE_UNIQUE_EMAILS)
    technicians = table_of(TechnicianRow)
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(technicians),
                [
                    _technician("TECH-0035", "Angela.Moore@fieldops.example"),
                    _technician("TECH-0016", "angela.moore@fieldops.example"),
                    _technician("TECH-0040", "angela.moore2@fieldops.example"),
                    _technician("TECH-0041", ""),
                    _technician("TECH-0042", ""),
                ],
            )
        upgrade_database(empty_database_url)
        with engine.connect() as connection:
            emails = {
                row.id: row.email for row in connection.execute(select(technicians.c.id, technicians.c.email))
            }
        assert emails == {
            "TECH-0016": "angela.moore@fieldops.example",
            "TECH-0035": "Angela.Moore3@fieldops.example",
            "TECH-0040": "angela.moore2@fieldops.example",
            "TECH-0041": "",
            "TECH-0042": "",
        }
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                insert(technicians), [_technician("TECH-0050", "ANGELA.MOORE@fieldops.example")]
            )
    finally:
        engine.dispose()
