"""The overload benchmark's load generator: request bytes and nearest-rank percentiles."""

from __future__ import annotations

from bench._raw_http import Request, percentile


def test_a_request_is_encoded_as_http_1_1_with_host_headers_and_length() -> None:
    """A POST carries its Content-Length; a GET carries none."""
    post = Request("POST", "/auth/token", {"Content-Type": "application/x-www-form-urlencoded"}, b"a=1")
    assert post.encode("127.0.0.1:8000") == (
        b"POST /auth/token HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=1"
    )
    assert Request("GET", "/health").encode("h") == b"GET /health HTTP/1.1\r\nHost: h\r\n\r\n"


def test_percentiles_by_nearest_rank() -> None:
    """p50 of 1..100 is 50 and p99 is 99; one value is every percentile; none gives 0."""
    values = [float(n) for n in range(100, 0, -1)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.5) == 0.0
