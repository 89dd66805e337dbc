"""Every error leaves the service as an RFC 9457 problem document (``application/problem+json``).

Domain errors (missing records and clashes with stored data among them) and bad input each map to one
status here, in one place; anything unexpected becomes a bare 500 problem whose body reveals nothing of the
server's internals.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from dispatch.domain.errors import (
    Conflict,
    DomainError,
    InvalidReference,
    RecordNotFound,
    Stale,
    StorageRuleBroken,
    StorageUnavailable,
    Unstorable,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"

logger = logging.getLogger("api")


def problem(
    status: int,
    detail: str,
    *,
    instance: str,
    type_: str = "about:blank",
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """A problem response; ``about:blank`` problems are titled by their HTTP status phrase."""
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        **extensions,
    }
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=dict(headers) if headers else None
    )


def _instance(request: Request) -> str:
    return request.url.path


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _served_methods(request: Request) -> list[str]:
    """The methods some route serves at this request's path."""
    served = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            served.append(method)
    return served


def _documented_methods(app: FastAPI, path: str) -> set[str] | None:
    """The methods of the OpenAPI path item naming ``path``; fixed paths win over templates, as in OpenAPI."""
    items: dict[str, dict[str, Any]] = app.openapi().get("paths", {})
    for template in sorted(items, key=lambda template: template.count("{")):
        if re.fullmatch(re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template)), path):
            return {method.upper() for method in items[template]}
    return None


def allowed_methods(request: Request) -> list[str]:
    """The methods of the resource at this request's path (for the ``Allow`` header of a 405).

    A documented path lists what its OpenAPI path item lists, so ``DELETE /plans/{plan_id}`` does not
    make DELETE a method of ``/plans/published``, a path item of its own; pages outside the document
    list every method some route serves there.
    """
    served = _served_methods(request)
    documented = _documented_methods(request.app, request.url.path)
    if documented is None:
        return served
    return [method for method in served if method in documented]


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).description
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        allowed = allowed_methods(request)
        headers["Allow"] = ", ".join(allowed)
        detail = f"{request.method} is not served at this path; it serves {', '.join(allowed)}"
    return problem(exc.status_code, detail, instance=_instance(request), headers=headers)


def field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic's error list as ``{"field": "body.location.lat", "message": ...}`` entries."""
    listed = []
    for error in errors:
        location = ".".join(str(part) for part in error.get("loc", ()))
        listed.append({"field": location, "message": str(error.get("msg", "invalid value"))})
    return listed


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = field_errors(exc.errors())
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return problem(
        422,
        f"the request is not valid: {summary}",
        instance=_instance(request),
        type_=f"{PROBLEM_BASE}validation-error",
        title="Invalid request",
        errors=errors,
    )


# Domain errors that are not a plain broken business rule (422): status, problem type and title.
_DOMAIN_STATUS: tuple[tuple[type[DomainError], int, str, str], ...] = (
    (RecordNotFound, 404, "not-found", "Not found"),
    (Conflict, 409, "conflict", "Conflict"),
    (InvalidReference, 422, "invalid-reference", "Invalid reference"),
    (StorageRuleBroken, 422, "broken-rule", "Refused by a storage rule"),
    (Unstorable, 422, "unstorable-value", "Unstorable value"),
)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    """The domain's refusal in its own words; stored data clashes arrive here too, already explained by
    the services' unit of work (the database's own text stays in the log)."""
    assert isinstance(exc, DomainError)
    if isinstance(exc, StorageUnavailable):
        logger.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc.__cause__)
        return problem(
            503,
            f"{exc}; try again in {exc.retry_after_s} s (a repeated report or edit takes effect once)",
            instance=_instance(request),
            type_=f"{PROBLEM_BASE}database-unavailable",
            title="Database unavailable",
            headers={"Retry-After": str(exc.retry_after_s)},
        )
    if isinstance(exc, Stale):
        response = problem(
            412,
            str(exc),
            instance=_instance(request),
            type_=f"{PROBLEM_BASE}stale-version",
            title="Changed meanwhile",
            current_version=exc.current,
        )
        if exc.current is not None:
            response.headers["ETag"] = f'"{exc.current}"'
        return response
    for kind, status, type_, title in _DOMAIN_STATUS:
        if isinstance(exc, kind):
            return problem(
                status,
                str(exc),
                instance=_instance(request),
                type_=f"{PROBLEM_BASE}{type_}",
                title=title,
                **getattr(exc, "extensions", {}),
            )
    return problem(
        422,
        str(exc),
        instance=_instance(request),
        type_=f"{PROBLEM_BASE}business-rule",
        title="Refused by a business rule",
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        500,
        "the server failed to answer this request; the error has been logged",
        instance=_instance(request),
        type_=f"{PROBLEM_BASE}internal-error",
        title="Internal server error",
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Register every error-to-problem mapping on ``app``."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(Exception, _unexpected_error)
