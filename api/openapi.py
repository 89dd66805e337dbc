"""The OpenAPI document states what errors really look like: problem details, with every status we send.

FastAPI documents only a 422 in its own shape; this rewrites error responses of every operation to
``application/problem+json`` with the ``Problem`` schema, and lists 401/403 on protected operations.
A page (an operation whose success is HTML only, such as a customer's tracking page) answers a
missing or expired record with an HTML page a person can read, so its 404 is documented as HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.schemas.common import Problem

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_ERRORS_OF_ALL = {
    "404": "No such record",
    "422": "Invalid request or refused by a business rule",
    "500": "The server failed; nothing internal is revealed",
}
_ERRORS_OF_PROTECTED = {"401": "Not logged in, or the token expired", "403": "The account's role may not"}
_ERRORS_OF_WRITES = {"409": "Clashes with stored data (duplicate key, still referenced)"}
_WRITES = {"post", "put", "patch", "delete"}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _PROBLEM_REF}}}


_HTML_PAGE = {"text/html": {"schema": {"type": "string"}}}


def _is_page(responses: dict[str, Any]) -> bool:
    """Whether every success of the operation is an HTML page."""
    successes = [response for code, response in responses.items() if code.startswith("2")]
    return bool(successes) and all(set(success.get("content", {})) == {"text/html"} for success in successes)


def _with_problem_responses(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components["Problem"] = problem_schema
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            wanted = dict(_ERRORS_OF_ALL)
            if operation.get("security"):
                wanted |= _ERRORS_OF_PROTECTED
            if method in _WRITES:
                wanted |= _ERRORS_OF_WRITES
            if "requestBody" in operation:
                wanted["400"] = "The body cannot be read (not UTF-8 or not the declared media type)"
            for code, description in wanted.items():
                responses.setdefault(code, {"description": description})
            page = _is_page(responses)
            for code, response in list(responses.items()):
                if code[0] in "45":
                    responses[code] = _problem_response(response.get("description") or "Error")
            if page and "404" in responses:
                responses["404"] = {"description": responses["404"]["description"], "content": _HTML_PAGE}
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def problem_aware_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """A replacement for ``app.openapi`` that documents problem responses (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            app.openapi_schema = _with_problem_responses(schema)
        return app.openapi_schema

    return openapi
