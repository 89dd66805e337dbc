"""The tracking pages' rate limit: counted in the database across processes, by the real client address."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from api.main import create_app
from dispatch.config import Settings
from dispatch.persistence.db import upgrade_database

UNKNOWN_TOKEN_PATH = "/track/" + "z" * 43
"""Unknown links answer 404, and still count: guessing tokens is what the limit stops."""


@contextmanager
def _client(settings: Settings, address: str) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="https://testserver", client=(address, 50000)) as client:
        yield client


def test_two_worker_processes_share_one_count(api_settings: Settings) -> None:
    """Two apps on one database (as two workers are) admit three requests in all, not three each."""
    settings = api_settings.model_copy(update={"tracking_requests_per_minute": 3})
    with _client(settings, "192.0.2.70") as one, _client(settings, "192.0.2.70") as two:
        codes = [client.get(UNKNOWN_TOKEN_PATH).status_code for client in (one, two, one, two)]
    assert codes == [404, 404, 404, 429]


def test_forwarded_for_is_ignored_without_trusted_proxies(api_settings: Settings) -> None:
    """A client writing a new X-Forwarded-For on each request is still counted by its own address."""
    settings = api_settings.model_copy(update={"tracking_requests_per_minute": 3})
    with _client(settings, "192.0.2.71") as client:
        codes = [
            client.get(UNKNOWN_TOKEN_PATH, headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
            for n in range(4)
        ]
    assert codes == [404, 404, 404, 429]


def test_behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client(api_settings: Settings) -> None:
    """From a listed proxy, the rightmost hop it did not add is the client; anything left of it is ignored."""
    settings = api_settings.model_copy(
        update={"tracking_requests_per_minute": 2, "trusted_proxies": "10.0.0.0/8"}
    )
    with _client(settings, "10.0.0.5") as proxy:

        def via(chain: str) -> int:
            return proxy.get(UNKNOWN_TOKEN_PATH, headers={"X-Forwarded-For": chain}).status_code

        assert [via("198.51.100.7"), via("198.51.100.7, 10.0.0.9")] == [404, 404]
        assert via("spoofed-by-client, 198.51.100.7") == 429
        assert via("198.51.100.8") == 404


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_the_served_app_does_not_take_forwarded_for_from_loopback(tmp_path: Path) -> None:
    """``dispatch serve`` behind no proxy: a local caller cannot pick its address with X-Forwarded-For."""
    database_url = f"sqlite+pysqlite:///{tmp_path / 'dispatch.sqlite3'}"
    upgrade_database(database_url)
    port = _free_port()
    environment = {
        **os.environ,
        "DISPATCH_DATABASE_URL": database_url,
        "DISPATCH_ENVIRONMENT": "test",
        "DISPATCH_TRACKING_REQUESTS_PER_MINUTE": "3",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "dispatch.cli", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            try:
                httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        codes = [
            httpx.get(
                base + UNKNOWN_TOKEN_PATH, headers={"X-Forwarded-For": f"203.0.113.{n}"}, timeout=10
            ).status_code
            for n in range(4)
        ]
    finally:
        server.terminate()
        server.communicate(timeout=10)
    assert codes == [404, 404, 404, 429]
