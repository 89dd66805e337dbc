"""Procedures: the checklist a technician works through on each visit of a ticket category.

A procedure is how the provider documents and guarantees a resolution: a visit is not completed while a
mandatory step is open. Steps are ticked, or answered in words (a serial number, a customer's name).
The checklist of a visit keeps the steps as they were when work on it began, so a procedure edited later
does not rewrite what a technician signed off.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from dispatch.domain.errors import Conflict, DomainError
from dispatch.domain.tickets import TicketKind

MAX_ANSWER_CHARS = 500
"""Long enough for a serial number, a name or a short note; a report, not an essay."""


class StepKind(StrEnum):
    TICK = "tick"
    TEXT = "text"
    """Done once it has an answer that is not blank."""


@dataclass(frozen=True, slots=True)
class ProcedureStep:
    code: str
    label: str
    """In the technician's words: what to do, or what to write down."""
    mandatory: bool = True
    kind: StepKind = StepKind.TICK


@dataclass(frozen=True, slots=True)
class Procedure:
    """The ordered steps for the visits of one ticket category (and, optionally, of one ticket kind).

    A procedure without ``ticket_kind`` serves every ticket of its category that has no procedure of its
    own kind (maintenance visits may follow a different list from break-fix ones).
    """

    id: str
    category: str
    name: str
    steps: tuple[ProcedureStep, ...]
    ticket_kind: TicketKind | None = None

    def __post_init__(self) -> None:
        codes = [step.code for step in self.steps]
        if not codes:
            raise DomainError(f"procedure {self.id}: a procedure needs at least one step")
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise DomainError(f"procedure {self.id}: step codes must differ; repeated: {', '.join(repeated)}")


def procedure_for(procedures: Iterable[Procedure], category: str, kind: TicketKind) -> Procedure | None:
    """The procedure of ``category`` for tickets of ``kind``, else the category's general one."""
    general = None
    for procedure in procedures:
        if procedure.category != category:
            continue
        if procedure.ticket_kind is kind:
            return procedure
        if procedure.ticket_kind is None:
            general = procedure
    return general


@dataclass(frozen=True, slots=True)
class StepMark:
    """A technician ticking, unticking or answering one step of a visit's checklist, at a moment."""

    id: str
    idempotency_key: str
    job_id: str
    step_code: str
    done: bool
    technician_id: str
    marked_at: datetime
    answer: str | None = None


@dataclass(frozen=True, slots=True)
class ChecklistLine:
    """One step of a visit's checklist and where it stands (the last mark on it, if any)."""

    step: ProcedureStep
    done: bool = False
    answer: str | None = None
    marked_by: str | None = None
    marked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Checklist:
    """A visit's checklist: the procedure's steps as fixed for the visit, with the marks made on them."""

    job_id: str
    procedure_id: str
    procedure_name: str
    lines: tuple[ChecklistLine, ...]
    completed_at: datetime | None = None
    completed_by: str | None = None

    @property
    def open_mandatory(self) -> tuple[ProcedureStep, ...]:
        """The mandatory steps not done yet, in the procedure's order."""
        return tuple(line.step for line in self.lines if line.step.mandatory and not line.done)


def checklist_of(
    job_id: str,
    procedure: Procedure,
    marks: Sequence[StepMark],
    *,
    completed_at: datetime | None = None,
    completed_by: str | None = None,
) -> Checklist:
    """Each step with its latest mark (``marks`` oldest first); marks on unknown steps are ignored."""
    latest = {mark.step_code: mark for mark in marks}
    lines = []
    for step in procedure.steps:
        mark = latest.get(step.code)
        if mark is None:
            lines.append(ChecklistLine(step))
        else:
            lines.append(ChecklistLine(step, mark.done, mark.answer, mark.technician_id, mark.marked_at))
    return Checklist(job_id, procedure.id, procedure.name, tuple(lines), completed_at, completed_by)


def mark_is_done(step: ProcedureStep, done: bool, answer: str | None) -> bool:
    """Whether a mark leaves the step done: a tick as given; a text step only with a non-blank answer."""
    if step.kind is StepKind.TEXT:
        return done and answer is not None and answer.strip() != ""
    return done


def check_answer(step: ProcedureStep, done: bool, answer: str | None) -> None:
    """Refuse an answer on a tick step, or a text step marked done without an answer."""
    if step.kind is StepKind.TICK and answer is not None:
        raise DomainError(f"“{step.label}” is ticked, not answered: send no answer")
    if step.kind is StepKind.TEXT and done and (answer is None or not answer.strip()):
        raise DomainError(f"“{step.label}” needs an answer")
    if answer is not None and len(answer) > MAX_ANSWER_CHARS:
        raise DomainError(f"“{step.label}”: an answer has at most {MAX_ANSWER_CHARS} characters")


class ChecklistIncomplete(Conflict):
    """A visit reported completed while mandatory steps of its checklist are open."""

    def __init__(self, job_id: str, open_steps: Sequence[ProcedureStep]) -> None:
        labels = "; ".join(step.label for step in open_steps)
        noun = "step is" if len(open_steps) == 1 else "steps are"
        super().__init__(
            f"visit {job_id} cannot be completed: {len(open_steps)} mandatory {noun} open: {labels}"
        )
        self.open_steps = tuple(open_steps)
        self.extensions = {
            "open_steps": [{"code": step.code, "label": step.label} for step in open_steps],
        }
