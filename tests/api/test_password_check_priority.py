"""Password checks run at the lowest CPU priority, and so do the threads they start (Argon2's lanes)."""

from __future__ import annotations

import asyncio
import os
import sys
import threading

import pytest

from api.clients import PASSWORD_CHECK_NICENESS, HashingSlots

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice is Linux's")


def _own_niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _niceness_of_a_thread_started_here() -> tuple[int, int]:
    """The check thread's niceness and that of a thread it starts, as libargon2 starts one per lane."""
    started: list[int] = []
    lane = threading.Thread(target=lambda: started.append(_own_niceness()))
    lane.start()
    lane.join()
    return _own_niceness(), started[0]


def test_a_password_check_and_the_threads_it_starts_run_at_the_lowest_priority() -> None:
    """The check thread and a thread it starts are at niceness 19; the caller keeps its own."""
    slots = HashingSlots(size=1, wait_s=1.0)
    caller_before = _own_niceness()
    check, lane = asyncio.run(slots.run(_niceness_of_a_thread_started_here))
    assert caller_before < PASSWORD_CHECK_NICENESS, "run this test below niceness 19"
    assert (check, lane) == (PASSWORD_CHECK_NICENESS, PASSWORD_CHECK_NICENESS)
    assert _own_niceness() == caller_before
