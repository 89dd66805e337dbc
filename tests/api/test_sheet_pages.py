"""Rendered job sheet pages: reused only for the very same sheet object and name."""

from __future__ import annotations

from datetime import date

from api.caches import SheetPages
from dispatch.persistence.repositories.published_routes import TechnicianHeader
from dispatch.services.sheet_cache import SheetLookup

DAY = date(2026, 11, 26)
HEADER = TechnicianHeader("T-1", "Ada Lovelace", "America/Chicago", "Great Lakes")


def test_a_page_is_reused_for_the_same_lookup() -> None:
    """The page put for a lookup comes back for a lookup of the same sheet and name."""
    pages = SheetPages()
    found = SheetLookup(HEADER, DAY, None)
    pages.put(found, "<p>page</p>")
    assert pages.get(SheetLookup(HEADER, DAY, None)) == "<p>page</p>"


def test_a_new_sheet_object_or_a_new_name_is_rendered_again() -> None:
    """Another sheet object (the cache assembled anew) or a renamed technician misses."""
    pages = SheetPages()
    sheet = object()
    pages.put(SheetLookup(HEADER, DAY, sheet), "old")  # type: ignore[arg-type]
    assert pages.get(SheetLookup(HEADER, DAY, object())) is None  # type: ignore[arg-type]
    renamed = TechnicianHeader("T-1", "Ada King", "America/Chicago", "Great Lakes")
    assert pages.get(SheetLookup(renamed, DAY, sheet)) is None  # type: ignore[arg-type]
    assert pages.get(SheetLookup(HEADER, date(2026, 11, 27), sheet)) is None  # type: ignore[arg-type]


def test_the_pages_are_bounded() -> None:
    """The least recently used page goes first once full."""
    pages = SheetPages(max_entries=1)
    pages.put(SheetLookup(HEADER, DAY, None), "first")
    pages.put(SheetLookup(HEADER, date(2026, 11, 27), None), "second")
    assert pages.get(SheetLookup(HEADER, DAY, None)) is None
