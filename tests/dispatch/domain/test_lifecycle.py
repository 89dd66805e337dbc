"""Ticket state transitions and job status progress."""

from __future__ import annotations

from itertools import product

import pytest

from dispatch.domain.errors import DomainError
from dispatch.domain.jobs import JobStatus
from dispatch.domain.lifecycle import (
    JOB_TRANSITIONS,
    TICKET_TRANSITIONS,
    advance_job,
    advance_ticket,
    is_forward,
    unassign_job,
)
from dispatch.domain.tickets import TicketState

T = TicketState
J = JobStatus

ALLOWED_TICKET_MOVES = {
    (T.NEW, T.REMOTE),
    (T.NEW, T.ONSITE_REQUIRED),
    (T.REMOTE, T.RESOLVED),
    (T.REMOTE, T.ONSITE_REQUIRED),
    (T.ONSITE_REQUIRED, T.SCHEDULED),
    (T.SCHEDULED, T.IN_PROGRESS),
    (T.SCHEDULED, T.ONSITE_REQUIRED),
    (T.IN_PROGRESS, T.RESOLVED),
    (T.IN_PROGRESS, T.ONSITE_REQUIRED),
    (T.RESOLVED, T.CLOSED),
    *((state, T.WAITING_CUSTOMER) for state in (T.NEW, T.REMOTE, T.ONSITE_REQUIRED, T.SCHEDULED)),
    *((T.WAITING_CUSTOMER, state) for state in (T.REMOTE, T.ONSITE_REQUIRED, T.SCHEDULED, T.RESOLVED)),
    *((state, T.CANCELLED) for state in T if state.is_open),
}

ALLOWED_JOB_MOVES = {
    (J.UNSCHEDULED, J.PLANNED),
    (J.PLANNED, J.EN_ROUTE),
    (J.EN_ROUTE, J.ON_SITE),
    (J.ON_SITE, J.COMPLETED),
    (J.ON_SITE, J.INCOMPLETE),
    *((status, J.CANCELLED) for status in (J.UNSCHEDULED, J.PLANNED, J.EN_ROUTE, J.ON_SITE)),
}


def test_transition_tables_are_exactly_the_documented_moves() -> None:
    """The tables hold every documented move and nothing else."""
    ticket_moves = {(old, new) for old, targets in TICKET_TRANSITIONS.items() for new in targets}
    job_moves = {(old, new) for old, targets in JOB_TRANSITIONS.items() for new in targets}
    assert ticket_moves == ALLOWED_TICKET_MOVES
    assert job_moves == ALLOWED_JOB_MOVES
    assert set(TICKET_TRANSITIONS) == set(TicketState)
    assert set(JOB_TRANSITIONS) == set(JobStatus)


@pytest.mark.parametrize(("old", "new"), sorted(ALLOWED_TICKET_MOVES))
def test_allowed_ticket_move(old: TicketState, new: TicketState) -> None:
    """Each allowed ticket move returns the new state and counts as forward."""
    assert advance_ticket(old, new) is new
    assert is_forward(old, new)


@pytest.mark.parametrize(("old", "new"), sorted(ALLOWED_JOB_MOVES))
def test_allowed_job_move(old: JobStatus, new: JobStatus) -> None:
    """Each allowed job move returns the new status and counts as forward."""
    assert advance_job(old, new) is new
    assert is_forward(old, new)


REFUSED_TICKET_MOVES = [
    (T.NEW, T.SCHEDULED),
    (T.NEW, T.RESOLVED),
    (T.NEW, T.CLOSED),
    (T.REMOTE, T.NEW),
    (T.REMOTE, T.IN_PROGRESS),
    (T.ONSITE_REQUIRED, T.IN_PROGRESS),
    (T.ONSITE_REQUIRED, T.REMOTE),
    (T.SCHEDULED, T.RESOLVED),
    (T.IN_PROGRESS, T.CLOSED),
    (T.RESOLVED, T.CANCELLED),
    (T.RESOLVED, T.IN_PROGRESS),
    (T.CLOSED, T.NEW),
    (T.CANCELLED, T.NEW),
]


@pytest.mark.parametrize(("old", "new"), REFUSED_TICKET_MOVES)
def test_refused_ticket_move_names_both_states(old: TicketState, new: TicketState) -> None:
    """A refused ticket move raises a domain error naming where it was and where it was sent."""
    with pytest.raises(DomainError, match=f"from {old.value} to {new.value}"):
        advance_ticket(old, new)


