"""Managing logins through /accounts: only admins, refusals in plain words, and a disabled login stops."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dispatch.persistence.repositories import TechnicianRepository
from dispatch.persistence.repositories.audit import entries_of_subjects
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD
from dispatch.services.audit import ACCOUNT
from dispatch.services.unit_of_work import unit_of_work
from tests.api.conftest import OWN_TECHNICIAN, TECHNICIAN_EMAIL, bearer_for

NEW_TECHNICIAN = "T-NEW"
PASSWORD = "a sound password 42"


@pytest.fixture(scope="module")
def spare_technician(app: FastAPI, client: TestClient) -> str:
    """A stored technician without a login (every demo technician has one)."""
    with unit_of_work(app.state.session_factory) as session:
        technicians = TechnicianRepository(session)
        model = technicians.require(OWN_TECHNICIAN)
        technicians.add(dataclasses.replace(model, id=NEW_TECHNICIAN, email="new.tech@fieldops.example"))
    return NEW_TECHNICIAN


@pytest.fixture
def fresh_cookies(client: TestClient) -> Iterator[None]:
    client.cookies.clear()
    yield
    client.cookies.clear()


def _create(client: TestClient, headers: dict[str, str], **fields: Any) -> Any:
    body = {"email": "someone@fieldops.example", "display_name": "Someone", "role": "dispatcher"}
    body |= {"password": PASSWORD} | fields
    return client.post("/accounts", json=body, headers=headers)


def _account_id(client: TestClient, headers: dict[str, str], email: str) -> str:
    listed = client.get("/accounts", params={"limit": 500}, headers=headers).json()["items"]
    return next(item["id"] for item in listed if item["email"] == email)


def _login(client: TestClient, email: str, password: str) -> int:
    answer = client.post("/auth/token", data={"username": email, "password": password})
    return answer.status_code


def test_admin_lists_every_login(client: TestClient, dispatcher_headers: dict[str, str]) -> None:
    """The demo dispatcher is an admin and sees email, role, technician, disabled and creation time."""
    answer = client.get("/accounts", params={"limit": 500}, headers=dispatcher_headers)
    assert answer.status_code == 200, answer.text
    by_email = {item["email"]: item for item in answer.json()["items"]}
    assert by_email[DEMO_DISPATCHER_EMAIL]["is_admin"] is True
    technician = by_email[TECHNICIAN_EMAIL]
    assert technician["role"] == "technician" and technician["technician_id"] == OWN_TECHNICIAN
    assert technician["disabled"] is False and technician["is_admin"] is False
    assert technician["created_at"]
    assert all("password" not in key for item in by_email.values() for key in item)


def test_non_admins_are_refused_with_a_403(
    client: TestClient, dispatcher_headers: dict[str, str], technician_headers: dict[str, str]
) -> None:
    """A dispatcher who is not an admin, and a technician, get a 403 saying an admin is needed."""
    made = _create(client, dispatcher_headers, email="plain.dispatcher@fieldops.example")
    assert made.status_code == 201, made.text
    assert made.json()["is_admin"] is False
    plain = bearer_for(client, "plain.dispatcher@fieldops.example", PASSWORD)
    for headers in (plain, technician_headers):
        refused = client.get("/accounts", headers=headers)
        assert refused.status_code == 403
        assert refused.json()["detail"] == "managing logins needs an admin dispatcher's account"
    assert _create(client, plain, email="sneaky@fieldops.example").status_code == 403


def test_a_technician_login_is_made_for_a_stored_technician(
    client: TestClient, dispatcher_headers: dict[str, str], spare_technician: str
) -> None:
    """The new login opens the technician's own sheet; an unknown technician is refused in plain words."""
    made = _create(
        client,
        dispatcher_headers,
        email="New.Tech@fieldops.example",
        role="technician",
        technician_id=spare_technician,
    )
    assert made.status_code == 201, made.text
    assert made.json()["email"] == "new.tech@fieldops.example"
    assert made.json()["technician_id"] == spare_technician
    me = client.get("/auth/me", headers=bearer_for(client, "new.tech@fieldops.example", PASSWORD))
    assert me.json()["technician_id"] == spare_technician
    unknown = _create(
        client, dispatcher_headers, email="ghost@fieldops.example", role="technician", technician_id="T-GHOST"
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "no technician 'T-GHOST' to link the account to"
    twice = _create(
        client,
        dispatcher_headers,
        email="again@fieldops.example",
        role="technician",
        technician_id=OWN_TECHNICIAN,
    )
    assert twice.status_code == 409
    assert twice.json()["detail"] == f"technician {OWN_TECHNICIAN!r} already has a login"


@pytest.mark.parametrize(
    ("fields", "status", "detail"),
    [
        ({"password": "short"}, 422, "a password needs at least 10 characters"),
        ({"password": "aaaaabbbbbb"}, 422, "a password needs at least 4 different characters"),
        (
            {"email": "same.as.password@fieldops.example", "password": "same.as.password@fieldops.example"},
            422,
            "a password cannot be the login's own email",
        ),
        (
            {"email": DEMO_DISPATCHER_EMAIL.upper()},
            409,
            f"an account with email {DEMO_DISPATCHER_EMAIL!r} already exists",
        ),
        ({"role": "technician"}, 422, "a technician's login must name the technician"),
        (
            {"is_admin": True, "role": "technician", "technician_id": OWN_TECHNICIAN},
            422,
            "only a dispatcher can be an admin",
        ),
    ],
    ids=["short", "few-characters", "email", "duplicate", "technician-unnamed", "admin-technician"],
)
def test_refusals_say_why(
    client: TestClient, dispatcher_headers: dict[str, str], fields: dict[str, Any], status: int, detail: str
) -> None:
    """A weak password or a taken email is a 4xx problem whose detail says what to change."""
    answer = _create(client, dispatcher_headers, **({"email": "refused@fieldops.example"} | fields))
    assert answer.status_code == status, answer.text
    assert answer.json()["detail"] == detail


def test_a_disabled_login_cannot_log_in_and_its_sessions_stop(
    client: TestClient, dispatcher_headers: dict[str, str], fresh_cookies: None
) -> None:
    """Disabling refuses the next login and the token already issued; enabling lets both work again."""
    assert _create(client, dispatcher_headers, email="leaving@fieldops.example").status_code == 201
    token = bearer_for(client, "leaving@fieldops.example", PASSWORD)
    account_id = _account_id(client, dispatcher_headers, "leaving@fieldops.example")
    disabled = client.post(f"/accounts/{account_id}/disable", headers=dispatcher_headers)
    assert disabled.status_code == 200 and disabled.json()["disabled"] is True
    assert _login(client, "leaving@fieldops.example", PASSWORD) == 401
    refused = client.get("/auth/me", headers=token)
    assert refused.status_code == 401
    assert refused.json()["detail"].startswith("the account of this token no longer exists or is disabled")
    enabled = client.post(f"/accounts/{account_id}/enable", headers=dispatcher_headers)
    assert enabled.status_code == 200 and enabled.json()["disabled"] is False
    assert client.get("/auth/me", headers=token).status_code == 200
    assert _login(client, "leaving@fieldops.example", PASSWORD) == 200


def test_an_admin_cannot_disable_themselves(client: TestClient, dispatcher_headers: dict[str, str]) -> None:
    own_id = client.get("/auth/me", headers=dispatcher_headers).json()["id"]
    answer = client.post(f"/accounts/{own_id}/disable", headers=dispatcher_headers)
    assert answer.status_code == 409
    assert answer.json()["detail"] == "you cannot disable your own login; ask another admin"
    assert client.get("/auth/me", headers=dispatcher_headers).status_code == 200


def test_an_unknown_login_is_a_404(client: TestClient, dispatcher_headers: dict[str, str]) -> None:
    assert client.post("/accounts/ACC-nobody/disable", headers=dispatcher_headers).status_code == 404
    answer = client.put(
        "/accounts/ACC-nobody/password", json={"password": PASSWORD}, headers=dispatcher_headers
    )
    assert answer.status_code == 404


def test_reset_password_replaces_the_old_one(client: TestClient, dispatcher_headers: dict[str, str]) -> None:
    """After a reset the new password logs in and the old one no longer does, nor does a session opened
    with it; a weak one is refused."""
    assert _create(client, dispatcher_headers, email="forgetful@fieldops.example").status_code == 201
    old_session = bearer_for(client, "forgetful@fieldops.example", PASSWORD)
    account_id = _account_id(client, dispatcher_headers, "forgetful@fieldops.example")
    weak = client.put(
        f"/accounts/{account_id}/password", json={"password": "short"}, headers=dispatcher_headers
    )
    assert weak.status_code == 422 and weak.json()["detail"] == "a password needs at least 10 characters"
    new_password = "another sound password 7"
    reset = client.put(
        f"/accounts/{account_id}/password", json={"password": new_password}, headers=dispatcher_headers
    )
    assert reset.status_code == 204, reset.text
    assert _login(client, "forgetful@fieldops.example", new_password) == 200
    assert _login(client, "forgetful@fieldops.example", PASSWORD) == 401
    assert client.get("/auth/me", headers=old_session).status_code == 401
    new_session = bearer_for(client, "forgetful@fieldops.example", new_password)
    assert client.get("/auth/me", headers=new_session).status_code == 200


def test_every_change_is_on_the_audit_trail(
    app: FastAPI, client: TestClient, dispatcher_headers: dict[str, str]
) -> None:
    """Creating, disabling, enabling and resetting are recorded as done by the admin, without passwords."""
    assert _create(client, dispatcher_headers, email="audited@fieldops.example").status_code == 201
    account_id = _account_id(client, dispatcher_headers, "audited@fieldops.example")
    client.post(f"/accounts/{account_id}/disable", headers=dispatcher_headers)
    client.post(f"/accounts/{account_id}/enable", headers=dispatcher_headers)
    client.put(
        f"/accounts/{account_id}/password",
        json={"password": "yet another one 99"},
        headers=dispatcher_headers,
    )
    with unit_of_work(app.state.session_factory) as session:
        entries = entries_of_subjects(session, [(ACCOUNT, account_id)])
    assert [entry.action for entry in entries] == ["created", "disabled", "enabled", "password reset"]
    assert {entry.actor for entry in entries} == {DEMO_DISPATCHER_EMAIL}
    shown = " ".join(f"{entry.from_value} {entry.to_value}" for entry in entries)
    assert PASSWORD not in shown and "yet another one" not in shown and "argon2" not in shown


def _page_as(client: TestClient, email: str, password: str, path: str) -> Any:
    client.cookies.clear()
    assert client.post("/auth/login", data={"username": email, "password": password}).status_code == 200
    return client.get(path, follow_redirects=False)


def test_the_logins_page_lists_every_login_for_an_admin(
    client: TestClient, dispatcher_headers: dict[str, str], fresh_cookies: None
) -> None:
    """The board links an admin to the logins page, which lists each login with labelled forms."""
    board = _page_as(client, DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD, "/board")
    assert 'href="/board/accounts"' in board.text
    page = client.get("/board/accounts")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    listed = client.get("/accounts", params={"limit": 500}, headers=dispatcher_headers).json()["items"]
    for item in listed:
        assert f'data-account="{item["id"]}"' in page.text
    assert '<label for="new-email">Email</label>' in page.text


def test_the_logins_page_is_refused_to_a_dispatcher_who_is_not_an_admin(
    client: TestClient, dispatcher_headers: dict[str, str], fresh_cookies: None
) -> None:
    """No link on the board and a 403 on the page; without a session the page sends to the login."""
    assert _create(client, dispatcher_headers, email="page.viewer@fieldops.example").status_code == 201
    board = _page_as(client, "page.viewer@fieldops.example", PASSWORD, "/board")
    assert board.status_code == 200 and 'href="/board/accounts"' not in board.text
    assert client.get("/board/accounts").status_code == 403
    client.cookies.clear()
    anonymous = client.get("/board/accounts", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/board/login"
