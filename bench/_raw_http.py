"""A lean HTTP/1.1 load generator on asyncio streams: status and latency of every answer, by request.

wrk reports one latency histogram for all answers; the overload benchmark needs the latency of the
admitted requests apart from the shed ones, and an open-loop rate (requests sent on a schedule whatever
the server does), so it keeps every answer. Prebuilt request bytes and keep-alive connections keep the
generator near a few percent of a core at the rates two shared cores reach.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def encode(self, host: str) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        if self.body or self.method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    """0: no answer (connection refused, reset or timed out)."""
    sent_at: float
    latency_s: float
    headers: Mapping[str, str]
    body: bytes


class Connection:
    """One keep-alive connection, reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def send(self, request: Request) -> Answer:
        started = time.monotonic()
        reused = self._writer is not None
        try:
            status, headers, body = await asyncio.wait_for(self._exchange(request), TIMEOUT_S)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            await self.close()
            idle_closed = reused and (
                isinstance(error, ConnectionResetError | BrokenPipeError)
                or (isinstance(error, asyncio.IncompleteReadError) and not error.partial)
            )
            if idle_closed:  # the server closed the idle keep-alive connection: send again on a new one
                return await self.send(request)
            return Answer(0, started, time.monotonic() - started, {}, b"")
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Answer(status, started, time.monotonic() - started, headers, body)

    async def _exchange(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        self._writer.write(request.encode(f"{self.host}:{self.port}"))
        await self._writer.drain()
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await self._reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self._reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = await self._reader.readexactly(int(headers.get("content-length", "0")))
        return status, headers, body

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


async def closed_loop(
    host: str, port: int, requests: Sequence[Request], connections: int, duration_s: float
) -> list[Answer]:
    """``connections`` clients, each sending its next request as soon as the last is answered."""
    answers: list[Answer] = []
    deadline = time.monotonic() + duration_s

    async def client(offset: int) -> None:
        connection = Connection(host, port)
        index = offset
        while time.monotonic() < deadline:
            answers.append(await connection.send(requests[index % len(requests)]))
            index += 1
        await connection.close()

    await asyncio.gather(*(client(n) for n in range(connections)))
    return answers


async def open_loop(
    host: str,
    port: int,
    requests: Sequence[Request],
    rate_per_s: float,
    duration_s: float,
    max_connections: int,
) -> tuple[list[Answer], int]:
    """Requests sent on a fixed schedule of ``rate_per_s``, whatever the answers take; each goes on an
    idle connection, or a new one up to ``max_connections``. Also returns how many scheduled requests
    found every connection busy (sent late: the generator, not the server, was the limit)."""
    answers: list[Answer] = []
    idle: list[Connection] = []
    opened = 0
    late = 0
    tasks: list[asyncio.Task[None]] = []
    start = time.monotonic()
    count = int(rate_per_s * duration_s)
    slot_free = asyncio.Event()

    async def one(connection: Connection, request: Request) -> None:
        answers.append(await connection.send(request))
        idle.append(connection)
        slot_free.set()

    for index in range(count):
        due = start + index / rate_per_s
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if idle:
            connection = idle.pop()
        elif opened < max_connections:
            connection = Connection(host, port)
            opened += 1
        else:
            late += 1
            while not idle:
                slot_free.clear()
                await slot_free.wait()
            connection = idle.pop()
        tasks.append(asyncio.create_task(one(connection, requests[index % len(requests)])))
    await asyncio.gather(*tasks)
    for connection in idle:
        await connection.close()
    return answers, late


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` quantile (0..1) by the nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]
