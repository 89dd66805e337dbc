"""The ``Allow`` header of a 405 lists the methods of the requested resource, as the OpenAPI document does."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from dispatch.config import Settings
from tests.api.conftest import TEST_JWT_SECRET


def _app_with_a_fixed_path_beside_a_templated_one() -> FastAPI:
    """``/archive/latest`` (GET) beside ``/archive/{entry_id}`` (GET, DELETE) in two included routers.

    The shape of ``/plans/published`` beside ``/plans/{plan_id}``: routers of their own, as the app has.
    """
    app = create_app(Settings(environment="test", jwt_secret=TEST_JWT_SECRET))
    latest_router = APIRouter(prefix="/archive")
    entry_router = APIRouter(prefix="/archive")

    @latest_router.get("/latest")
    def latest() -> dict[str, str]:
        return {"entry": "latest"}

    @entry_router.get("/{entry_id}")
    def entry(entry_id: str) -> dict[str, str]:
        return {"entry": entry_id}

    @entry_router.delete("/{entry_id}", status_code=204)
    def forget(entry_id: str) -> None:
        return None

    app.include_router(latest_router)
    app.include_router(entry_router)
    return app


def test_allow_names_only_the_methods_of_the_fixed_path_not_those_of_a_template_matching_it() -> None:
    """OPTIONS /archive/latest is a 405 allowing GET only, not the template's DELETE."""
    client = TestClient(_app_with_a_fixed_path_beside_a_templated_one(), base_url="https://testserver")
    answer = client.options("/archive/latest")
    assert answer.status_code == 405
    assert set(answer.headers["allow"].split(", ")) == {"GET"}
    assert "DELETE" not in answer.json()["detail"]


def test_allow_of_the_templated_path_keeps_all_its_methods() -> None:
    """OPTIONS /archive/42 is a 405 allowing GET and DELETE, all served at that template."""
    client = TestClient(_app_with_a_fixed_path_beside_a_templated_one(), base_url="https://testserver")
    answer = client.options("/archive/42")
    assert answer.status_code == 405
    assert set(answer.headers["allow"].split(", ")) == {"GET", "DELETE"}
