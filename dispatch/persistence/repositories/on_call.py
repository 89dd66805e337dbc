"""The on-call rota: duties stored by technician and start, read back by the period they overlap."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, delete, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from dispatch.domain.on_call import OnCallDuty
from dispatch.persistence.models import OnCallDutyRow, table_of

_DUTIES = table_of(OnCallDutyRow)


def _row(duty: OnCallDuty) -> dict[str, object]:
    return {
        "technician_id": duty.technician_id,
        "starts_at": duty.starts_at,
        "ends_at": duty.ends_at,
        "region": duty.region,
        "call_out_cost": duty.call_out_cost,
    }


def _duty(row: RowMapping) -> OnCallDuty:
    return OnCallDuty(
        technician_id=row["technician_id"],
        region=row["region"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        call_out_cost=row["call_out_cost"],
    )


class OnCallDutyRepository:
    """Add and read on-call duties inside the caller's session (which commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_many(self, duties: Iterable[OnCallDuty]) -> None:
        """Insert duties with one multi-row statement."""
        rows = [_row(duty) for duty in duties]
        if rows:
            self.session.execute(insert(_DUTIES), rows)

    def all(self) -> list[OnCallDuty]:
        """Every duty, by technician and start."""
        return self._select([])

    def overlapping(self, start: datetime, end: datetime, *, region: str | None = None) -> list[OnCallDuty]:
        """Duties with some time in ``[start, end)``, optionally of one region, by technician and start."""
        conditions = [_DUTIES.c.starts_at < end, _DUTIES.c.ends_at > start]
        if region is not None:
            conditions.append(_DUTIES.c.region == region)
        return self._select(conditions)

    def stand_down(self, technician_id: str, at: datetime, until: datetime) -> int:
        """End the technician's duties at ``at`` and drop those starting before ``until``; how many
        duties that changed."""
        mine = _DUTIES.c.technician_id == technician_id
        ended = self.session.execute(
            update(_DUTIES).where(mine, _DUTIES.c.starts_at < at, _DUTIES.c.ends_at > at).values(ends_at=at)
        )
        dropped = self.session.execute(
            delete(_DUTIES).where(mine, _DUTIES.c.starts_at >= at, _DUTIES.c.starts_at < until)
        )
        return int(ended.rowcount or 0) + int(dropped.rowcount or 0)  # type: ignore[attr-defined]

    def _select(self, conditions: list[ColumnElement[bool]]) -> list[OnCallDuty]:
        statement = select(_DUTIES).where(*conditions).order_by(_DUTIES.c.technician_id, _DUTIES.c.starts_at)
        return [_duty(row) for row in self.session.execute(statement).mappings()]
