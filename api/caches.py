"""The application's caches: one of each per application (so each test app has its own), made on first use.

The dependencies are ``async`` so that FastAPI runs them on the event loop rather than sending each
request through the thread pool once more just to fetch an object.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from dispatch.services.job_sheet import JobSheet
from dispatch.services.sheet_cache import DEFAULT_MAX_ENTRIES, SheetCache, SheetLookup


async def get_sheet_cache(request: Request) -> SheetCache:
    """The application's cache of assembled job sheets."""
    cache: SheetCache | None = getattr(request.app.state, "sheet_cache", None)
    if cache is None:
        cache = SheetCache()
        request.app.state.sheet_cache = cache
    return cache


SheetCacheDep = Annotated[SheetCache, Depends(get_sheet_cache)]


class SheetPages:
    """Rendered job sheet pages by technician and day, valid while the cache hands out the same sheet.

    The sheet cache returns the very same ``JobSheet`` object until something changes, so that object's
    identity (with the name shown above it) says whether a rendered page is still the page to send.
    """

    def __init__(self, *, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._pages: OrderedDict[tuple[str, date], tuple[JobSheet | None, str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, found: SheetLookup) -> str | None:
        key = (found.technician.id, found.day)
        with self._lock:
            entry = self._pages.get(key)
            if entry is None or entry[0] is not found.sheet or entry[1] != found.technician.name:
                return None
            self._pages.move_to_end(key)
            return entry[2]

    def put(self, found: SheetLookup, page: str) -> None:
        key = (found.technician.id, found.day)
        with self._lock:
            self._pages[key] = (found.sheet, found.technician.name, page)
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)


async def get_sheet_pages(request: Request) -> SheetPages:
    """The application's rendered job sheet pages."""
    pages: SheetPages | None = getattr(request.app.state, "sheet_pages", None)
    if pages is None:
        pages = SheetPages()
        request.app.state.sheet_pages = pages
    return pages


SheetPagesDep = Annotated[SheetPages, Depends(get_sheet_pages)]
