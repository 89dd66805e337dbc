"""The OpenAPI document states what errors really look like: problem details, with every status we send.

FastAPI documents only a 422 in its own shape; this rewrites error responses of every operation to
``application/problem+json`` with the ``Problem`` schema, and lists 401/403 on protected operations.
A page (an operation whose success is HTML only, such as a customer's tracking page) answers a
missing or expired record with an HTML page a person can read, so its 404 is documented as HTML.

It also states how the resources chain (OpenAPI links, ``_LINKS``): what a created customer's id opens
(its record, a site, a contract), a site's (a ticket), a ticket's (its record and actions, a job), a job's,
a plan request's (its status, stopping it), and so on, so a client (and a stateful test) can follow
each answer to the next call. A link's ``requestBody`` names the body fields it sets from the answer;
the other fields are the caller's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
class _Link:
    """From the success ``status`` of ``source`` ("METHOD /path") to ``target``, passing ``parameters``."""

    source: str
    status: str
    name: str
    target: str
    parameters: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] | None = None


def _by_id(path_parameter: str, path: str, methods: str, status: str, source: str, what: str) -> list[_Link]:
    """Links from ``source`` to each of ``methods`` on ``path``, its ``path_parameter`` the answer's id."""
    return [
        _Link(
            source,
            status,
            f"{method}{what}",
            f"{method.upper()} {path}",
            {path_parameter: "$response.body#/id"},
        )
        for method in methods.split()
    ]


_ID = "$response.body#/id"
_LINKS: tuple[_Link, ...] = (
    *_by_id(
        "customer_id", "/customers/{customer_id}", "get put delete", "201", "POST /customers", "Customer"
    ),
    _Link("POST /customers", "201", "createSite", "POST /sites", body={"customer_id": _ID}),
    _Link("POST /customers", "201", "createContract", "POST /contracts", body={"customer_id": _ID}),
    *_by_id("site_id", "/sites/{site_id}", "get put delete", "201", "POST /sites", "Site"),
    _Link("POST /sites", "201", "createTicket", "POST /tickets", body={"site_id": _ID}),
    *_by_id(
        "contract_id", "/contracts/{contract_id}", "get put delete", "201", "POST /contracts", "Contract"
    ),
    _Link("POST /contracts", "201", "createTicket", "POST /tickets", body={"contract_id": _ID}),
    *_by_id("ticket_id", "/tickets/{ticket_id}", "get put delete", "201", "POST /tickets", "Ticket"),
    *(
        _Link("POST /tickets", "201", name, target, {"ticket_id": _ID})
        for name, target in (
            ("getTicketPauses", "GET /tickets/{ticket_id}/pauses"),
            ("getTicketAudit", "GET /tickets/{ticket_id}/audit"),
            ("transitionTicket", "POST /tickets/{ticket_id}/transitions"),
            ("triageTicket", "POST /tickets/{ticket_id}/triage"),
            ("recordRemoteAttempt", "POST /tickets/{ticket_id}/remote-attempts"),
            ("getOnsiteProposal", "GET /tickets/{ticket_id}/onsite-proposal"),
            ("escalateTicket", "POST /tickets/{ticket_id}/escalations"),
            ("createTrackingLink", "POST /tickets/{ticket_id}/tracking-link"),
        )
    ),
    _Link(
        "POST /tickets",
        "201",
        "createJob",
        "POST /jobs",
        body={"ticket_id": _ID, "site_id": "$response.body#/site_id"},
    ),
    *_by_id("job_id", "/jobs/{job_id}", "get put delete", "201", "POST /jobs", "Job"),
    *(
        _Link("POST /jobs", "201", name, target, {"job_id": _ID})
        for name, target in (
            ("cancelJob", "POST /jobs/{job_id}/cancel"),
            ("getJobChecklist", "GET /jobs/{job_id}/checklist"),
            ("getJobReports", "GET /jobs/{job_id}/reports"),
            ("reportOnVisit", "POST /tech/visits/{job_id}/reports"),
        )
    ),
    *_by_id("plan_job_id", "/plans/{plan_job_id}", "get delete", "202", "POST /plans", "PlanJob"),
    *_by_id(
        "technician_id",
        "/technicians/{technician_id}",
        "get put delete",
        "201",
        "POST /technicians",
        "Technician",
    ),
    *(
        _Link("POST /technicians", "201", name, target, {"technician_id": _ID})
        for name, target in (
            ("getVanStock", "GET /technicians/{technician_id}/van-stock"),
            ("getVanStockNow", "GET /technicians/{technician_id}/van-stock-now"),
            ("getSheet", "GET /technicians/{technician_id}/sheet"),
        )
    ),
    *_by_id("depot_id", "/depots/{depot_id}", "get put delete", "201", "POST /depots", "Depot"),
    _Link("POST /depots", "201", "getDepotStock", "GET /depots/{depot_id}/stock", {"depot_id": _ID}),
    *(
        _Link(
            "POST /parts",
            "201",
            f"{method}Part",
            f"{method.upper()} /parts/{{sku}}",
            {"sku": "$response.body#/sku"},
        )
        for method in ("get", "put", "delete")
    ),
    *_by_id(
        "procedure_id", "/procedures/{procedure_id}", "get put delete", "201", "POST /procedures", "Procedure"
    ),
    *(
        _Link("POST /accounts", "201", name, target, {"account_id": _ID})
        for name, target in (
            ("disableAccount", "POST /accounts/{account_id}/disable"),
            ("enableAccount", "POST /accounts/{account_id}/enable"),
            ("setAccountPassword", "PUT /accounts/{account_id}/password"),
        )
    ),
)
"""How created resources lead on, naming operations by method and path (checked as the document is built)."""


def _operation(schema: dict[str, Any], method_and_path: str) -> dict[str, Any]:
    method, path = method_and_path.split(" ", 1)
    try:
        operation: dict[str, Any] = schema["paths"][path][method.lower()]
    except KeyError:
        raise LookupError(f"an OpenAPI link names {method_and_path}, which the app does not serve") from None
    return operation


def _with_links(schema: dict[str, Any], links: tuple[_Link, ...] = _LINKS) -> dict[str, Any]:
    """``links`` added to the responses they start from, naming their targets by ``operationId``."""
    for link in links:
        response = _operation(schema, link.source)["responses"][link.status]
        definition: dict[str, Any] = {"operationId": _operation(schema, link.target)["operationId"]}
        if link.parameters:
            definition["parameters"] = dict(link.parameters)
        if link.body is not None:
            definition["requestBody"] = dict(link.body)
        response.setdefault("links", {})[link.name] = definition
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
            app.openapi_schema = _with_links(_with_problem_responses(schema))
        return app.openapi_schema

    return openapi
