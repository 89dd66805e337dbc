"""A database that cannot be reached answers 503 with Retry-After at once; the pool recovers by itself."""

from __future__ import annotations

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.main import create_app
from dispatch.config import Settings
from dispatch.persistence.db import make_engine, make_session_factory

pytestmark = pytest.mark.postgis

Headers = dict[str, str]
NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2"
"""A PostgreSQL URL on the discard port: every connection is refused."""


def test_requests_meeting_an_unreachable_database_answer_503_quickly(
    api_settings: Settings, dispatcher_headers: Headers
) -> None:
    """Reads, writes and the health check each answer 503 (problem, Retry-After) within a second,
    and the service answers 200 again as soon as the database is back."""
    app = create_app(api_settings)
    with TestClient(app, base_url="https://testserver") as client:
        working = app.state.session_factory
        gone = make_engine(NOWHERE)
        app.state.session_factory = make_session_factory(gone)
        try:
            started = time.monotonic()
            read = client.get("/customers", headers=dispatcher_headers)
            write = client.post(
                "/customers", json={"id": "C-DOWN", "name": "Down"}, headers=dispatcher_headers
            )
            health = client.get("/health")
            elapsed = time.monotonic() - started
        finally:
            app.state.session_factory = working
            gone.dispose()
        back = client.get("/customers", headers=dispatcher_headers)
    for answer in (read, write):
        assert answer.status_code == 503, answer.text
        assert answer.headers["retry-after"] == "2"
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"] == "/problems/database-unavailable"
    assert health.status_code == 503
    assert elapsed < 3
    assert back.status_code == 200


def _terminate_backends(app: FastAPI, database: str) -> int:
    """Kill every server process of ``database`` but ours, as a database restart does."""
    engine = make_engine(str(app.state.settings.effective_database_url))
    try:
        with engine.begin() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": database},
                ).all()
            )
    finally:
        engine.dispose()


def test_the_pool_replaces_connections_the_server_dropped(
    api_settings: Settings, dispatcher_headers: Headers
) -> None:
    """After the server drops every pooled connection, the next requests succeed: each connection is
    checked before use (``pool_pre_ping``), so none of them meets a dead one."""
    app = create_app(api_settings)
    database = make_url(api_settings.effective_database_url).database
    assert database
    with TestClient(app, base_url="https://testserver") as client:
        for _ in range(3):
            assert client.get("/customers", headers=dispatcher_headers).status_code == 200
        assert app.state.engine.pool.checkedin() >= 1
        assert _terminate_backends(app, database) >= 1
        answers = [client.get("/customers", headers=dispatcher_headers).status_code for _ in range(5)]
    assert answers == [200] * 5