REFUSED_JOB_MOVES = [
    (J.UNSCHEDULED, J.EN_ROUTE),
    (J.UNSCHEDULED, J.COMPLETED),
    (J.PLANNED, J.ON_SITE),
    (J.PLANNED, J.UNSCHEDULED),
    (J.EN_ROUTE, J.PLANNED),
    (J.EN_ROUTE, J.COMPLETED),
    (J.ON_SITE, J.EN_ROUTE),
    (J.COMPLETED, J.INCOMPLETE),
    (J.COMPLETED, J.CANCELLED),
    (J.INCOMPLETE, J.ON_SITE),
    (J.CANCELLED, J.PLANNED),
]


@pytest.mark.parametrize(("old", "new"), REFUSED_JOB_MOVES)
def test_refused_job_move_names_both_statuses(old: JobStatus, new: JobStatus) -> None:
    """A refused job move raises a domain error naming both statuses."""
    with pytest.raises(DomainError, match=f"from {old.value} to {new.value}"):
        advance_job(old, new)


def test_every_move_outside_the_tables_is_refused() -> None:
    """Exhaustively: any move that is neither allowed nor a repeat raises."""
    for old, new in product(TicketState, TicketState):
        if old != new and (old, new) not in ALLOWED_TICKET_MOVES:
            with pytest.raises(DomainError):
                advance_ticket(old, new)
    for old_job, new_job in product(JobStatus, JobStatus):
        if old_job != new_job and (old_job, new_job) not in ALLOWED_JOB_MOVES:
            with pytest.raises(DomainError):
                advance_job(old_job, new_job)


@pytest.mark.parametrize("state", list(TicketState))
def test_repeated_ticket_report_is_a_no_op(state: TicketState) -> None:
    """Reporting the current ticket state again changes nothing and is not forward."""
    assert advance_ticket(state, state) is state
    assert not is_forward(state, state)


@pytest.mark.parametrize("status", list(JobStatus))
def test_repeated_job_report_is_a_no_op(status: JobStatus) -> None:
    """Reporting the current job status again changes nothing and is not forward."""
    assert advance_job(status, status) is status
    assert not is_forward(status, status)


@pytest.mark.parametrize(
    ("old", "new"),
    [(J.ON_SITE, J.EN_ROUTE), (J.COMPLETED, J.ON_SITE), (J.EN_ROUTE, J.PLANNED), (J.CANCELLED, J.COMPLETED)],
)
def test_stale_job_report_is_not_forward(old: JobStatus, new: JobStatus) -> None:
    """A late-arriving report of a status the job has passed is recognised as stale."""
    assert not is_forward(old, new)


def test_skipping_ahead_is_forward_but_refused() -> None:
    """A report that jumps ahead counts as forward, so the caller applies it and hears why it is refused."""
    assert is_forward(J.PLANNED, J.COMPLETED)
    with pytest.raises(DomainError, match="from planned to completed"):
        advance_job(J.PLANNED, J.COMPLETED)


def test_visit_that_could_not_finish_sends_the_ticket_back_onsite() -> None:
    """IN_PROGRESS back to ONSITE_REQUIRED is forward: another visit is needed."""
    assert is_forward(T.IN_PROGRESS, T.ONSITE_REQUIRED)
    assert advance_ticket(T.IN_PROGRESS, T.ONSITE_REQUIRED) is T.ONSITE_REQUIRED


def test_final_ticket_refusal_suggests_a_follow_up() -> None:
    """Moving a closed ticket explains that it is final."""
    with pytest.raises(DomainError, match="final"):
        advance_ticket(T.CLOSED, T.IN_PROGRESS)


def test_dispatcher_can_unassign_only_a_planned_job() -> None:
    """unassign_job takes PLANNED back to UNSCHEDULED and refuses once the technician is under way."""
    assert unassign_job(J.PLANNED) is J.UNSCHEDULED
    assert unassign_job(J.UNSCHEDULED) is J.UNSCHEDULED
    for status in (J.EN_ROUTE, J.ON_SITE, J.COMPLETED, J.INCOMPLETE, J.CANCELLED):
        with pytest.raises(DomainError, match=f"from {status.value} to unscheduled"):
            unassign_job(status)


def test_progress_report_refuses_going_back_to_unscheduled() -> None:
    """A progress report cannot unassign a job; the message says who can."""
    with pytest.raises(DomainError, match="dispatcher"):
        advance_job(J.PLANNED, J.UNSCHEDULED)


def test_is_forward_refuses_mixing_tickets_and_jobs() -> None:
    """Comparing a ticket state with a job status is a programming error reported clearly."""
    with pytest.raises(DomainError, match="cannot compare"):
        is_forward(T.NEW, J.PLANNED)
