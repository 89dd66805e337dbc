"""User accounts of the provider's staff: dispatchers see everything, technicians only their own work.

A dispatcher who is an admin also manages the logins.

A deployment serves one provider organisation, so a staff account belongs to the deployment itself. A
customer user's account is bound to one customer organisation and sees only that organisation's tickets
and sites; other customers follow a ticket through its tracking link.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from dispatch.domain.errors import DomainError


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    """Plans and edits all of the provider's data."""
    TECHNICIAN = "technician"
    """Sees and reports on their own job sheets only."""
    CUSTOMER = "customer"
    """A customer organisation's user: raises tickets online, sees only that organisation's."""


@dataclass(frozen=True, slots=True)
class Account:
    """A login: unique email, a display name, a role and, for a technician, whose work it is."""

    id: str
    email: str
    display_name: str
    role: Role
    password_hash: str = field(repr=False)
    created_at: datetime
    technician_id: str | None = None
    active: bool = True
    customer_id: str | None = None
    is_admin: bool = False
    """A dispatcher who may also manage the logins (create, disable, enable, reset a password)."""

    def __post_init__(self) -> None:
        if "@" not in self.email or self.email != self.email.strip().lower():
            raise DomainError(f"{self.email!r} is not a lower-case email address")
        if self.role is Role.TECHNICIAN and not self.technician_id:
            raise DomainError("a technician account must name its technician")
        if self.role is not Role.TECHNICIAN and self.technician_id:
            raise DomainError(f"a {self.role.value} account cannot be linked to a technician")
        if (self.role is Role.CUSTOMER) != (self.customer_id is not None):
            raise DomainError("a customer account, and only one, names its customer organisation")
        if self.is_admin and self.role is not Role.DISPATCHER:
            raise DomainError("only a dispatcher can manage the logins")

    @property
    def password_stamp(self) -> str:
        """Changes whenever the password does: a login token carries it, so a reset ends older sessions.
        A digest of the (salted) hash, so it tells nothing about the password."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]
