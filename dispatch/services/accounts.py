"""Staff accounts: create a login, check a password, and seed the demo logins.

Passwords are hashed with Argon2id (pwdlib's recommended parameters); only the hash is stored.
One deployment serves one provider organisation, so every dispatcher sees all of its data.

Demo logins (``ensure_demo_accounts``), fine for a demo and refused nowhere, so never load the demo
into a production database:

- dispatcher (an admin: manages logins): ``dispatcher@fieldops.example`` / ``DEMO_DISPATCHER_PASSWORD``
- each technician: their email in the demo data / ``DEMO_TECHNICIAN_PASSWORD``
- a customer user of the first customer: ``DEMO_CUSTOMER_EMAIL`` / ``DEMO_CUSTOMER_PASSWORD``
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pwdlib import PasswordHash
from sqlalchemy.orm import Session

from dispatch.domain.accounts import Account, Role
from dispatch.domain.errors import Conflict, DomainError
from dispatch.persistence.repositories import CustomerRepository, TechnicianRepository
from dispatch.persistence.repositories.accounts import AccountRepository

DEMO_DISPATCHER_EMAIL = "dispatcher@fieldops.example"
DEMO_DISPATCHER_PASSWORD = "dispatch-demo-2026"
DEMO_TECHNICIAN_PASSWORD = "technician-demo-2026"
DEMO_CUSTOMER_EMAIL = "customer@fieldops.example"
DEMO_CUSTOMER_PASSWORD = "customer-demo-2026"
MIN_PASSWORD_LENGTH = 10
MIN_DISTINCT_CHARACTERS = 4

_HASHER = PasswordHash.recommended()
# Verified when the email is unknown, so a wrong email costs as long as a wrong password.
_UNKNOWN_ACCOUNT_HASH = _HASHER.hash("no account has this password")


class AccountExists(Conflict):
    """The email (or the technician) already has a login."""


def check_password(password: str, email: str) -> None:
    """Refuse a password too short to resist guessing, or one that is the login's own email."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip().lower() == email.strip().lower():
        raise DomainError("a password cannot be the login's own email")
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        raise DomainError(f"a password needs at least {MIN_DISTINCT_CHARACTERS} different characters")


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (salted; the same password hashes differently each time)."""
    return _HASHER.hash(password)


def create_account(
    session: Session,
    *,
    email: str,
    display_name: str,
    password: str,
    role: Role,
    technician_id: str | None = None,
    password_hash: str | None = None,
    customer_id: str | None = None,
    is_admin: bool = False,
) -> Account:
    """Store a new login; refuses a weak password, a taken email, an unknown technician or customer, or
    a technician who already has a login.

    ``password_hash`` lets a caller that creates many logins with one password hash it only once.
    """
    normalised = email.strip().lower()
    check_password(password, normalised)
    accounts = AccountRepository(session)
    if accounts.by_email(normalised) is not None:
        raise AccountExists(f"an account with email {normalised!r} already exists")
    if technician_id is not None and TechnicianRepository(session).get(technician_id) is None:
        raise DomainError(f"no technician {technician_id!r} to link the account to")
    if technician_id is not None and accounts.of_technician(technician_id) is not None:
        raise AccountExists(f"technician {technician_id!r} already has a login")
    if customer_id is not None and CustomerRepository(session).get(customer_id) is None:
        raise DomainError(f"no customer {customer_id!r} to link the account to")
    account = Account(
        id=f"ACC-{uuid.uuid4().hex[:12]}",
        email=normalised,
        display_name=display_name.strip() or normalised,
        role=role,
        password_hash=password_hash or hash_password(password),
        created_at=datetime.now(UTC),
        technician_id=technician_id,
        customer_id=customer_id,
        is_admin=is_admin,
    )
    accounts.add(account)
    return account


def authenticate(session: Session, email: str, password: str) -> Account | None:
    """The active account with this email and password, or ``None`` (never says which part was wrong)."""
    account = None if "\x00" in email else AccountRepository(session).by_email(email)
    return account if password_matches(account, password) else None


def active_account(session: Session, account_id: str, password_stamp: str | None = None) -> Account | None:
    """The account a login token names, if it still exists, is enabled and its password is still the one
    the token was issued under (``password_stamp``; a token without one predates stamps)."""
    account = AccountRepository(session).get(account_id)
    if account is None or not account.active:
        return None
    if password_stamp is not None and password_stamp != account.password_stamp:
        return None
    return account


def password_matches(account: Account | None, password: str) -> bool:
    """Whether ``password`` opens ``account`` (active); no database work, only Argon2's CPU and memory.

    An unknown account is checked against a dummy hash, so a wrong email costs as long as a wrong password.
    """
    if account is None:
        _HASHER.verify(password, _UNKNOWN_ACCOUNT_HASH)
        return False
    return _HASHER.verify(password, account.password_hash) and account.active


def ensure_demo_accounts(session: Session) -> list[tuple[str, str, Role]]:
    """Create the demo dispatcher, one login per stored technician and a customer user of the first
    customer (when there is one), where missing.

    Returns every demo login as ``(email, password, role)``, those already present included.
    The technicians share one password, hashed once.
    """
    accounts = AccountRepository(session)
    logins: list[tuple[str, str, Role]] = []
    if accounts.by_email(DEMO_DISPATCHER_EMAIL) is None:
        create_account(
            session,
            email=DEMO_DISPATCHER_EMAIL,
            display_name="Demo dispatcher",
            password=DEMO_DISPATCHER_PASSWORD,
            role=Role.DISPATCHER,
            is_admin=True,
        )
    logins.append((DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD, Role.DISPATCHER))
    linked = {account.technician_id: account for account in accounts.list(role=Role.TECHNICIAN)}
    shared_hash: str | None = None
    for technician in TechnicianRepository(session).all():
        if technician.id in linked:
            logins.append((linked[technician.id].email, DEMO_TECHNICIAN_PASSWORD, Role.TECHNICIAN))
            continue
        email = technician.email.strip().lower() or f"{technician.id.lower()}@fieldops.example"
        if accounts.by_email(email) is not None:
            email = f"{technician.id.lower()}@fieldops.example"
        shared_hash = shared_hash or hash_password(DEMO_TECHNICIAN_PASSWORD)
        create_account(
            session,
            email=email,
            display_name=technician.name,
            password=DEMO_TECHNICIAN_PASSWORD,
            role=Role.TECHNICIAN,
            technician_id=technician.id,
            password_hash=shared_hash,
        )
        logins.append((email, DEMO_TECHNICIAN_PASSWORD, Role.TECHNICIAN))
    first_customer = CustomerRepository(session).list(limit=1)
    if first_customer and accounts.by_email(DEMO_CUSTOMER_EMAIL) is None:
        create_account(
            session,
            email=DEMO_CUSTOMER_EMAIL,
            display_name=f"Demo customer user ({first_customer[0].name})",
            password=DEMO_CUSTOMER_PASSWORD,
            role=Role.CUSTOMER,
            customer_id=first_customer[0].id,
        )
    if accounts.by_email(DEMO_CUSTOMER_EMAIL) is not None:
        logins.append((DEMO_CUSTOMER_EMAIL, DEMO_CUSTOMER_PASSWORD, Role.CUSTOMER))
    return logins
