"""Who is logged in, and the token they log in with."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from api.schemas.base import RequestModel
from api.schemas.values import Name, RecordId
from dispatch.domain.accounts import Account, Role

NewPassword = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1024, pattern=r"^[^\x00]*$"),
    Field(description="The new password: at least 10 characters, 4 of them different, not the email."),
]


class TokenOut(BaseModel):
    """The OAuth2 token response."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserOut(BaseModel):
    id: str
    email: str
    display_name: str
    role: Role
    technician_id: str | None

    @classmethod
    def of(cls, account: Account) -> UserOut:
        return cls(
            id=account.id,
            email=account.email,
            display_name=account.display_name,
            role=account.role,
            technician_id=account.technician_id,
        )


class StaffRole(StrEnum):
    """The logins an admin makes: customer users' logins are made elsewhere."""

    DISPATCHER = "dispatcher"
    TECHNICIAN = "technician"


class AccountOut(BaseModel):
    """A login as an admin sees it (never its password)."""

    id: str
    email: str
    display_name: str
    role: Role
    technician_id: str | None = Field(description="The technician whose work a technician's login is.")
    customer_id: str | None = Field(description="The customer organisation of a customer user.")
    is_admin: bool = Field(description="Whether this dispatcher also manages the logins.")
    disabled: bool = Field(description="A disabled login cannot log in, and its sessions no longer work.")
    created_at: datetime

    @classmethod
    def of(cls, account: Account) -> AccountOut:
        return cls(
            id=account.id,
            email=account.email,
            display_name=account.display_name,
            role=account.role,
            technician_id=account.technician_id,
            customer_id=account.customer_id,
            is_admin=account.is_admin,
            disabled=not account.active,
            created_at=account.created_at,
        )


class AccountIn(RequestModel):
    """A new dispatcher's or technician's login."""

    email: Annotated[
        str, StringConstraints(min_length=3, max_length=254, pattern=r"^[^@\s\x00]+@[^@\s\x00]+$")
    ] = Field(description="The login's email (stored in lower case); one login per email.")
    display_name: Name = Field(description="The name shown on the board and the job sheet.")
    role: StaffRole
    technician_id: RecordId | None = Field(
        default=None, description="For a technician's login: the stored technician it belongs to."
    )
    password: NewPassword
    is_admin: bool = Field(default=False, description="A dispatcher who may also manage the logins.")


class PasswordIn(RequestModel):
    """The password an admin sets for a login."""

    password: NewPassword
