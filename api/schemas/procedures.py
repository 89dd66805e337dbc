"""Procedures, visits' checklists and technicians' marks as the API shows and accepts them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.schemas.common import RequestModel
from api.schemas.values import Name, RecordId
from dispatch.domain.procedures import MAX_ANSWER_CHARS, Checklist, Procedure, ProcedureStep, StepKind
from dispatch.domain.tickets import TicketKind
from dispatch.services.procedures import MarkRequest

Answer = Annotated[str, StringConstraints(max_length=MAX_ANSWER_CHARS, pattern=r"^[^\x00]*$")]


class StepIn(RequestModel):
    code: RecordId
    label: Name = Field(description="In the technician's words: what to do, or what to write down.")
    mandatory: bool = True
    kind: StepKind = Field(default=StepKind.TICK, description="`tick`, or `text` for a written answer.")

    def to_domain(self) -> ProcedureStep:
        return ProcedureStep(code=self.code, label=self.label, mandatory=self.mandatory, kind=self.kind)


class ProcedureChange(RequestModel):
    category: RecordId = Field(description="The ticket category (a skill code) the procedure is for.")
    ticket_kind: TicketKind | None = Field(
        default=None, description="Only tickets of this kind; none: every ticket of the category without one."
    )
    name: Name
    steps: list[StepIn] = Field(min_length=1, max_length=50, description="In the order they are worked.")

    def to_domain(self, procedure_id: str) -> Procedure:
        return Procedure(
            id=procedure_id,
            category=self.category,
            name=self.name,
            steps=tuple(step.to_domain() for step in self.steps),
            ticket_kind=self.ticket_kind,
        )


class ProcedureIn(ProcedureChange):
    id: RecordId


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    label: str
    mandatory: bool
    kind: StepKind


class ProcedureOut(BaseModel):
    id: str
    category: str
    ticket_kind: TicketKind | None
    name: str
    steps: list[StepOut]

    @classmethod
    def of(cls, procedure: Procedure) -> ProcedureOut:
        return cls(
            id=procedure.id,
            category=procedure.category,
            ticket_kind=procedure.ticket_kind,
            name=procedure.name,
            steps=[StepOut.model_validate(step) for step in procedure.steps],
        )


class ChecklistLineOut(BaseModel):
    code: str
    label: str
    mandatory: bool
    kind: StepKind
    done: bool
    answer: str | None
    marked_by: str | None = Field(description="The technician who last marked the step.")
    marked_at: datetime | None


class ChecklistOut(BaseModel):
    """A visit's checklist: the steps as fixed when work began, what is done, who completed the visit."""

    job_id: str
    procedure_id: str
    procedure_name: str
    steps: list[ChecklistLineOut]
    open_mandatory: list[str] = Field(description="Codes of the mandatory steps not done yet.")
    completed_at: datetime | None
    completed_by: str | None

    @classmethod
    def of(cls, checklist: Checklist) -> ChecklistOut:
        return cls(
            job_id=checklist.job_id,
            procedure_id=checklist.procedure_id,
            procedure_name=checklist.procedure_name,
            steps=[
                ChecklistLineOut(
                    code=line.step.code,
                    label=line.step.label,
                    mandatory=line.step.mandatory,
                    kind=line.step.kind,
                    done=line.done,
                    answer=line.answer,
                    marked_by=line.marked_by,
                    marked_at=line.marked_at,
                )
                for line in checklist.lines
            ],
            open_mandatory=[step.code for step in checklist.open_mandatory],
            completed_at=checklist.completed_at,
            completed_by=checklist.completed_by,
        )


class MarkIn(RequestModel):
    """Tick, untick or answer one step; retry with the same ``idempotency_key`` as often as needed."""

    idempotency_key: uuid.UUID = Field(description="Made by the client (a UUID), one per mark.")
    done: bool = Field(description="Ticked (or answered); false opens the step again.")
    answer: Answer | None = Field(default=None, description="The written answer of a `text` step.")

    def to_request(self, job_id: str, step_code: str) -> MarkRequest:
        return MarkRequest(
            idempotency_key=str(self.idempotency_key),
            job_id=job_id,
            step_code=step_code,
            done=self.done,
            answer=self.answer,
        )


class MarkOut(BaseModel):
    """The answer to a mark; a retry with the same key gets exactly this answer again."""

    mark_id: str
    job_id: str
    step_code: str
    done: bool
    answer: str | None
    marked_at: datetime
    open_mandatory: list[str] = Field(description="Codes of the mandatory steps still open after this mark.")

    @classmethod
    def of(cls, reply: dict[str, Any]) -> MarkOut:
        return cls.model_validate(reply)
