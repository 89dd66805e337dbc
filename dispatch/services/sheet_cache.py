"""Assembled job sheets kept per technician and day, reused while their version stamp is unchanged.

A sheet takes a dozen queries to assemble but changes only when a plan is published for the day, a report
arrives from the technician, a job on their route changes status, or they mark a step of a checklist: the
stamp (three small queries: ``sheet_stamp``, ``marks_version`` and the day's arrival promises) sees all
four and every window told to a customer, so a phone polling its sheet costs three small queries while
nothing moved. The stamp lives in the database, so every worker
process sees the same changes and each keeps its own copy.

What the stamp does not see (a site's contact or access notes edited after publishing, a part renamed,
visit durations relearned from the history, arrival windows moving as time passes without a report, a
procedure edited before its visit began) shows once the entry is older than ``max_age_s``, or at the next
publication or report.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from dispatch.domain.timezones import zone
from dispatch.persistence.repositories.arrival_promises import ArrivalPromiseRepository
from dispatch.persistence.repositories.published_routes import (
    TechnicianHeader,
    sheet_stamp,
    technician_header,
)
from dispatch.services.durations import LearnedDurations
from dispatch.services.job_sheet import JobSheet, job_sheet
from dispatch.services.procedures import marks_version

DEFAULT_MAX_ENTRIES = 4096
"""Far more than the technicians of a deployment times the days they look at."""
DEFAULT_MAX_AGE_S = 300.0


@dataclass(frozen=True, slots=True)
class SheetLookup:
    """The technician, the day asked for (their today by default) and their sheet (``None``: no work)."""

    technician: TechnicianHeader
    day: date
    sheet: JobSheet | None


@dataclass(frozen=True, slots=True)
class _Entry:
    version: tuple[Any, ...]
    stored_at: float
    sheet: JobSheet | None


class SheetCache:
    """Sheets by ``(technician id, day)``; thread-safe, bounded, least recently used dropped first."""

    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_age_s: float = DEFAULT_MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_age_s = max_age_s
        self._clock = clock
        self.durations = LearnedDurations()
        """The learned visit durations every sheet's windows come from (relearned hourly)."""
        self._entries: OrderedDict[tuple[str, date], _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def lookup(self, session: Session, technician_id: str, day: date | None = None) -> SheetLookup | None:
        """The technician's sheet for ``day`` (default: their today); ``None`` for an unknown technician."""
        if day is None:
            header = technician_header(session, technician_id)
            if header is None:
                return None
            day = datetime.now(zone(header.timezone)).date()
        stamp = sheet_stamp(session, technician_id, day)
        if stamp is None:
            return None
        version = (
            *stamp.version,
            marks_version(session, technician_id),
            ArrivalPromiseRepository(session).version(day),
        )
        key = (technician_id, day)
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            fresh = entry is not None and now - entry.stored_at < self.max_age_s
            if entry is not None and fresh and entry.version == version:
                self._entries.move_to_end(key)
                self.hits += 1
                return SheetLookup(stamp.technician, day, entry.sheet)
            self.misses += 1
        # Assembled after the stamp was read, so the sheet is at least as new as its stamp says.
        moment = datetime.now(UTC)
        durations = self.durations.current(session, moment)
        sheet = job_sheet(session, technician_id, day, durations=durations, now=moment)
        with self._lock:
            self._entries[key] = _Entry(version, now, sheet)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return SheetLookup(stamp.technician, day, sheet)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
