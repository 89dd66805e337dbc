"""Customers' tracking links: a ticket's read-only view, reached by a token whose hash alone is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TrackingLink:
    """Which ticket a token opens, and until when at the latest (it closes earlier with the visit)."""

    token_sha256: str
    ticket_id: str
    created_by: str
    created_at: datetime
    expires_at: datetime
