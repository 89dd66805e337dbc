"""Overload is shed, not queued: at most ``Settings.max_concurrent_requests`` requests run at once.

A request arriving while the limit is reached is answered 503 with ``Retry-After`` at once, before it
takes a worker thread or a database connection, so the requests already admitted keep their pace and a
client learns within a millisecond to come back, instead of waiting in a queue that only grows.
``/health`` is exempt: a load balancer must still see the process alive (and its database) under load.
So is the board's event stream (``/board/events``): it stays open as long as a dispatcher's board does,
so counting it would let a dozen open boards shed every other request; its checks are a short query a
second each.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import problem

OVERLOAD_RETRY_AFTER_S = 1
"""What a shed request is told to wait: requests finish in milliseconds, so a second frees many slots."""
EXEMPT_PATHS = frozenset({"/health", "/board/events"})


class ConcurrencyLimit:
    """ASGI middleware admitting at most ``limit`` HTTP requests at once (per process)."""

    def __init__(self, app: ASGIApp, limit: int, exempt: frozenset[str] = EXEMPT_PATHS) -> None:
        self.app = app
        self.limit = limit
        self.exempt = exempt
        self.in_flight = 0
        self.shed = 0
        """Requests refused since start (read by tests and benchmarks through ``app.state``)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.exempt:
            await self.app(scope, receive, send)
            return
        # One event loop per process and no await between the test and the increment: no lock needed.
        if self.in_flight >= self.limit:
            self.shed += 1
            response = problem(
                503,
                f"the service is at its limit of {self.limit} requests at once; "
                f"try again in {OVERLOAD_RETRY_AFTER_S} s",
                instance=scope.get("path", ""),
                type_="/problems/overloaded",
                title="Overloaded",
                headers={"Retry-After": str(OVERLOAD_RETRY_AFTER_S)},
            )
            await response(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
