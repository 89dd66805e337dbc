"""Rounds of arrival promises through the day, run by the service every few minutes (the setting
``promise_round_minutes``): a visit comes within its promise time by the clock, not by any event.

Each round tells the windows of every day under way somewhere (``tell_arrival_windows``), in one
transaction claimed so that only one process of the service runs a round at a time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from dispatch.persistence.db import session_scope
from dispatch.persistence.leases import claim_round
from dispatch.services.arrival_promises import WindowsTold, tell_arrival_windows

logger = logging.getLogger(__name__)


def days_under_way(now: datetime) -> list[date]:
    """The days that are today somewhere the provider works (time zones from UTC-10 to UTC+0 and
    beyond): yesterday, today and tomorrow by UTC."""
    today = now.date()
    return [today - timedelta(days=1), today, today + timedelta(days=1)]


def promise_round(factory: sessionmaker[Session], now: datetime) -> WindowsTold | None:
    """One round over the days under way; ``None`` when another process is running one."""
    with session_scope(factory) as session:
        if not claim_round(session):
            return None
        promised = retold = 0
        for day in days_under_way(now):
            told = tell_arrival_windows(session, day, now)
            promised += told.promised
            retold += told.retold
        return WindowsTold(promised, retold)


class PromiseRounds:
    """A thread of the service running a round every ``every`` (the first after one wait)."""

    def __init__(
        self, factory: sessionmaker[Session], clock: Callable[[], datetime], every: timedelta
    ) -> None:
        self._factory = factory
        self._clock = clock
        self._every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None or self._every <= timedelta(0):
            return
        self._thread = threading.Thread(target=self._loop, name="promise-rounds", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self._every.total_seconds()):
            try:
                promise_round(self._factory, self._clock())
            except Exception:  # a failed round is tried again at the next; never let the thread die
                logger.exception("the round of arrival promises failed")
