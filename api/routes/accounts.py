"""Managing the logins (admin dispatchers only): list, create, disable, enable, reset a password.

A disabled login is refused at its next request, whatever token or cookie it carries.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, status

from api.deps import AdminUser, PageDep, SessionDep, require_admin
from api.schemas.accounts import AccountIn, AccountOut, PasswordIn
from api.schemas.common import Page, Problem, RecordId, page_out
from dispatch.domain.accounts import Role
from dispatch.services.account_admin import (
    create_staff_login,
    list_accounts,
    reset_password,
    set_account_active,
)

router = APIRouter(prefix="/accounts", tags=["accounts"], dependencies=[Depends(require_admin)])

_UNKNOWN: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No login with this id"}}


@router.get("", response_model=Page[AccountOut])
def get_accounts(session: SessionDep, paging: PageDep) -> Page[AccountOut]:
    """Every login by id: email, role, technician, whether disabled, when created."""
    found = list_accounts(session, limit=paging.limit, offset=paging.offset)
    return page_out(found, AccountOut.of)


@router.post(
    "",
    response_model=AccountOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"model": Problem, "description": "The email, or the technician, already has a login"},
        422: {"model": Problem, "description": "A weak password, or a technician that is not stored"},
    },
)
def create_login(body: AccountIn, session: SessionDep) -> AccountOut:
    """A new dispatcher's or technician's login; a technician's names a stored technician."""
    account = create_staff_login(
        session,
        email=body.email,
        display_name=body.display_name,
        password=body.password,
        role=Role(body.role.value),
        technician_id=body.technician_id,
        is_admin=body.is_admin,
    )
    return AccountOut.of(account)


@router.post(
    "/{account_id}/disable",
    response_model=AccountOut,
    responses={**_UNKNOWN, 409: {"model": Problem, "description": "An admin cannot disable their own login"}},
)
def disable_login(account_id: RecordId, session: SessionDep, admin: AdminUser) -> AccountOut:
    """Stop a login working: it can no longer log in and its open sessions are refused."""
    return AccountOut.of(set_account_active(session, admin, account_id, active=False))


@router.post("/{account_id}/enable", response_model=AccountOut, responses=_UNKNOWN)
def enable_login(account_id: RecordId, session: SessionDep, admin: AdminUser) -> AccountOut:
    """Let a disabled login work again."""
    return AccountOut.of(set_account_active(session, admin, account_id, active=True))


@router.put(
    "/{account_id}/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**_UNKNOWN, 422: {"model": Problem, "description": "The new password is too weak"}},
)
def set_password(account_id: RecordId, body: PasswordIn, session: SessionDep) -> None:
    """Set the password the admin chose; the old one stops opening the login and its sessions end."""
    reset_password(session, account_id, body.password)
