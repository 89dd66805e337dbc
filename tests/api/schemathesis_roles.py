"""What the Schemathesis runs over the field day share: the app without a tracking limit, and both roles'
bearer headers (the technician's routes are called with T-MKE's, everything else with the dispatcher's)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD
from tests.api.conftest import TECHNICIAN_EMAIL, TECHNICIAN_PASSWORD, bearer_for
from tests.api.field_fixtures import field_settings
from tests.api.test_schemathesis import UNLIMITED


def field_app(database_url: str) -> FastAPI:
    """The service over the field day, with no tracking limit (the runs call the tracking page often)."""
    return create_app(
        field_settings(database_url).model_copy(update={"tracking_requests_per_minute": UNLIMITED})
    )


def role_bearers(app: FastAPI) -> Iterator[dict[str, dict[str, str]]]:
    """Both roles' bearer headers; the app's engine is disposed of before the database is dropped."""
    with TestClient(app, base_url="https://testserver") as client:
        yield {
            "dispatcher": bearer_for(client, DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD),
            "technician": bearer_for(client, TECHNICIAN_EMAIL, TECHNICIAN_PASSWORD),
        }
    app.state.engine.dispose()
