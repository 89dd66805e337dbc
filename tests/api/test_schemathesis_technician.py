"""Schemathesis over the technician's own routes, logged in as the technician T-MKE.

``test_schemathesis.py`` logs in as the dispatcher, whom ``/tech/...`` and a technician's sheet refuse,
so their answers to a technician were never generated. Here every phase (examples, coverage, fuzzing)
runs on those operations with the technician's token, against a fresh PostGIS database holding the
published field day, with the same configuration, checks and by-design refusals as that test (its
module docstring lists them).

The stateful phase (chains of linked calls, the technician's routes called with the technician's
token) is ``test_schemathesis_stateful.py``, which makes the database anew for each chain.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import Case
from sqlalchemy.engine import URL

from api.main import create_app
from dispatch.config import Settings
from tests.api.conftest import TEST_JWT_SECRET
from tests.api.schemathesis_roles import field_app, role_bearers
from tests.api.test_schemathesis import schemathesis_config

pytestmark = [pytest.mark.postgis, pytest.mark.slow]


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    return postgis_server_url.set(database=f"dispatch_qa_schemathesis_technician_{os.getpid()}")


@pytest.fixture(scope="module")
def app(database_url: str) -> FastAPI:
    return field_app(database_url)


@pytest.fixture(scope="module")
def bearers(app: FastAPI) -> Iterator[dict[str, dict[str, str]]]:
    yield from role_bearers(app)


schema = schemathesis.openapi.from_dict(
    create_app(Settings(environment="test", jwt_secret=TEST_JWT_SECRET)).openapi(),
    config=schemathesis_config(),
)


technicians_schema = schema.include(path_regex=r"^/tech(/|nicians/\{technician_id\}/sheet)")


@technicians_schema.parametrize()
@settings(suppress_health_check=[HealthCheck.filter_too_much])
def test_the_technicians_routes_answer_every_case_as_a_technician(
    case: Case[Any], app: FastAPI, bearers: dict[str, dict[str, str]]
) -> None:
    """The technician's own routes, every stateless phase, with the technician's token."""
    case.call_and_validate(app=app, headers=bearers["technician"])
