"""The API on a real PostGIS database holding the small sample data set and its demo logins.

Every module here is marked ``postgis``; the database is ``dispatch_api_test_<pid>`` on the configured
server (or ``DISPATCH_TEST_API_DATABASE``), created fresh per module and dropped afterwards (see
``tests/conftest.py``). The process id keeps two test runs on one server from dropping each other's data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import URL

from api.main import create_app
from dispatch.config import Settings
from dispatch.persistence.dataset_store import save_dataset
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD, ensure_demo_accounts
from tests.dispatch.persistence.sample_data import small_dataset

API_TEST_DATABASE = os.environ.get("DISPATCH_TEST_API_DATABASE", f"dispatch_api_test_{os.getpid()}")
TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-keys"
OWN_TECHNICIAN = "T-MKE"
"""The technician whose login the tests use; ``T-DET`` is someone else's work."""
OTHER_TECHNICIAN = "T-DET"
TECHNICIAN_EMAIL = "t-mke@fieldops.example"
TECHNICIAN_PASSWORD = "technician-demo-2026"


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    """The shared PostGIS server, with a database name of the API's own."""
    return postgis_server_url.set(database=API_TEST_DATABASE)


@pytest.fixture(scope="module")
def api_settings(database_url: str) -> Settings:
    """Settings of a test deployment on the migrated, seeded database."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            save_dataset(session, small_dataset())
            ensure_demo_accounts(session)
    finally:
        engine.dispose()
    return Settings(database_url=database_url, environment="test", jwt_secret=TEST_JWT_SECRET)


@pytest.fixture(scope="module")
def app(api_settings: Settings) -> FastAPI:
    return create_app(api_settings)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client over HTTPS (the session cookie is Secure), with the app's lifespan running."""
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def bearer_for(client: TestClient, email: str, password: str) -> dict[str, str]:
    """Authorization headers from the OAuth2 password flow."""
    answer = client.post("/auth/token", data={"username": email, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture(scope="module")
def dispatcher_headers(client: TestClient) -> dict[str, str]:
    return bearer_for(client, DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD)


@pytest.fixture(scope="module")
def technician_headers(client: TestClient) -> dict[str, str]:
    return bearer_for(client, TECHNICIAN_EMAIL, TECHNICIAN_PASSWORD)
