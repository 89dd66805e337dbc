"""Tracking links by token hash: the token itself is never stored."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from dispatch.domain.tracking import TrackingLink
from dispatch.persistence.models import TrackingLinkRow, table_of

_LINKS = table_of(TrackingLinkRow)


class TrackingLinkRepository:
    """Reads and writes inside the caller's session; never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, link: TrackingLink) -> None:
        self.session.execute(
            insert(_LINKS).values(
                token_sha256=link.token_sha256,
                ticket_id=link.ticket_id,
                created_by=link.created_by,
                created_at=link.created_at,
                expires_at=link.expires_at,
            )
        )

    def by_hash(self, token_sha256: str) -> TrackingLink | None:
        row = (
            self.session.execute(select(_LINKS).where(_LINKS.c.token_sha256 == token_sha256))
            .mappings()
            .one_or_none()
        )
        if row is None:
            return None
        return TrackingLink(
            token_sha256=row["token_sha256"],
            ticket_id=row["ticket_id"],
            created_by=row["created_by"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
        )
