"""Server-rendered pages: one Jinja2 environment, time formatting, and the headers every page sends."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

templates = Jinja2Templates(directory=TEMPLATES_DIR)

PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
"""Scripts and styles come only from this site (no inline code), and no other site may frame a page."""


def hhmm(moment: datetime | None) -> str:
    """``14:05`` in the moment's own zone; empty for none."""
    return "" if moment is None else moment.strftime("%H:%M")


def zone_abbreviation(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Z")


templates.env.filters["hhmm"] = hhmm
templates.env.filters["zone"] = zone_abbreviation
