"""Login throttling and bounded password hashing, on both back ends (counts live in the database)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from dispatch.config import Settings
from dispatch.services import accounts
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD
from tests.api.conftest import TECHNICIAN_EMAIL, TECHNICIAN_PASSWORD


@contextmanager
def _client(settings: Settings, address: str) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="https://testserver", client=(address, 50000)) as client:
        yield client


class Argon2Watch:
    """Wraps the real password check to count calls and the most running at once; can hold them."""

    def __init__(self, real: Callable[..., bool]) -> None:
        self.real = real
        self.calls = 0
        self.running = 0
        self.peak = 0
        self.gate = threading.Event()
        self.gate.set()
        self._lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> bool:
        with self._lock:
            self.calls += 1
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            self.gate.wait(timeout=60)
            return self.real(*args, **kwargs)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def argon2(monkeypatch: pytest.MonkeyPatch) -> Argon2Watch:
    watch = Argon2Watch(accounts._HASHER.verify)
    monkeypatch.setattr(accounts._HASHER, "verify", watch)
    return watch


def _login(client: TestClient, email: str, password: str) -> httpx.Response:
    return client.post("/auth/token", data={"username": email, "password": password})


def test_after_n_failures_an_account_answers_429_without_hashing_even_for_the_right_password(
    api_settings: Settings, argon2: Argon2Watch
) -> None:
    """Three wrong passwords lock the account from every address: 429, Retry-After, a plain message."""
    settings = api_settings.model_copy(
        update={"login_failures_per_account": 3, "login_failure_window_s": 600}
    )
    email = "locked-account@fieldops.example"
    with _client(settings, "192.0.2.10") as first, _client(settings, "192.0.2.11") as second:
        assert [_login(first, email, "wrong-password").status_code for _ in range(3)] == [401] * 3
        hashed = argon2.calls
        refused = _login(second, email, "wrong-password")
        assert argon2.calls == hashed, "a throttled attempt runs no Argon2"
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 590 <= int(refused.headers["retry-after"]) <= 600
    assert refused.json()["detail"].startswith("too many failed logins")


def test_the_right_password_waits_out_the_lock_then_works(api_settings: Settings) -> None:
    """Locked means locked for the right password too; once the window passes, it logs in."""
    window_s = 6  # long enough for three Argon2 checks on a busy machine, short enough for the suite
    settings = api_settings.model_copy(
        update={"login_failures_per_account": 2, "login_failure_window_s": window_s}
    )
    with _client(settings, "192.0.2.20") as client:
        assert [_login(client, TECHNICIAN_EMAIL, "wrong-password").status_code for _ in range(2)] == [401] * 2
        assert _login(client, TECHNICIAN_EMAIL, TECHNICIAN_PASSWORD).status_code == 429
        time.sleep(window_s + 0.2)
        assert _login(client, TECHNICIAN_EMAIL, TECHNICIAN_PASSWORD).status_code == 200


def test_one_address_guessing_many_accounts_is_throttled(api_settings: Settings) -> None:
    """The per-client count stops a spray of one password over many emails; other addresses go on."""
    settings = api_settings.model_copy(update={"login_failures_per_client": 4, "login_failure_window_s": 600})
    with _client(settings, "198.51.100.30") as sprayer, _client(settings, "198.51.100.31") as neighbour:
        codes = [_login(sprayer, f"user{n}@fieldops.example", "Winter2026!").status_code for n in range(5)]
        assert codes == [401, 401, 401, 401, 429]
        form = {"username": DEMO_DISPATCHER_EMAIL, "password": DEMO_DISPATCHER_PASSWORD}
        assert sprayer.post("/auth/login", data=form).status_code == 429
        assert _login(neighbour, DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD).status_code == 200


def test_concurrent_logins_hash_at_most_the_configured_number_at_once_and_health_still_answers(
    api_settings: Settings, argon2: Argon2Watch
) -> None:
    """40 wrong logins at once: two hash, the rest wait without a thread or a connection; /health answers."""
    settings = api_settings.model_copy(
        update={
            "password_hash_concurrency": 2,
            "password_hash_wait_s": 60.0,
            "login_failures_per_client": 1000,
            "max_concurrent_requests": 100,
        }
    )
    argon2.gate.clear()
    with _client(settings, "203.0.113.40") as client:
        answers: list[int] = []
        logins = [
            threading.Thread(
                target=lambda n=n: answers.append(
                    _login(client, f"crowd{n}@fieldops.example", "nope").status_code
                )
            )
            for n in range(40)
        ]
        for login in logins:
            login.start()
        deadline = time.monotonic() + 30
        while argon2.running < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        health: list[int] = []
        probe = threading.Thread(target=lambda: health.append(client.get("/health").status_code))
        probe.start()
        probe.join(timeout=10)
        answered_while_crowded = health == [200]
        argon2.gate.set()
        for login in logins:
            login.join(timeout=120)
        probe.join(timeout=60)
    assert answered_while_crowded, "/health waited for the logins"
    assert argon2.peak == 2
    assert answers == [401] * 40


def test_no_check_slot_within_the_wait_is_a_503_with_retry_after(
    api_settings: Settings, argon2: Argon2Watch
) -> None:
    """When the one slot stays taken past the wait, the next login is told to retry, not queued forever."""
    settings = api_settings.model_copy(update={"password_hash_concurrency": 1, "password_hash_wait_s": 0.3})
    argon2.gate.clear()
    with _client(settings, "203.0.113.50") as client:
        first = threading.Thread(target=lambda: _login(client, "slow@fieldops.example", "nope"))
        first.start()
        deadline = time.monotonic() + 30
        while argon2.running < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        busy = _login(client, "next@fieldops.example", "nope")
        argon2.gate.set()
        first.join(timeout=60)
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    assert "try again" in busy.json()["detail"]


def test_a_login_waiting_for_a_check_slot_does_no_database_work_until_it_gets_one(
    api_settings: Settings, argon2: Argon2Watch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the one slot taken, a second login neither checks nor counts in the database until it frees."""
    from api.routes import auth

    checks: list[str] = []
    real_check = auth.check_login

    def counted_check(*args: Any) -> Any:
        checks.append(args[2])
        return real_check(*args)

    monkeypatch.setattr(auth, "check_login", counted_check)
    settings = api_settings.model_copy(update={"password_hash_concurrency": 1, "password_hash_wait_s": 30.0})
    argon2.gate.clear()
    with _client(settings, "203.0.113.60") as client:
        first = threading.Thread(target=lambda: _login(client, "first@fieldops.example", "nope"))
        first.start()
        deadline = time.monotonic() + 30
        while argon2.running < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        answers: list[int] = []
        second = threading.Thread(
            target=lambda: answers.append(_login(client, "second@fieldops.example", "nope").status_code)
        )
        second.start()
        time.sleep(0.5)
        checked_while_waiting = list(checks)
        argon2.gate.set()
        first.join(timeout=60)
        second.join(timeout=60)
    assert checked_while_waiting == ["first@fieldops.example"]
    assert checks == ["first@fieldops.example", "second@fieldops.example"]
    assert answers == [401]
