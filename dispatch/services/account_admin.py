"""Managing the logins from the board: an admin lists, creates, disables, enables and resets them.

Only staff logins are made here (dispatchers and technicians); every change goes to the audit trail under
the account's id, never with a password or its hash. A disabled login stops working at once, its sessions
included, since every request reads the account (``accounts.active_account``).
"""

from __future__ import annotations

import dataclasses

from sqlalchemy.orm import Session

from dispatch.config import Settings
from dispatch.domain.accounts import Account, Role
from dispatch.domain.errors import Conflict, DomainError
from dispatch.domain.listings import Page
from dispatch.domain.technicians import Technician
from dispatch.persistence.repositories import TechnicianRepository
from dispatch.persistence.repositories.accounts import AccountRepository
from dispatch.services.accounts import check_password, create_account, hash_password
from dispatch.services.audit import ACCOUNT, record

STAFF_ROLES = (Role.DISPATCHER, Role.TECHNICIAN)


def list_accounts(session: Session, *, limit: int, offset: int) -> Page[Account]:
    """Every login by id, customer users' included."""
    return AccountRepository(session).page(limit=limit, offset=offset)


def technicians_without_login(session: Session) -> list[Technician]:
    """The stored technicians a login can still be made for, by id."""
    linked = {account.technician_id for account in AccountRepository(session).list(role=Role.TECHNICIAN)}
    return [technician for technician in TechnicianRepository(session).all() if technician.id not in linked]


def create_staff_login(
    session: Session,
    *,
    email: str,
    display_name: str,
    password: str,
    role: Role,
    technician_id: str | None = None,
    is_admin: bool = False,
) -> Account:
    """A new dispatcher's or technician's login (a technician's names a stored technician)."""
    if role not in STAFF_ROLES:
        raise DomainError("only a dispatcher's or a technician's login can be made here")
    if role is Role.TECHNICIAN and technician_id is None:
        raise DomainError("a technician's login must name the technician")
    if role is Role.DISPATCHER and technician_id is not None:
        raise DomainError("a dispatcher's login cannot name a technician")
    if is_admin and role is not Role.DISPATCHER:
        raise DomainError("only a dispatcher can be an admin")
    account = create_account(
        session,
        email=email,
        display_name=display_name,
        password=password,
        role=role,
        technician_id=technician_id,
        is_admin=is_admin,
    )
    record(session, ACCOUNT, account.id, "created", to_value=f"{account.email} ({_kind(account)})")
    return account


def set_account_active(session: Session, admin: Account, account_id: str, *, active: bool) -> Account:
    """Disable or enable a login; an admin cannot disable their own (409)."""
    accounts = AccountRepository(session)
    account = accounts.require(account_id)
    if not active and account.id == admin.id:
        raise Conflict("you cannot disable your own login; ask another admin")
    if account.active == active:
        return account
    changed = dataclasses.replace(account, active=active)
    accounts.update(changed)
    record(session, ACCOUNT, account.id, "enabled" if active else "disabled", to_value=account.email)
    return changed


def reset_password(session: Session, account_id: str, password: str) -> Account:
    """Give a login the new password the admin chose; the old one stops opening it, and the sessions
    opened with it stop working (their tokens carry the old ``password_stamp``)."""
    accounts = AccountRepository(session)
    account = accounts.require(account_id)
    check_password(password, account.email)
    changed = dataclasses.replace(account, password_hash=hash_password(password))
    accounts.update(changed)
    record(session, ACCOUNT, account.id, "password reset", to_value=account.email)
    return changed


def _kind(account: Account) -> str:
    if account.is_admin:
        return "admin dispatcher"
    if account.technician_id is not None:
        return f"technician {account.technician_id}"
    return account.role.value


def create_admin(settings: Settings, *, email: str, display_name: str, password: str) -> Account:
    """An admin dispatcher's login made from the command line (the first one of a deployment)."""
    from dispatch.persistence.db import make_engine, make_session_factory
    from dispatch.services.unit_of_work import unit_of_work

    engine = make_engine(settings.effective_database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            return create_staff_login(
                session,
                email=email,
                display_name=display_name,
                password=password,
                role=Role.DISPATCHER,
                is_admin=True,
            )
    finally:
        engine.dispose()
