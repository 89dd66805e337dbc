"""Repository of user accounts (staff logins)."""

from __future__ import annotations

import builtins

from sqlalchemy import ColumnElement, func
from sqlalchemy.engine import RowMapping

from dispatch.domain.accounts import Account, Role
from dispatch.persistence.models import AccountRow, table_of
from dispatch.persistence.repositories._base import ChildRows, Repository, RowsByTable


class AccountRepository(Repository[Account]):
    table = table_of(AccountRow)
    key = "id"

    def key_of(self, item: Account) -> str:
        return item.id

    def to_rows(self, item: Account) -> RowsByTable:
        row = {
            "id": item.id,
            "email": item.email,
            "display_name": item.display_name,
            "role": item.role.value,
            "password_hash": item.password_hash,
            "technician_id": item.technician_id,
            "customer_id": item.customer_id,
            "active": item.active,
            "is_admin": item.is_admin,
            "created_at": item.created_at,
        }
        return {self.table: [row]}

    def from_rows(self, row: RowMapping, children: ChildRows) -> Account:
        return Account(
            id=row["id"],
            email=row["email"],
            display_name=row["display_name"],
            role=Role(row["role"]),
            password_hash=row["password_hash"],
            technician_id=row["technician_id"],
            customer_id=row["customer_id"],
            active=row["active"],
            is_admin=row["is_admin"],
            created_at=row["created_at"],
        )

    def by_email(self, email: str) -> Account | None:
        """The account whose email matches ``email`` whatever its case, or ``None``."""
        found = self._select([func.lower(self.table.c.email) == email.strip().lower()])
        return found[0] if found else None

    def of_technician(self, technician_id: str) -> Account | None:
        """The login of the technician, or ``None``."""
        found = self._select([self.table.c.technician_id == technician_id])
        return found[0] if found else None

    def list(
        self, *, role: Role | None = None, limit: int | None = None, offset: int = 0
    ) -> builtins.list[Account]:
        """Accounts by id, optionally of one role."""
        conditions: builtins.list[ColumnElement[bool]] = []
        if role is not None:
            conditions.append(self.table.c.role == role.value)
        return self._select(conditions, limit=limit, offset=offset)
