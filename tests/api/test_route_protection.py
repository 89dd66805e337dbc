"""Every route needs a login, except the short list of public ones: checked on the app's own route table."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Mount, Route

from api.deps import get_current_user, get_page_user

pytestmark = pytest.mark.postgis

PUBLIC_ROUTES = {
    ("GET", "/health"),
    ("POST", "/auth/token"),
    ("POST", "/auth/login"),
    ("POST", "/auth/logout"),
    ("GET", "/tech/login"),
    ("GET", "/customer/login"),
    ("GET", "/tech/sw.js"),
    ("GET", "/static/{name}"),
    ("GET", "/track/{token}"),
    ("GET", "/track/{token}.json"),
    ("GET", "/board/login"),
    ("GET", "/map"),
}
"""Routes open to anyone: logging in and out, the health check, the technicians', dispatchers' and customer
users' login pages with the service worker and static files, the customers' tracking link (its token is the
credential), and ``/map``, which only leads to the board."""

LOGIN_PAGES = {
    ("GET", "/tech/sheet"): "/tech/login",
    ("GET", "/board"): "/board/login",
    ("GET", "/board/accounts"): "/board/login",
    ("GET", "/"): "/board/login",
    ("GET", "/customer/tickets"): "/customer/login",
}
"""Pages that need a login too, but send a browser without a valid session to their login form."""

DOCUMENTATION_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
DOCUMENTATION_MOUNTS = {"/static/vendor/swagger-ui", "/static/vendor/leaflet"}
"""The documentation page's own copy of Swagger UI and the board's map library: static files only."""


def _calls(dependant: Dependant) -> Iterator[object]:
    yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _requires_login(dependant: Dependant) -> bool:
    return any(call is get_current_user or call is get_page_user for call in _calls(dependant))


def _is_included_router(route: BaseRoute) -> bool:
    """FastAPI keeps an included router as one route entry that expands into its routes."""
    return hasattr(route, "effective_route_contexts")


def _api_routes(routes: list[BaseRoute]) -> list[tuple[str, str, Dependant]]:
    """(method, path, dependencies) of every API route, those of included routers expanded."""
    found: list[tuple[str, str, Dependant]] = []
    for route in routes:
        if isinstance(route, APIRoute) and route.path in DOCUMENTATION_PATHS:
            continue  # the public documentation pages, as FastAPI's own would be
        if isinstance(route, APIRoute):
            found.extend((method, route.path, route.dependant) for method in sorted(route.methods))
        elif _is_included_router(route):
            for context in route.effective_route_contexts():  # type: ignore[attr-defined]
                if isinstance(context.original_route, APIRoute):
                    assert context.dependant is not None
                    found.extend(
                        (method, context.path, context.dependant) for method in sorted(context.methods)
                    )
                else:
                    found.append(("*", context.path or repr(context.original_route), Dependant()))
    return found


def test_every_route_outside_the_public_list_requires_a_login(app: FastAPI) -> None:
    """No API route lacks the authentication dependency unless it is listed as public."""
    unprotected = [
        f"{method} {path}"
        for method, path, dependant in _api_routes(app.routes)
        if (method, path) not in PUBLIC_ROUTES and not _requires_login(dependant)
    ]
    assert unprotected == []


def test_no_other_kind_of_route_exists_besides_the_documentation(app: FastAPI) -> None:
    """Routes that are not API routes (mounts, plain routes) are only the OpenAPI documents."""
    others = [
        getattr(route, "path", repr(route))
        for route in app.routes
        if not isinstance(route, APIRoute)
        and not _is_included_router(route)
        and not (isinstance(route, Route) and route.path in DOCUMENTATION_PATHS)
        and not (isinstance(route, Mount) and route.path in DOCUMENTATION_MOUNTS)
    ]
    others += [path for method, path, _ in _api_routes(app.routes) if method == "*"]
    assert others == []


def test_public_routes_still_exist_and_the_walk_sees_protected_ones(app: FastAPI) -> None:
    """The public list names real routes (no stale exemption), and the walk finds dispatcher routes too."""
    present = {(method, path) for method, path, _ in _api_routes(app.routes)}
    assert present >= PUBLIC_ROUTES
    assert {("GET", "/customers"), ("GET", "/auth/me")} <= present


def test_every_protected_route_answers_401_without_credentials(app: FastAPI, client: TestClient) -> None:
    """Calling each protected route with no token and no cookie is refused with 401, never served."""
    client.cookies.clear()
    answers = {}
    for method, path, _ in _api_routes(app.routes):
        if (method, path) in PUBLIC_ROUTES:
            continue
        concrete = re.sub(r"\{[^}]+\}", "X-1", path)
        answer = client.request(method, concrete, follow_redirects=False)
        if (method, path) in LOGIN_PAGES:
            assert (answer.status_code, answer.headers["location"]) == (303, LOGIN_PAGES[(method, path)])
            continue
        answers[f"{method} {path}"] = answer.status_code
    assert answers, "the app has protected routes"
    assert {route: code for route, code in answers.items() if code != 401} == {}
