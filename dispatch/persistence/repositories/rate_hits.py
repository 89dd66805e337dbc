"""Rate-limit hits: one row per counted request or failed login, shared by every worker process."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from dispatch.persistence.models import RateHitRow, table_of

_HITS = table_of(RateHitRow)


class RateHitRepository:
    """Reads and writes inside the caller's session; never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def after(self, scope: str, subject: str, start: datetime) -> tuple[int, datetime | None]:
        """How many hits ``subject`` has after ``start``, and the oldest of them."""
        count, oldest = self.session.execute(
            select(func.count(), func.min(_HITS.c.at)).where(
                _HITS.c.scope == scope, _HITS.c.subject == subject, _HITS.c.at > start
            )
        ).one()
        return int(count), oldest

    def add(self, scope: str, subject: str, at: datetime) -> None:
        self.session.execute(insert(_HITS).values(id=str(uuid.uuid4()), scope=scope, subject=subject, at=at))

    def forget_until(self, scope: str, start: datetime, *, at_most: int = 500) -> None:
        """Delete up to ``at_most`` of the scope's hits up to ``start``: they no longer count against anyone.

        Rows another transaction is deleting are skipped (PostgreSQL), so concurrent requests sweeping the
        same old hits neither wait for each other nor deadlock; what one skips, a later one deletes.
        """
        expired = (
            select(_HITS.c.id)
            .where(_HITS.c.scope == scope, _HITS.c.at <= start)
            .limit(at_most)
            .with_for_update(skip_locked=True)
        )
        self.session.execute(delete(_HITS).where(_HITS.c.id.in_(expired.scalar_subquery())))

    def forget_subject(self, scope: str, subject: str) -> None:
        self.session.execute(delete(_HITS).where(_HITS.c.scope == scope, _HITS.c.subject == subject))
