"""The application's caches: one of each per application (so each test app has its own), made on first use.

The dependencies are ``async`` so that FastAPI runs them on the event loop rather than sending each
request through the thread pool once more just to fetch an object.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from dispatch.services.sheet_cache import SheetCache


async def get_sheet_cache(request: Request) -> SheetCache:
    """The application's cache of assembled job sheets."""
    cache: SheetCache | None = getattr(request.app.state, "sheet_cache", None)
    if cache is None:
        cache = SheetCache()
        request.app.state.sheet_cache = cache
    return cache


SheetCacheDep = Annotated[SheetCache, Depends(get_sheet_cache)]
