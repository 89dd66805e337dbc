"""The database refuses what the business refuses, and a refused unit of work leaves nothing behind."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from dispatch.domain.customers import Customer
from dispatch.persistence.dataset_store import load_dataset, save_dataset
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.persistence.models import (
    CustomerRow,
    JobWindowRow,
    SiteRow,
    TechnicianShiftRow,
    TechnicianSkillRow,
    VanStockRow,
    table_of,
)
from dispatch.persistence.repositories import CustomerRepository, SiteRepository, TechnicianRepository
from tests.dispatch.persistence.sample_data import SITES, TECHNICIANS, small_dataset


@pytest.fixture(scope="module")
def factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """A session factory on a database holding the committed small data set."""
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        save_dataset(session, small_dataset())
    yield factory


def _row_counts(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in (
                ("sites", table_of(SiteRow)),
                ("technician_skills", table_of(TechnicianSkillRow)),
                ("van_stock", table_of(VanStockRow)),
                ("technician_shifts", table_of(TechnicianShiftRow)),
                ("job_time_windows", table_of(JobWindowRow)),
                ("customers", table_of(CustomerRow)),
            )
        }


def _raw_insert(row_class: Any, **values: Any) -> Callable[[Session], None]:
    """A write that bypasses the domain's own checks, so that only the database can refuse it."""

    def write(session: Session) -> None:
        session.execute(insert(table_of(row_class)).values(**values))

    return write


REFUSED_WRITES = {
    "site of an unknown customer": lambda session: SiteRepository(session).add(
        dataclasses.replace(SITES[1], id="S-NEW", customer_id="C-NOBODY")
    ),
    "skill level 6": _raw_insert(TechnicianSkillRow, technician_id="T-MKE", skill_code="pos", level=6),
    "skill level 0": _raw_insert(TechnicianSkillRow, technician_id="T-MKE", skill_code="pos", level=0),
    "unknown skill": _raw_insert(TechnicianSkillRow, technician_id="T-MKE", skill_code="cobol", level=3),
    "negative van stock": _raw_insert(VanStockRow, technician_id="T-MKE", sku="PSU-650", quantity=-1),
    "shift ending before it starts": _raw_insert(
        TechnicianShiftRow, technician_id="T-MKE", weekday=5, start_s=50_000, end_s=40_000
    ),
    "half a lunch break": _raw_insert(
        TechnicianShiftRow, technician_id="T-MKE", weekday=6, start_s=3600, end_s=7200, lunch_duration_s=60
    ),
    "e-mail of another technician in other letters": lambda session: TechnicianRepository(session).add(
        dataclasses.replace(TECHNICIANS[0], id="T-NEW", email="Avery.KIM@fieldops.example")
    ),
    "window ending at its start": _raw_insert(
        JobWindowRow,
        job_id="J-2",
        position=0,
        starts_at=datetime(2026, 11, 27, 15, tzinfo=UTC),
        ends_at=datetime(2026, 11, 27, 15, tzinfo=UTC),
    ),
}


@pytest.mark.parametrize("write", list(REFUSED_WRITES))
def test_refused_write_leaves_the_database_unchanged(factory: sessionmaker[Session], write: str) -> None:
    """A write breaking a foreign key or a check raises, and after the rollback every count is as before."""
    before = _row_counts(factory)
    with pytest.raises(IntegrityError), session_scope(factory) as session:
        CustomerRepository(session).add(Customer("C-LATE", "Added in the same unit of work"))
        REFUSED_WRITES[write](session)
        session.flush()
    assert _row_counts(factory) == before
    with factory() as session:
        assert CustomerRepository(session).get("C-LATE") is None


def test_committed_unit_of_work_is_kept(factory: sessionmaker[Session]) -> None:
    """session_scope commits on success: a new session sees the data set and the added customer."""
    with session_scope(factory) as session:
        CustomerRepository(session).add(Customer("C-KEPT", "Kept Inc."))
    with factory() as session:
        assert CustomerRepository(session).get("C-KEPT") == Customer("C-KEPT", "Kept Inc.")
        assert load_dataset(session).counts()["technicians"] == len(small_dataset().technicians)


def test_technicians_without_an_email_may_be_many(factory: sessionmaker[Session]) -> None:
    """Only a non-empty e-mail is a login: any number of technicians may have none."""
    with factory() as session:  # closed without a commit: nothing is kept
        repository = TechnicianRepository(session)
        repository.add(dataclasses.replace(TECHNICIANS[1], id="T-NOMAIL-1", email=""))
        repository.add(dataclasses.replace(TECHNICIANS[1], id="T-NOMAIL-2", email=""))
        session.flush()
        assert repository.holder_of_email("") is None
        assert repository.holder_of_email("AVERY.kim@fieldops.example") == "T-CHI"
        assert repository.holder_of_email("avery.kim@fieldops.example", other_than="T-CHI") is None
