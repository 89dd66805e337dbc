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


def test_wrong_method_is_a_405_problem_listing_the_allowed_ones(
    client: TestClient, dispatcher_headers: dict[str, str]
) -> None:
    """A method a path does not serve is a 405 whose Allow header names every method it does serve."""
    answer = client.patch("/customers/C-ACME", json={}, headers=dispatcher_headers)
    assert answer.status_code == 405
    assert answer.headers["content-type"] == "application/problem+json"
    assert set(answer.headers["allow"].split(", ")) == {"GET", "PUT", "DELETE"}


def test_body_that_is_not_utf8_is_a_4xx_problem(
    client: TestClient, dispatcher_headers: dict[str, str]
) -> None:
    """Bytes that are not UTF-8 in a JSON body are a 400 problem, not a 500."""
    answer = client.post(
        "/customers", content=b"\xff\xfe{", headers={**dispatcher_headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"


def test_nul_in_the_login_form_is_refused_not_a_500(client: TestClient) -> None:
    """A NUL character in the email of a login is a 4xx, not a database error."""
    answer = client.post("/auth/token", data={"username": "a\u0000b@example.com", "password": "x"})
    assert answer.status_code in {401, 422}
    assert answer.headers["content-type"] == "application/problem+json"
