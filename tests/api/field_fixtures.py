"""Fixture overrides shared by the technician and tracking test modules: each module its own database."""

from __future__ import annotations

from sqlalchemy.engine import URL

from dispatch.config import Settings
from tests.api.conftest import TEST_JWT_SECRET
from tests.api.field_day import seed_field_day


def field_database(server_url: URL, module: str) -> URL:
    """A database of this work's own (``dispatch_field_*``) for one test module."""
    return server_url.set(database=f"dispatch_field_{module}")


def field_settings(database_url: str) -> Settings:
    """Settings of a test deployment holding the published field day."""
    seed_field_day(database_url)
    return Settings(database_url=database_url, environment="test", jwt_secret=TEST_JWT_SECRET)
