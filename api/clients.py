"""Who is calling: the client address rate limits count by, and the slots password checks wait for."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
from fastapi import Request

from dispatch.config import Settings

_POLL_S = 0.01
PASSWORD_CHECK_NICENESS = 19
"""The CPU priority password checks run at (Linux nice, the lowest): they yield the CPU to every request."""
T = TypeVar("T")


def client_address(request: Request) -> str:
    """The peer's address; behind a trusted proxy, the nearest X-Forwarded-For hop that is not a proxy.

    The header is read only when the peer is listed in ``Settings.trusted_proxies``, and then from the
    right, the end our own proxies wrote: anything further left may be written by the client itself.
    """
    settings: Settings = request.app.state.settings
    address = request.client.host if request.client else "unknown"
    networks = settings.trusted_proxy_networks
    if not networks or not _is_in(address, networks):
        return address
    hops = [hop.strip() for header in request.headers.getlist("x-forwarded-for") for hop in header.split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        address = hop
        if not _is_in(hop, networks):
            break
    return address


def _is_in(address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def _lowest_cpu_priority() -> None:
    """Lower the calling thread's CPU priority (Linux nice is per thread; threads it starts inherit it)."""
    # Not Linux, or not allowed: the checks run at the usual priority.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), PASSWORD_CHECK_NICENESS)


class SlotsBusy(Exception):
    """Every slot stayed taken for the whole wait."""


class HashingSlots:
    """At most ``size`` password checks (with the login work around them) at once in this process.

    Argon2 is deliberately slow and memory-hungry: unbounded, 40 concurrent wrong logins take every core
    and slow every other request. Waiters poll on the event loop, so they hold neither a worker thread
    nor a database connection that ``/health`` and everyone else need. The checks themselves run on
    threads of their own (``run``), never on the request threads everyone else needs, at the lowest CPU
    priority (``PASSWORD_CHECK_NICENESS``): one Argon2id check with our parameters (p=4) computes its
    four lanes on four threads of its own, which inherit that priority, so a slot is not bounded to one
    core by its count alone; at the lowest priority the checks take only CPU no request wants.
    """

    def __init__(self, size: int, wait_s: float) -> None:
        self.size = size
        self.wait_s = wait_s
        self._executor = ThreadPoolExecutor(
            max_workers=size, thread_name_prefix="password-check", initializer=_lowest_cpu_priority
        )
        self._free = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._in_use = 0
        self.peak = 0
        """The most slots ever taken at once (for tests and diagnostics)."""

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for the block; ``SlotsBusy`` when none frees up within ``wait_s``."""
        deadline = time.monotonic() + self.wait_s
        while not self._free.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise SlotsBusy
            await anyio.sleep(_POLL_S)
        with self._lock:
            self._in_use += 1
            self.peak = max(self.peak, self._in_use)
        try:
            yield
        finally:
            with self._lock:
                self._in_use -= 1
            self._free.release()

    async def on_check_thread(self, check: Callable[..., T], *args: Any) -> T:
        """``check(*args)`` on a password-check thread (the caller holds a slot)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, check, *args)

    async def run(self, check: Callable[..., T], *args: Any) -> T:
        """``check(*args)`` in a slot, on a password-check thread; ``SlotsBusy`` as ``slot``."""
        async with self.slot():
            return await self.on_check_thread(check, *args)
