"""``dispatch serve`` runs the app under uvicorn on the configured address, and /health answers there."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

pytestmark = pytest.mark.postgis


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_answers_health_on_the_given_port(database_url: str) -> None:
    """The serve command listens on --port, and GET /health reports the database answering."""
    port = _free_port()
    environment = {**os.environ, "DISPATCH_DATABASE_URL": database_url, "DISPATCH_ENVIRONMENT": "test"}
    server = subprocess.Popen(
        [sys.executable, "-m", "dispatch.cli", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        answer = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, "the server did not answer within 30 s"
        assert answer.status_code == 200 and answer.json() == {"status": "ok", "database": "ok"}
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}" in output
