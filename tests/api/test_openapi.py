"""The OpenAPI document tells clients the truth about errors and authentication."""

from __future__ import annotations

import re
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


def test_the_resource_chains_are_documented_as_links(document: dict[str, Any]) -> None:
    """Customer -> site -> ticket -> job and a plan request -> its status are links with their fields."""
    operation_ids = {op["operationId"]: (m, p) for m, p, op in _operations(document) if "operationId" in op}

    def links(method: str, path: str, status: str) -> dict[str, tuple[tuple[str, str], dict[str, Any]]]:
        found = document["paths"][path][method]["responses"][status].get("links", {})
        return {name: (operation_ids[link["operationId"]], link) for name, link in found.items()}

    customer = links("post", "/customers", "201")
    assert customer["createSite"][0] == ("post", "/sites")
    assert customer["createSite"][1]["requestBody"] == {"customer_id": "$response.body#/id"}
    assert customer["getCustomer"][1]["parameters"] == {"customer_id": "$response.body#/id"}
    assert links("post", "/sites", "201")["createTicket"][0] == ("post", "/tickets")
    job = links("post", "/tickets", "201")["createJob"]
    assert job[0] == ("post", "/jobs")
    assert job[1]["requestBody"] == {"ticket_id": "$response.body#/id", "site_id": "$response.body#/site_id"}
    assert links("post", "/jobs", "201")["reportOnVisit"][0] == ("post", "/tech/visits/{job_id}/reports")
    plan = links("post", "/plans", "202")
    assert plan["getPlanJob"] == (("get", "/plans/{plan_job_id}"), plan["getPlanJob"][1])
    assert plan["getPlanJob"][1]["parameters"] == {"plan_job_id": "$response.body#/id"}


def test_every_link_names_a_served_operation_and_its_path_parameters(document: dict[str, Any]) -> None:
    """Each link's target exists, and the parameters it sets are path parameters of that target."""
    by_id = {op["operationId"]: op for _, _, op in _operations(document) if "operationId" in op}
    seen = 0
    for _, _, operation in _operations(document):
        for response in operation.get("responses", {}).values():
            for link in response.get("links", {}).values():
                seen += 1
                target = by_id[link["operationId"]]
                path_parameters = {p["name"] for p in target.get("parameters", []) if p["in"] == "path"}
                assert set(link.get("parameters", {})) <= path_parameters
    assert seen >= 40


def test_a_link_to_an_operation_the_app_does_not_serve_is_refused_when_the_document_is_built() -> None:
    """A link naming a route that is gone fails loudly instead of documenting a dead end."""
    from api.openapi import _Link, _with_links

    schema = {"paths": {"/customers": {"post": {"operationId": "create", "responses": {"201": {}}}}}}
    with pytest.raises(LookupError, match=re.escape("GET /customers/{customer_id}")):
        _with_links(schema, (_Link("POST /customers", "201", "getCustomer", "GET /customers/{customer_id}"),))
