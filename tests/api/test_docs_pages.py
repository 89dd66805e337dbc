"""The API documentation page works without internet access: every script and style it loads is ours."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.main import create_app
from dispatch.config import Settings
from tests.api.conftest import TEST_JWT_SECRET


def _client() -> TestClient:
    return TestClient(create_app(Settings(environment="test", jwt_secret=TEST_JWT_SECRET)))


def test_the_docs_page_loads_only_assets_the_service_serves() -> None:
    """Every script, style and icon of /docs is served here (no CDN), and each answers 200."""
    client = _client()
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/static/vendor/swagger-ui/") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_redoc_sends_to_the_docs_page() -> None:
    """The former ReDoc address leads to the working documentation page."""
    answer = _client().get("/redoc", follow_redirects=False)
    assert answer.status_code == 307 and answer.headers["location"] == "/docs"
