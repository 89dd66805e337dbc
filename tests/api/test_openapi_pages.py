"""The OpenAPI document tells how a page answers a missing record: an HTML page, not a problem document."""

from __future__ import annotations

from typing import Any

from api.main import create_app
from dispatch.config import Settings
from tests.api.conftest import TEST_JWT_SECRET


def _document() -> dict[str, Any]:
    return create_app(Settings(environment="test", jwt_secret=TEST_JWT_SECRET)).openapi()


def test_the_tracking_page_documents_its_404_as_html() -> None:
    """GET /track/{token} answers an unknown link with an HTML page, and the document says so."""
    responses = _document()["paths"]["/track/{token}"]["get"]["responses"]
    assert set(responses["404"]["content"]) == {"text/html"}
    assert set(responses["422"]["content"]) == {"application/problem+json"}


def test_the_json_tracking_view_keeps_its_404_a_problem_document() -> None:
    """GET /track/{token}.json, a JSON answer, documents its 404 as a problem document."""
    responses = _document()["paths"]["/track/{token}.json"]["get"]["responses"]
    assert set(responses["404"]["content"]) == {"application/problem+json"}
