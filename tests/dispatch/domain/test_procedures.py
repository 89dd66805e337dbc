"""Procedures and checklists: which procedure a visit follows, what is open, what an answer must be."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.catalogue import SKILLS
from data.procedures import demo_procedures
from dispatch.domain.errors import Conflict, DomainError
from dispatch.domain.procedures import (
    ChecklistIncomplete,
    Procedure,
    ProcedureStep,
    StepKind,
    StepMark,
    check_answer,
    checklist_of,
    mark_is_done,
    procedure_for,
)
from dispatch.domain.tickets import TicketKind

AT = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
DIAGNOSE = ProcedureStep("diagnose", "Diagnose the fault")
SERIAL = ProcedureStep("serial", "Serial number of the unit fitted", kind=StepKind.TEXT)
NOTES = ProcedureStep("notes", "Notes", mandatory=False, kind=StepKind.TEXT)
GENERAL = Procedure("P-NET", "network", "network visit", (DIAGNOSE, SERIAL, NOTES))
UPKEEP = Procedure("P-NET-M", "network", "network upkeep", (DIAGNOSE,), ticket_kind=TicketKind.MAINTENANCE)


def _mark(code: str, done: bool, answer: str | None = None, minute: int = 0) -> StepMark:
    return StepMark(
        f"M-{code}-{minute}",
        f"k-{code}-{minute}",
        "J-1",
        code,
        done,
        "T-1",
        AT.replace(minute=minute),
        answer,
    )


def test_a_maintenance_ticket_follows_its_own_procedure_and_support_the_general_one() -> None:
    """The kind's own procedure wins; without one, the category's general procedure serves."""
    both = [UPKEEP, GENERAL]
    assert procedure_for(both, "network", TicketKind.MAINTENANCE) is UPKEEP
    assert procedure_for(both, "network", TicketKind.SUPPORT) is GENERAL
    assert procedure_for([GENERAL], "network", TicketKind.MAINTENANCE) is GENERAL
    assert procedure_for([UPKEEP], "network", TicketKind.SUPPORT) is None
    assert procedure_for(both, "server", TicketKind.SUPPORT) is None


def test_open_mandatory_steps_follow_the_latest_mark_and_ignore_optional_ones() -> None:
    """Ticked then unticked is open again; an optional step never blocks; order is the procedure's."""
    marks = [
        _mark("diagnose", True, minute=1),
        _mark("serial", True, "SN-1", minute=2),
        _mark("diagnose", False, minute=3),
    ]
    checklist = checklist_of("J-1", GENERAL, marks)
    assert [s.code for s in checklist.open_mandatory] == ["diagnose"]
    assert checklist.lines[1].answer == "SN-1" and checklist.lines[1].marked_by == "T-1"
    assert checklist_of("J-1", GENERAL, []).open_mandatory == (DIAGNOSE, SERIAL)
    done = checklist_of("J-1", GENERAL, [*marks, _mark("diagnose", True, minute=4)])
    assert done.open_mandatory == ()


def test_a_text_step_needs_an_answer_and_a_tick_step_takes_none() -> None:
    """Answers belong to text steps only, not blank when done, and within the length limit."""
    with pytest.raises(DomainError, match="needs an answer"):
        check_answer(SERIAL, True, "  ")
    with pytest.raises(DomainError, match="ticked, not answered"):
        check_answer(DIAGNOSE, True, "done")
    with pytest.raises(DomainError, match="at most"):
        check_answer(SERIAL, True, "x" * 501)
    check_answer(SERIAL, False, None)
    assert not mark_is_done(SERIAL, False, "SN-1")
    assert mark_is_done(SERIAL, True, "SN-1")


def test_a_procedure_needs_steps_with_distinct_codes() -> None:
    """No empty procedure, no two steps with one code."""
    with pytest.raises(DomainError, match="at least one step"):
        Procedure("P", "network", "empty", ())
    with pytest.raises(DomainError, match="repeated: diagnose"):
        Procedure("P", "network", "twice", (DIAGNOSE, DIAGNOSE))


def test_the_refusal_names_the_open_steps_in_the_technicians_words() -> None:
    """The 409's message lists the labels; its extension lists codes and labels."""
    refusal = ChecklistIncomplete("J-1", (DIAGNOSE, SERIAL))
    assert isinstance(refusal, Conflict)
    assert "2 mandatory steps are open: Diagnose the fault; Serial number of the unit fitted" in str(refusal)
    assert refusal.extensions["open_steps"][0] == {"code": "diagnose", "label": "Diagnose the fault"}


def test_the_demo_gives_every_category_a_procedure_that_ends_with_the_customers_sign_off() -> None:
    """Each skill code has a general procedure with a mandatory written sign-off, and a maintenance one."""
    procedures = demo_procedures(skill.code for skill in SKILLS)
    for skill in SKILLS:
        general = procedure_for(procedures, skill.code, TicketKind.SUPPORT)
        assert general is not None and general.ticket_kind is None
        sign_off = next(step for step in general.steps if step.code == "sign_off")
        assert sign_off.mandatory and sign_off.kind is StepKind.TEXT
        upkeep = procedure_for(procedures, skill.code, TicketKind.MAINTENANCE)
        assert upkeep is not None and upkeep.ticket_kind is TicketKind.MAINTENANCE


@given(st.lists(st.tuples(st.sampled_from(["diagnose", "serial", "notes"]), st.booleans()), max_size=12))
def test_a_step_is_open_exactly_when_its_last_mark_is_not_done(marks: list[tuple[str, bool]]) -> None:
    """Whatever the order of marks, a mandatory step is open iff its latest mark (if any) is not done."""
    made = [
        _mark(code, done, "A" if done and code != "diagnose" else None, minute=i)
        for i, (code, done) in enumerate(marks)
    ]
    checklist = checklist_of("J-1", GENERAL, made)
    latest = dict(marks)
    expected = [s.code for s in GENERAL.steps if s.mandatory and not latest.get(s.code, False)]
    assert [s.code for s in checklist.open_mandatory] == expected
