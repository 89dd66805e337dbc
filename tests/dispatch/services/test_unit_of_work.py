"""The services' unit of work: all or nothing, storage refusals told as domain errors, on both back ends."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Engine

from dispatch.domain.customers import Customer
from dispatch.domain.errors import Conflict, InvalidReference, RecordNotFound
from dispatch.persistence.db import make_session_factory
from dispatch.services.customers import customer_records, site_records
from dispatch.services.unit_of_work import database_answers, unit_of_work
from tests.dispatch.persistence.sample_data import SITES


def test_a_unit_of_work_is_committed_when_it_succeeds(engine: Engine) -> None:
    """What the block stored is there for the next unit of work."""
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        customer_records.add(session, Customer("C-KEPT", "Kept Ltd"))
    with unit_of_work(factory) as session:
        assert customer_records.get(session, "C-KEPT") == Customer("C-KEPT", "Kept Ltd")


def test_a_unit_of_work_that_raises_stores_nothing(engine: Engine) -> None:
    """A failure after a write undoes the write, and the failure itself leaves unchanged."""
    factory = make_session_factory(engine)
    with pytest.raises(RuntimeError, match="late failure"), unit_of_work(factory) as session:
        customer_records.add(session, Customer("C-UNDONE", "Undone Ltd"))
        raise RuntimeError("late failure")
    with pytest.raises(RecordNotFound, match="C-UNDONE"), unit_of_work(factory) as session:
        customer_records.get(session, "C-UNDONE")


def test_a_duplicate_id_is_a_conflict_in_the_users_words(engine: Engine) -> None:
    """The storage's unique key refusal leaves as ``Conflict`` naming the record, not the database's text."""
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        customer_records.add(session, Customer("C-TWICE", "Twice Ltd"))
    with pytest.raises(Conflict) as refused, unit_of_work(factory) as session:
        customer_records.add(session, Customer("C-TWICE", "Again"))
    assert str(refused.value) == "a customer with id 'C-TWICE' already exists"
    with unit_of_work(factory) as session:
        assert customer_records.get(session, "C-TWICE").name == "Twice Ltd"


def test_a_record_naming_a_missing_one_is_an_invalid_reference(engine: Engine) -> None:
    """A site of a customer that is not stored leaves as ``InvalidReference`` naming the customer."""
    factory = make_session_factory(engine)
    orphan = dataclasses.replace(SITES[0], id="S-ORPHAN", customer_id="C-NOWHERE")
    with pytest.raises(InvalidReference) as refused, unit_of_work(factory) as session:
        site_records.add(session, orphan)
    assert "C-NOWHERE" in str(refused.value)
    assert "FOREIGN KEY" not in str(refused.value)


def test_a_record_still_referred_to_cannot_be_deleted(engine: Engine) -> None:
    """Deleting a customer one of its sites refers to is a ``Conflict``, and the customer stays."""
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        customer_records.add(session, Customer("C-HELD", "Held Ltd"))
        site_records.add(session, dataclasses.replace(SITES[0], id="S-HELD", customer_id="C-HELD"))
    with pytest.raises(Conflict), unit_of_work(factory) as session:
        customer_records.delete(session, "C-HELD")
    with unit_of_work(factory) as session:
        assert customer_records.get(session, "C-HELD").name == "Held Ltd"


def test_deleting_a_record_that_is_not_stored_is_record_not_found(engine: Engine) -> None:
    """The API answers 404 for this; the service says which record."""
    factory = make_session_factory(engine)
    with pytest.raises(RecordNotFound, match="C-NEVER"), unit_of_work(factory) as session:
        customer_records.delete(session, "C-NEVER")


def test_the_database_answers(engine: Engine) -> None:
    """The health check's round trip succeeds on a reachable database."""
    with unit_of_work(make_session_factory(engine)) as session:
        assert database_answers(session)
