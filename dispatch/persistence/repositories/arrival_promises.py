"""Arrival promises, one per visit and day: the window its customer was last told."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from dispatch.domain.promises import ArrivalPromise
from dispatch.persistence.models import ArrivalPromiseRow, table_of

_PROMISES = table_of(ArrivalPromiseRow)


class ArrivalPromiseRepository:
    """Reads and writes inside the caller's session; never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, promise: ArrivalPromise) -> None:
        """Record the promise, in place of any earlier one for the same visit and day."""
        self.session.execute(
            delete(_PROMISES).where(_PROMISES.c.job_id == promise.job_id, _PROMISES.c.day == promise.day)
        )
        self.session.execute(
            insert(_PROMISES).values(
                job_id=promise.job_id,
                day=promise.day,
                opens_at=promise.opens_at,
                closes_at=promise.closes_at,
                promised_at=promise.promised_at,
                times_told=promise.times_told,
            )
        )

    def version(self, day: date) -> tuple[int, datetime | None]:
        """What changes whenever a customer is told a window on ``day``: how many promises there are, and
        when the last was made."""
        row = self.session.execute(
            select(func.count(), func.max(_PROMISES.c.promised_at)).where(_PROMISES.c.day == day)
        ).one()
        return int(row[0]), row[1]

    def on_day(self, day: date, job_ids: Collection[str] | None = None) -> dict[str, ArrivalPromise]:
        """Job id -> the promise its customer holds for ``day`` (only those of ``job_ids`` when given)."""
        query = select(_PROMISES).where(_PROMISES.c.day == day)
        if job_ids is not None:
            if not job_ids:
                return {}
            query = query.where(_PROMISES.c.job_id.in_(sorted(job_ids)))
        rows = self.session.execute(query).mappings()
        return {row["job_id"]: _promise(row) for row in rows}


def _promise(row: RowMapping) -> ArrivalPromise:
    return ArrivalPromise(
        job_id=row["job_id"],
        day=row["day"],
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        promised_at=row["promised_at"],
        times_told=row["times_told"],
    )
