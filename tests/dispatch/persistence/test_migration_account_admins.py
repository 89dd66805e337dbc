"""Upgrading makes the dispatchers already stored admins, so a deployment keeps someone to manage logins."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select

from dispatch.persistence.db import make_engine, upgrade_database
from dispatch.persistence.models import AccountRow, table_of

BEFORE_ADMINS = "b7d3e1f4a2c8"


def _dispatcher(account_id: str) -> dict[str, object]:
    return {
        "id": account_id,
        "email": f"{account_id.lower()}@fieldops.example",
        "display_name": account_id,
        "role": "dispatcher",
        "password_hash": "not-a-real-hash",
        "active": True,
        "created_at": datetime(2026, 12, 1, tzinfo=UTC),
    }


def test_upgrade_makes_stored_dispatchers_admins_and_new_ones_are_not(empty_database_url: str) -> None:
    upgrade_database(empty_database_url, BEFORE_ADMINS)
    accounts = table_of(AccountRow)
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(accounts), [_dispatcher("ACC-1"), _dispatcher("ACC-2")])
        upgrade_database(empty_database_url)
        with engine.begin() as connection:
            connection.execute(insert(accounts), [_dispatcher("ACC-3")])
        with engine.connect() as connection:
            admins = {
                row.id: row.is_admin for row in connection.execute(select(accounts.c.id, accounts.c.is_admin))
            }
        assert admins == {"ACC-1": True, "ACC-2": True, "ACC-3": False}
    finally:
        engine.dispose()
