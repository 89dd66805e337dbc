"""Schemathesis's stateful phase: chains of calls that follow the OpenAPI links, no 500, no schema violation.

The links (``api/openapi.py``) say how the resources chain: a customer made by ``POST /customers`` leads
to its record, to a site and a contract made for it; a site to a ticket; a ticket to its record, its
actions and a job; a job to its record, its actions and a technician's report on it; a plan request to
its status; and so on. Schemathesis builds a state machine from them (``schema.as_state_machine()``):
each scenario starts from a creating call and follows links, filling the linked fields from the
answers, so the calls reach real records instead of ids that name nothing.

Both roles take part: the technician's routes (``/tech/...`` and a technician's sheet) are called with
the technician T-MKE's token, every other route with the demo dispatcher's, so a chain can be a
dispatcher's job followed by a technician's report on it.

Every scenario starts from the same data: the published field day is stored once in a template
database, and the database the app uses is made anew from it before each scenario (the app's
connections are closed first). Without that, a scenario replayed by Hypothesis would meet the records an
earlier one made (a customer id already taken) and take another path, which Hypothesis refuses as flaky.

Checks and by-design refusals are those of ``test_schemathesis.py`` (its docstring lists them); the run
is deterministic (fixed seed, derandomized) and bounded by ``SCENARIOS`` scenarios of at most
``STEPS`` calls, with valid data only (invalid data is the stateless tests' part: a refused call ends a
chain). Hypothesis generates only (no shrinking, no replay): the test reports the failed checks it
recorded itself, each with its call, so a failure is reported at once and plainly. The number of
scenarios and calls, and the answers by operation, are written to the test output.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis import Case, Response
from schemathesis.config import SchemathesisConfig
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from api.main import create_app
from dispatch.config import Settings
from tests.api.conftest import TEST_JWT_SECRET
from tests.api.schemathesis_roles import field_app, role_bearers
from tests.api.test_schemathesis import POSITIVE_DATA_ALLOWED, SEED

pytestmark = [pytest.mark.postgis, pytest.mark.slow]

SCENARIOS = 80
"""Scenarios (chains) Hypothesis runs; each starts from a fresh copy of the field day."""
STEPS = 8
"""Most calls in one scenario."""
TECHNICIAN_PATHS = re.compile(r"^/tech/|^/technicians/[^/]+/sheet$")


@dataclass
class Counts:
    scenarios: int = 0
    calls: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    """Answers by operation and status class, such as ``GET /customers/{customer_id} 2xx``."""
    failures: list[str] = field(default_factory=list)
    """Each failed check, with its call: what the test reports, without Hypothesis's replay."""


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    return postgis_server_url.set(database=f"dispatch_qa_schemathesis_stateful_{os.getpid()}")


class FreshCopies:
    """The field day kept in a template database; ``reset`` makes the app's database anew from it."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        assert url.database
        self.name = url.database
        self.template = f"{url.database}_template"
        self._admin = create_engine(
            url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )

    def _copy(self, source: str, target: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
            # A template may have no session open: the app's background work may hold one.
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": source},
            )
            connection.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'))

    def keep(self) -> None:
        self._copy(self.name, self.template)

    def reset(self, app: FastAPI) -> None:
        app.state.engine.dispose()
        self._copy(self.template, self.name)

    def close(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
        self._admin.dispose()


@pytest.fixture(scope="module")
def app(database_url: str) -> FastAPI:
    return field_app(database_url)


@pytest.fixture(scope="module")
def bearers(app: FastAPI) -> Iterator[dict[str, dict[str, str]]]:
    yield from role_bearers(app)


@pytest.fixture(scope="module")
def fresh_copies(
    app: FastAPI, bearers: dict[str, dict[str, str]], database_url: str
) -> Iterator[FreshCopies]:
    """The field day as it stands once both roles logged in, kept as the template of every scenario."""
    app.state.engine.dispose()
    copies = FreshCopies(database_url)
    copies.keep()
    yield copies
    app.state.engine.dispose()
    copies.close()


def stateful_config() -> SchemathesisConfig:
    """The stateless tests' checks and refusals, with valid data only: a refused call ends a chain."""
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"mode": "positive", "max-examples": SCENARIOS, "deterministic": True},
            "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_DATA_ALLOWED}},
        }
    )


schema = schemathesis.openapi.from_dict(
    create_app(Settings(environment="test", jwt_secret=TEST_JWT_SECRET)).openapi(),
    config=stateful_config(),
)


def test_chains_of_linked_calls_by_both_roles_get_no_server_error_and_conform_to_the_schema(
    app: FastAPI,
    bearers: dict[str, dict[str, str]],
    fresh_copies: FreshCopies,
    pytestconfig: pytest.Config,
) -> None:
    """Every step of every linked chain, each role on its own routes, passes all checks (no 5xx)."""
    counts = Counts()

    class Chains(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            counts.scenarios += 1
            fresh_copies.reset(app)

        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            role = "technician" if TECHNICIAN_PATHS.match(case.formatted_path) else "dispatcher"
            return {"app": app, "headers": bearers[role]}

        def before_call(self, case: Case[Any]) -> None:
            counts.calls += 1

        def validate_response(self, response: Response, case: Case[Any], *args: Any, **kwargs: Any) -> None:
            try:
                super().validate_response(response, case, *args, **kwargs)
            except Exception as failure:
                counts.failures.append(f"{case.operation.label} -> {response.status_code}: {failure}"[:2000])
                raise

        def after_call(self, response: Response, case: Case[Any]) -> None:
            super().after_call(response, case)
            counts.answers[f"{case.operation.label} {response.status_code // 100}xx"] += 1

    try:
        Chains.run(
            settings=settings(
                max_examples=SCENARIOS,
                stateful_step_count=STEPS,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
        )
    except BaseException as error:
        if not counts.failures:
            raise
        pytest.fail("\n".join(["failed checks:", *counts.failures[:5]]) + f"\n({error!r})", pytrace=False)
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nschemathesis stateful: {counts.scenarios} scenarios, {counts.calls} calls", flush=True)
        for answer, number in sorted(counts.answers.items()):
            print(f"  {answer}: {number}", flush=True)
    linked_successes = sum(
        number for answer, number in counts.answers.items() if "{" in answer and answer.endswith(" 2xx")
    )
    assert linked_successes > 0, "no call on a record's own path succeeded: the links led nowhere"
