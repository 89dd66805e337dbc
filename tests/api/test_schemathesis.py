"""Schemathesis against the service's own OpenAPI document: no 500 and no schema violation.

Every operation in ``/openapi.json`` is exercised in-process (ASGI transport) against a fresh PostGIS
database holding the published field day (``tests/api/field_day.py``), logged in as the demo dispatcher
with a bearer token. All built-in checks run, on valid and invalid (negative) data alike, through the
examples, coverage and fuzzing phases (the stateful phase, chains of linked calls, is
``test_schemathesis_stateful.py``). Generation is deterministic (fixed seed, derandomized Hypothesis)
and bounded by ``MAX_EXAMPLES`` per operation, so the test takes the same cases on every run and stays
well inside CI's time.

What is allowed by design, per check, and why:

- ``positive_data_acceptance``: valid-looking input may be refused with 401/403 (the dispatcher's token
  on a technician's route), 3xx (a form login redirecting to ``next``), 404 (an id that names no
  record), 409 (a duplicate key, a record still
  referenced, a report out of order), 422 (a reference to a record that does not exist, or a business
  rule such as a window ending before it starts: the schema cannot state either) and 429 (the tracking
  links' rate limit). Schemathesis's default list plus 422; 5xx stays a failure through
  ``not_a_server_error``.
- ``negative_data_rejection``: the default list (400, 401, 403, 404, 405, 406, 409, 415, 422, 428, 429,
  and 5xx, which ``not_a_server_error`` fails on its own); invalid input answered with a 2xx fails.
- ``not_a_server_error``: only 2xx, 3xx and 4xx; every 5xx fails.
- The tracking links' rate limit is lifted for this test (it is tested on its own): with it, the
  limiter would answer 429 to most tracking cases and hide what the routes themselves answer.
- Every other check (status code, content type, response schema and headers conformance, missing
  required header, ignored auth, unsupported method, allow header, use after free, resource
  availability, object-level authorization) runs with its defaults.

The number of cases executed is written to the test output (``schemathesis cases executed: N``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.config import SchemathesisConfig
from sqlalchemy.engine import URL

from api.main import create_app
from dispatch.config import Settings
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD
from tests.api.conftest import TEST_JWT_SECRET, bearer_for
from tests.api.field_fixtures import field_settings

pytestmark = pytest.mark.postgis

SEED = 20261126
MAX_EXAMPLES = 10
"""Fuzzed cases per operation; the examples and coverage phases add their own, bounded by the schema."""

UNLIMITED = 1_000_000
"""Tracking requests a minute allowed here; the limit itself is tested in ``test_tracking_rate_limit.py``."""

POSITIVE_DATA_ALLOWED = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]


def schemathesis_config() -> SchemathesisConfig:
    """All checks, positive and negative data, fixed seed; by-design refusals declared per check."""
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True},
            "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_DATA_ALLOWED}},
        }
    )


@dataclass
class CaseCount:
    """Cases executed in this module, for the closing report of the run."""

    executed: int = 0


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    """A database of this module's own, named by the process so parallel runs do not collide."""
    return postgis_server_url.set(database=f"dispatch_qa_schemathesis_{os.getpid()}")


@pytest.fixture(scope="module")
def api_settings(database_url: str) -> Settings:
    """The field-day deployment with its tracking rate limit lifted, so the limit hides no tracking answer."""
    return field_settings(database_url).model_copy(update={"tracking_requests_per_minute": UNLIMITED})


@pytest.fixture(scope="module")
def app(api_settings: Settings) -> FastAPI:
    return create_app(api_settings)


@pytest.fixture(scope="module")
def dispatcher_bearer(app: FastAPI) -> Iterator[dict[str, str]]:
    """The demo dispatcher's bearer token; the app's engine is disposed of before the database is dropped.

    Schemathesis enters the app's lifespan on its first call and keeps it for the process, so the
    engine it opened is closed here, while the database still exists.
    """
    with TestClient(app, base_url="https://testserver") as client:
        headers = bearer_for(client, DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD)
    yield headers
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def case_count(pytestconfig: pytest.Config) -> Iterator[CaseCount]:
    """Counts the cases and writes the total past pytest's output capture when the module ends."""
    count = CaseCount()
    yield count
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nschemathesis cases executed: {count.executed}", flush=True)


schema = schemathesis.openapi.from_dict(
    create_app(Settings(environment="test", jwt_secret=TEST_JWT_SECRET)).openapi(),
    config=schemathesis_config(),
)
"""The app's own document; building it touches no database (the test's app serves the cases)."""


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.filter_too_much])
def test_the_api_answers_every_case_within_its_schema_and_never_with_a_server_error(
    case: Case[Any], app: FastAPI, dispatcher_bearer: dict[str, str], case_count: CaseCount
) -> None:
    """Each generated case gets a documented, schema-conforming answer and no 5xx, under all checks."""
    case_count.executed += 1
    case.call_and_validate(app=app, headers=dispatcher_bearer)
