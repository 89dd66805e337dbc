"""Standby agreements: stored by id, read back all together or by the period they overlap."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from dispatch.domain.jobs import SkillRequirement
from dispatch.domain.standby import StandbyAgreement
from dispatch.persistence.models import StandbyAgreementRow, table_of

_TABLE = table_of(StandbyAgreementRow)


def _row(agreement: StandbyAgreement) -> dict[str, object]:
    return {
        "id": agreement.id,
        "customer_id": agreement.customer_id,
        "site_id": agreement.site_id,
        "starts_at": agreement.starts_at,
        "ends_at": agreement.ends_at,
        "required_skills": {r.skill: r.min_level for r in agreement.required_skills},
        "response_s": int(agreement.response.total_seconds()),
    }


def _agreement(row: RowMapping) -> StandbyAgreement:
    return StandbyAgreement(
        id=row["id"],
        customer_id=row["customer_id"],
        site_id=row["site_id"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        required_skills=tuple(
            SkillRequirement(s, int(level)) for s, level in sorted(row["required_skills"].items())
        ),
        response=timedelta(seconds=row["response_s"]),
    )


class StandbyAgreementRepository:
    """Add and read standby agreements inside the caller's session (which commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_many(self, agreements: Iterable[StandbyAgreement]) -> None:
        rows = [_row(a) for a in agreements]
        if rows:
            self.session.execute(insert(_TABLE), rows)

    def all(self) -> list[StandbyAgreement]:
        """Every agreement, by start then id."""
        return self._select([])

    def get(self, agreement_id: str) -> StandbyAgreement | None:
        found = self._select([_TABLE.c.id == agreement_id])
        return found[0] if found else None

    def overlapping(self, start: datetime, end: datetime) -> list[StandbyAgreement]:
        """Agreements with some of their period in ``[start, end)``, by start then id."""
        return self._select([_TABLE.c.starts_at < end, _TABLE.c.ends_at > start])

    def _select(self, conditions: list[ColumnElement[bool]]) -> list[StandbyAgreement]:
        statement = select(_TABLE).where(*conditions).order_by(_TABLE.c.starts_at, _TABLE.c.id)
        return [_agreement(row) for row in self.session.execute(statement).mappings()]
