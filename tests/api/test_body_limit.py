"""Request bodies over ``max_request_body_bytes`` are a 413 problem, declared or streamed, before parsing."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi.testclient import TestClient

from api.main import create_app
from dispatch.config import Settings

Headers = dict[str, str]
MIB = 1024 * 1024


def _huge_customer() -> bytes:
    return json.dumps({"id": "C-HUGE", "name": "x" * (2 * MIB)}).encode()


def _chunks(body: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _assert_413(answer_status: int, content_type: str, detail: str, limit: int) -> None:
    assert answer_status == 413
    assert content_type == "application/problem+json"
    assert detail == f"the request body is larger than the {limit} bytes this service accepts"


def test_a_declared_body_over_the_default_mebibyte_is_refused(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """A 2 MiB JSON body with its Content-Length: 413 naming the limit, and nothing is stored."""
    headers = {**dispatcher_headers, "Content-Type": "application/json"}
    answer = client.post("/customers", content=_huge_customer(), headers=headers)
    _assert_413(answer.status_code, answer.headers["content-type"], answer.json()["detail"], MIB)
    assert client.get("/customers/C-HUGE", headers=dispatcher_headers).status_code == 404


def test_a_streamed_body_without_a_length_is_counted_and_refused(
    client: TestClient, dispatcher_headers: Headers
) -> None:
    """Chunked, with no Content-Length to check: the bytes are counted as they come, still a 413."""
    headers = {**dispatcher_headers, "Content-Type": "application/json"}
    answer = client.post("/customers", content=_chunks(_huge_customer()), headers=headers)
    assert "content-length" not in answer.request.headers
    _assert_413(answer.status_code, answer.headers["content-type"], answer.json()["detail"], MIB)


def test_the_limit_is_a_setting_and_smaller_bodies_pass(api_settings: Settings) -> None:
    """With a 2 KiB cap, a login form of 3 KiB is refused (declared or streamed); a small one goes through."""
    settings = api_settings.model_copy(update={"max_request_body_bytes": 2048})
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        big = b"username=a%40b.example&password=" + b"p" * 3000
        declared = client.post("/auth/token", content=big, headers=form)
        streamed = client.post("/auth/token", content=_chunks(big, 512), headers=form)
        small = client.post("/auth/token", data={"username": "a@b.example", "password": "wrong-password"})
    for answer in (declared, streamed):
        _assert_413(answer.status_code, answer.headers["content-type"], answer.json()["detail"], 2048)
    assert small.status_code == 401
