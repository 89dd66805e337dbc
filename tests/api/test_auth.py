"""Logging in by password (bearer token) and by form (session cookie), and what each login may do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import ALGORITHM, AUDIENCE, SESSION_COOKIE
from dispatch.config import Settings
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD
from tests.api.conftest import OWN_TECHNICIAN, TECHNICIAN_EMAIL, TECHNICIAN_PASSWORD, TEST_JWT_SECRET

pytestmark = pytest.mark.postgis


def test_password_flow_issues_a_token_that_identifies_the_user(client: TestClient) -> None:
    """POST /auth/token with the right password gives a bearer token that /auth/me accepts."""
    answer = client.post(
        "/auth/token", data={"username": DEMO_DISPATCHER_EMAIL, "password": DEMO_DISPATCHER_PASSWORD}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == DEMO_DISPATCHER_EMAIL and me.json()["role"] == "dispatcher"


def test_email_is_matched_whatever_its_case(client: TestClient) -> None:
    """An email typed in capitals logs in to the same account."""
    answer = client.post(
        "/auth/token", data={"username": DEMO_DISPATCHER_EMAIL.upper(), "password": DEMO_DISPATCHER_PASSWORD}
    )
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("email", "password"),
    [(DEMO_DISPATCHER_EMAIL, "wrong-password-123"), ("nobody@fieldops.example", DEMO_DISPATCHER_PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_wrong_login_is_a_401_problem(client: TestClient, email: str, password: str) -> None:
    """A wrong password or unknown email gets the same 401 problem, without saying which was wrong."""
    answer = client.post("/auth/token", data={"username": email, "password": password})
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"] == "wrong email or password"


def test_form_login_sets_a_secure_httponly_lax_cookie_that_authenticates(client: TestClient) -> None:
    """POST /auth/login sets the session cookie (Secure, HttpOnly, SameSite=Lax) and the cookie logs in."""
    client.cookies.clear()
    answer = client.post("/auth/login", data={"username": TECHNICIAN_EMAIL, "password": TECHNICIAN_PASSWORD})
    assert answer.status_code == 200
    assert answer.json()["technician_id"] == OWN_TECHNICIAN
    cookie = answer.headers["set-cookie"].lower()
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
    me = client.get("/auth/me")
    assert me.status_code == 200 and me.json()["email"] == TECHNICIAN_EMAIL
    assert client.post("/auth/logout").status_code == 204
    assert client.get("/auth/me").status_code == 401
    client.cookies.clear()


def test_form_login_redirects_only_to_a_local_path(client: TestClient) -> None:
    """A ``next`` path on this site is followed with 303; another site is ignored (no open redirect)."""
    form = {"username": TECHNICIAN_EMAIL, "password": TECHNICIAN_PASSWORD}
    local = client.post("/auth/login", data={**form, "next": "/sheet"}, follow_redirects=False)
    assert local.status_code == 303 and local.headers["location"] == "/sheet"
    assert SESSION_COOKIE in local.headers["set-cookie"]
    foreign = client.post("/auth/login", data={**form, "next": "//evil.example/"}, follow_redirects=False)
    assert foreign.status_code == 200
    client.cookies.clear()


def _token(secret: str, *, expires_in: timedelta, subject: str = "ACC-missing") -> str:
    issued = datetime.now(UTC)
    claims = {"sub": subject, "aud": AUDIENCE, "iat": issued, "exp": issued + expires_in}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def _dispatcher_id(client: TestClient, headers: dict[str, str]) -> str:
    identifier: str = client.get("/auth/me", headers=headers).json()["id"]
    return identifier


@pytest.mark.parametrize("case", ["expired", "other-secret", "garbage", "unknown-account"])
def test_bad_tokens_are_refused_with_401(
    client: TestClient, dispatcher_headers: dict[str, str], case: str
) -> None:
    """Expired, forged, malformed tokens and tokens of no account are all 401, never accepted."""
    subject = _dispatcher_id(client, dispatcher_headers)
    token = {
        "expired": _token(TEST_JWT_SECRET, expires_in=timedelta(seconds=-1), subject=subject),
        "other-secret": _token("another-secret-of-sufficient-length-000", expires_in=timedelta(hours=1)),
        "garbage": "not.a.jwt",
        "unknown-account": _token(TEST_JWT_SECRET, expires_in=timedelta(hours=1)),
    }[case]
    answer = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"


def test_health_answers_without_login(client: TestClient) -> None:
    """GET /health needs no login and reports the database answering."""
    client.cookies.clear()
    answer = client.get("/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok"}


FORMER_SOURCE_SECRET = "development-only-secret-change-me-in-production"
"""The signing key earlier versions used when none was set: public, so no server may accept it."""


def test_a_server_started_without_a_secret_refuses_tokens_signed_with_the_former_source_key(
    client: TestClient, dispatcher_headers: dict[str, str], api_settings: Settings, tmp_path: Path
) -> None:
    """A development server with no DISPATCH_JWT_SECRET signs with a key of its own, not the published one."""
    subject = _dispatcher_id(client, dispatcher_headers)
    forged = _token(FORMER_SOURCE_SECRET, expires_in=timedelta(hours=1), subject=subject)
    settings = Settings(
        database_url=api_settings.database_url, environment="development", data_dir=tmp_path / ".dispatch"
    )
    with TestClient(create_app(settings), base_url="https://testserver") as fresh:
        answer = fresh.get("/auth/me", headers={"Authorization": f"Bearer {forged}"})
        assert answer.status_code == 401
        logged_in = fresh.post(
            "/auth/token", data={"username": DEMO_DISPATCHER_EMAIL, "password": DEMO_DISPATCHER_PASSWORD}
        )
        own = {"Authorization": f"Bearer {logged_in.json()['access_token']}"}
        assert fresh.get("/auth/me", headers=own).json()["id"] == subject


def test_a_technician_login_lasts_a_working_day_and_a_dispatcher_login_an_hour(client: TestClient) -> None:
    """Technicians on site keep their session technician_session_hours (12); dispatchers 60 minutes."""
    technician = client.post(
        "/auth/token", data={"username": TECHNICIAN_EMAIL, "password": TECHNICIAN_PASSWORD}
    )
    dispatcher = client.post(
        "/auth/token", data={"username": DEMO_DISPATCHER_EMAIL, "password": DEMO_DISPATCHER_PASSWORD}
    )
    assert technician.json()["expires_in"] == 12 * 3600
    assert dispatcher.json()["expires_in"] == 3600
    claims = jwt.decode(
        technician.json()["access_token"], TEST_JWT_SECRET, algorithms=[ALGORITHM], audience=AUDIENCE
    )
    assert claims["exp"] - claims["iat"] == 12 * 3600
    form = client.post("/auth/login", data={"username": TECHNICIAN_EMAIL, "password": TECHNICIAN_PASSWORD})
    assert f"Max-Age={12 * 3600}" in form.headers["set-cookie"]
    client.cookies.clear()
