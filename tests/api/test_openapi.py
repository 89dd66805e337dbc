"""The OpenAPI document tells clients the truth about errors and authentication."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgis

PUBLIC_OPERATIONS = {
    ("get", "/health"),
    ("post", "/auth/token"),
    ("post", "/auth/login"),
    ("post", "/auth/logout"),
    ("get", "/track/{token}"),
    ("get", "/track/{token}.json"),
}


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    """The served OpenAPI document (open without login)."""
    client.cookies.clear()
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    schema: dict[str, Any] = answer.json()
    return schema


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, ops in document["paths"].items() for m, op in ops.items()]


def _is_page(operation: dict[str, Any]) -> bool:
    return set(operation["responses"].get("200", {}).get("content", {})) == {"text/html"}


def test_every_error_response_is_documented_as_a_problem(document: dict[str, Any]) -> None:
    """Each 4xx/5xx response is application/problem+json with the Problem schema (a page's 404 is HTML)."""
    wrong = [
        f"{method.upper()} {path} {code}"
        for method, path, operation in _operations(document)
        for code, response in operation["responses"].items()
        if code[0] in "45"
        and response.get("content")
        != {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        and not (code == "404" and _is_page(operation))
    ]
    assert wrong == []
    assert "Problem" in document["components"]["schemas"]


def test_protected_operations_declare_both_login_schemes_and_401_403(document: dict[str, Any]) -> None:
    """Every operation outside the public list names the bearer and cookie schemes and lists 401 and 403."""
    for method, path, operation in _operations(document):
        if (method, path) in PUBLIC_OPERATIONS:
            continue
        schemes = {name for requirement in operation.get("security", []) for name in requirement}
        assert schemes == {"OAuth2PasswordBearer", "APIKeyCookie"}, f"{method} {path}"
        assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"
