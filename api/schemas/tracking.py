"""Tracking links: the URL a dispatcher sends, and the little a customer sees."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class TrackingLinkOut(BaseModel):
    url: str = Field(description="Shown only now: the server keeps only a hash of its token.")
    expires_at: datetime = Field(description="The latest it works; it closes earlier with the visit.")


class ArrivalWindowOut(BaseModel):
    date: date
    start: str = Field(description="Local time at the site, HH:MM.")
    end: str
    timezone: str = Field(description="Abbreviation of the site's zone at that date, e.g. CST.")
    promised: bool = Field(
        default=False,
        description=(
            "Whether this window has been confirmed to the customer (``DISPATCH_PROMISE_MINUTES`` before "
            "the visit); until then it is the current estimate and may still move."
        ),
    )


class TrackingOut(BaseModel):
    status: str
    status_text: str
    window: ArrivalWindowOut | None
    technician: str = Field(description="The technician's first name, once one is assigned.")
