"""Accounts: Argon2 hashes, refused duplicates and weak passwords, authentication, demo logins."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from dispatch.domain.accounts import Role
from dispatch.domain.errors import DomainError
from dispatch.persistence.dataset_store import save_dataset
from dispatch.persistence.repositories import TechnicianRepository
from dispatch.persistence.repositories.accounts import AccountRepository
from dispatch.services.accounts import (
    DEMO_DISPATCHER_EMAIL,
    DEMO_DISPATCHER_PASSWORD,
    DEMO_TECHNICIAN_PASSWORD,
    AccountExists,
    authenticate,
    create_account,
    ensure_demo_accounts,
)
from tests.dispatch.persistence.sample_data import small_dataset

pytestmark = pytest.mark.postgis

PASSWORD = "correct horse battery"


def test_password_is_stored_as_an_argon2id_hash(session: Session) -> None:
    """Only an Argon2id hash is stored, and authenticate accepts the password and nothing else."""
    account = create_account(
        session, email=" Sam@Example.COM ", display_name="Sam", password=PASSWORD, role=Role.DISPATCHER
    )
    stored = AccountRepository(session).require(account.id)
    assert stored.email == "sam@example.com"
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    assert authenticate(session, "SAM@example.com", PASSWORD) == stored
    assert authenticate(session, "sam@example.com", PASSWORD + "!") is None
    assert authenticate(session, "nobody@example.com", PASSWORD) is None


def test_duplicate_email_short_password_and_unknown_technician_are_refused(session: Session) -> None:
    """A taken email (any case), a password under 10 characters and a missing technician are refused."""
    create_account(
        session, email="kim@example.com", display_name="Kim", password=PASSWORD, role=Role.DISPATCHER
    )
    with pytest.raises(AccountExists):
        create_account(
            session, email="KIM@example.com", display_name="Kim", password=PASSWORD, role=Role.DISPATCHER
        )
    with pytest.raises(DomainError, match="at least 10"):
        create_account(
            session, email="a@example.com", display_name="A", password="short", role=Role.DISPATCHER
        )
    with pytest.raises(DomainError, match="T-NONE"):
        create_account(
            session,
            email="b@example.com",
            display_name="B",
            password=PASSWORD,
            role=Role.TECHNICIAN,
            technician_id="T-NONE",
        )


def test_demo_accounts_log_in_and_are_created_once(session: Session) -> None:
    """The demo dispatcher and one login per technician authenticate; a second call adds nothing."""
    save_dataset(session, small_dataset())
    logins = ensure_demo_accounts(session)
    technicians = TechnicianRepository(session).all()
    assert (DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD, Role.DISPATCHER) in logins
    assert sum(1 for _, _, role in logins if role is Role.TECHNICIAN) == len(technicians)
    for email, password, role in logins:
        account = authenticate(session, email, password)
        assert account is not None and account.role is role
    assert all(
        password == DEMO_TECHNICIAN_PASSWORD for _, password, role in logins if role is Role.TECHNICIAN
    )
    linked = {a.technician_id for a in AccountRepository(session).list(role=Role.TECHNICIAN)}
    assert linked == {t.id for t in technicians}
    assert ensure_demo_accounts(session) == logins
    assert len(AccountRepository(session).list()) == len(logins)
