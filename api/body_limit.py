"""A cap on request bodies (``Settings.max_request_body_bytes``), applied before anything parses them.

A declared ``Content-Length`` over the cap is refused at once, without reading a byte; a body without one
(chunked) is counted as it streams in and refused as soon as it passes the cap, so no route ever buffers
or parses more than the cap.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once the streamed body passes the cap; answered as a 413 problem."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _detail(limit))


def _detail(limit: int) -> str:
    return f"the request body is larger than the {limit} bytes this service accepts"


class BodySizeLimit:
    """ASGI middleware answering 413 to bodies over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is None:
            await self._refuse(400, "the Content-Length header is not a number", scope, receive, send)
            return
        if declared > self.max_bytes:
            await self._refuse(413, _detail(self.max_bytes), scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(413, _detail(self.max_bytes), scope, receive, send)

    @staticmethod
    async def _refuse(status: int, detail: str, scope: Scope, receive: Receive, send: Send) -> None:
        """The problem answer, shaped as every HTTP error is; the connection closes (the body is unread)."""
        response = problem(status, detail, instance=scope.get("path", ""), headers={"Connection": "close"})
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    """The declared length; 0 when none is declared; ``None`` when the header is not a number."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return 0
