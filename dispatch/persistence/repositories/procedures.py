"""Procedures with their steps, and visits' checklists with the marks made on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from dispatch.domain.listings import Page
from dispatch.domain.procedures import Procedure, ProcedureStep, StepKind, StepMark
from dispatch.domain.tickets import TicketKind
from dispatch.persistence.models import (
    ChecklistMarkRow,
    ProcedureRow,
    ProcedureStepRow,
    VisitChecklistRow,
    table_of,
)
from dispatch.persistence.repositories._base import Child, ChildRows, Repository, RowsByTable

_STEPS = table_of(ProcedureStepRow)
_CHECKLISTS = table_of(VisitChecklistRow)
_MARKS = table_of(ChecklistMarkRow)


class ProcedureRepository(Repository[Procedure]):
    table = table_of(ProcedureRow)
    key = "id"
    children = (Child(_STEPS, "procedure_id", "position"),)

    def key_of(self, item: Procedure) -> str:
        return item.id

    def to_rows(self, item: Procedure) -> RowsByTable:
        kind = None if item.ticket_kind is None else item.ticket_kind.value
        return {
            self.table: [{"id": item.id, "category": item.category, "ticket_kind": kind, "name": item.name}],
            _STEPS: [
                {
                    "procedure_id": item.id,
                    "code": step.code,
                    "position": position,
                    "label": step.label,
                    "mandatory": step.mandatory,
                    "kind": step.kind.value,
                }
                for position, step in enumerate(item.steps, start=1)
            ],
        }

    def from_rows(self, row: RowMapping, children: ChildRows) -> Procedure:
        return Procedure(
            id=row["id"],
            category=row["category"],
            name=row["name"],
            ticket_kind=None if row["ticket_kind"] is None else TicketKind(row["ticket_kind"]),
            steps=tuple(
                ProcedureStep(s["code"], s["label"], s["mandatory"], StepKind(s["kind"]))
                for s in children[_STEPS]
            ),
        )

    def find(self, category: str | None, *, limit: int, offset: int) -> Page[Procedure]:
        """A page of procedures by id, of one category if given."""
        conditions = [] if category is None else [self.table.c.category == category]
        return self._page(conditions, limit=limit, offset=offset)

    def of_category(self, category: str) -> list[Procedure]:
        """The procedures of one category (the general one and those of a ticket kind)."""
        return self._select([self.table.c.category == category])


@dataclass(frozen=True, slots=True)
class StoredChecklist:
    """A visit's checklist as stored: the procedure's steps fixed for the visit and its completion."""

    job_id: str
    procedure: Procedure
    started_at: datetime
    completed_at: datetime | None
    completed_by: str | None


@dataclass(frozen=True, slots=True)
class StoredMark:
    mark: StepMark
    reply: dict[str, Any]


class ChecklistRepository:
    """Reads and writes inside the caller's session; never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, job_id: str) -> StoredChecklist | None:
        row = (
            self.session.execute(select(_CHECKLISTS).where(_CHECKLISTS.c.job_id == job_id)).mappings().first()
        )
        return None if row is None else _checklist_of(row)

    def start(self, job_id: str, procedure: Procedure, at: datetime) -> None:
        """Fix ``procedure``'s steps as the visit's checklist (a second start breaks the primary key)."""
        steps = [
            {"code": s.code, "label": s.label, "mandatory": s.mandatory, "kind": s.kind.value}
            for s in procedure.steps
        ]
        self.session.execute(
            insert(_CHECKLISTS).values(
                job_id=job_id,
                procedure_id=procedure.id,
                procedure_name=procedure.name,
                steps=steps,
                started_at=at,
            )
        )

    def complete(self, job_id: str, technician_id: str, at: datetime) -> None:
        self.session.execute(
            update(_CHECKLISTS)
            .where(_CHECKLISTS.c.job_id == job_id)
            .values(completed_at=at, completed_by=technician_id)
        )

    def marks(self, job_id: str) -> list[StepMark]:
        """Every mark on the visit's checklist, oldest first."""
        rows = self.session.execute(
            select(_MARKS).where(_MARKS.c.job_id == job_id).order_by(_MARKS.c.marked_at, _MARKS.c.id)
        ).mappings()
        return [_mark_of(row) for row in rows]

    def mark_by_key(self, technician_id: str, idempotency_key: str) -> StoredMark | None:
        row = (
            self.session.execute(
                select(_MARKS).where(
                    _MARKS.c.technician_id == technician_id, _MARKS.c.idempotency_key == idempotency_key
                )
            )
            .mappings()
            .one_or_none()
        )
        return None if row is None else StoredMark(_mark_of(row), dict(row["reply"]))

    def add_mark(self, mark: StepMark, reply: dict[str, Any]) -> None:
        """Store a mark; the same technician storing the same key again breaks the unique constraint."""
        self.session.execute(
            insert(_MARKS).values(
                id=mark.id,
                idempotency_key=mark.idempotency_key,
                job_id=mark.job_id,
                step_code=mark.step_code,
                done=mark.done,
                answer=mark.answer,
                technician_id=mark.technician_id,
                marked_at=mark.marked_at,
                reply=reply,
            )
        )

    def marks_stamp(self, technician_id: str) -> tuple[int, datetime | None]:
        """How many marks the technician made and the latest: changes whenever they mark a step."""
        row = self.session.execute(
            select(func.count(), func.max(_MARKS.c.marked_at)).where(_MARKS.c.technician_id == technician_id)
        ).one()
        return int(row[0]), row[1]

    def for_jobs(self, job_ids: Sequence[str]) -> dict[str, tuple[StoredChecklist, list[StepMark]]]:
        """The stored checklists among ``job_ids`` with their marks, oldest first."""
        if not job_ids:
            return {}
        found: dict[str, tuple[StoredChecklist, list[StepMark]]] = {}
        for row in self.session.execute(
            select(_CHECKLISTS).where(_CHECKLISTS.c.job_id.in_(job_ids))
        ).mappings():
            found[row["job_id"]] = (_checklist_of(row), [])
        marks = self.session.execute(
            select(_MARKS).where(_MARKS.c.job_id.in_(job_ids)).order_by(_MARKS.c.marked_at, _MARKS.c.id)
        ).mappings()
        for row in marks:
            found[row["job_id"]][1].append(_mark_of(row))
        return found


def _checklist_of(row: RowMapping) -> StoredChecklist:
    steps = tuple(
        ProcedureStep(s["code"], s["label"], bool(s["mandatory"]), StepKind(s["kind"])) for s in row["steps"]
    )
    return StoredChecklist(
        job_id=row["job_id"],
        procedure=Procedure(id=row["procedure_id"], category="", name=row["procedure_name"], steps=steps),
        started_at=row["started_at"],
        completed_at=row["completed_at"],
        completed_by=row["completed_by"],
    )


def _mark_of(row: RowMapping) -> StepMark:
    return StepMark(
        id=row["id"],
        idempotency_key=row["idempotency_key"],
        job_id=row["job_id"],
        step_code=row["step_code"],
        done=row["done"],
        technician_id=row["technician_id"],
        marked_at=row["marked_at"],
        answer=row["answer"],
    )
