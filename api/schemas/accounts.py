"""Who is logged in, and the token they log in with."""

from __future__ import annotations

from pydantic import BaseModel

from dispatch.domain.accounts import Account, Role


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
