"""Errors leave as RFC 9457 problem documents; an unexpected failure reveals nothing of the server."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from dispatch.config import Settings

pytestmark = pytest.mark.postgis

SECRET_DETAIL = "connection string postgresql://admin:hunter2@db.internal/prod"


def test_unhandled_error_is_a_500_problem_without_internals(api_settings: Settings) -> None:
    """A route that crashes answers a 500 problem with no traceback, exception text or class name."""
    app = create_app(api_settings)

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError(SECRET_DETAIL)

    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        answer = client.get("/crash")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert set(body) == {"type", "title", "status", "detail", "instance"}
    assert body["status"] == 500 and body["instance"] == "/crash"
    for leak in ("hunter2", "RuntimeError", "Traceback", "File "):
        assert leak not in answer.text


def test_unknown_path_is_a_404_problem(client: TestClient) -> None:
    """A path that does not exist is a 404 problem document, like every other error."""
    answer = client.get("/no/such/path")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["title"] == "Not Found"


def test_malformed_json_is_a_422_problem(client: TestClient, dispatcher_headers: dict[str, str]) -> None:
    """A body that is not JSON at all is a 4xx problem, not a 500."""
    answer = client.post(
        "/customers",
        content=b"{not json",
        headers={**dispatcher_headers, "Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"]
