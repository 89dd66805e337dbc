"""Which moves a ticket's state and a job's status may make, so every writer obeys the same rules.

Tickets are tried remotely first and go onsite when that fails; before a visit starts a ticket may
wait on the customer (WAITING_CUSTOMER, which pauses the SLA clocks) and resume remotely or onsite; a
visit that could not finish sends the ticket back to ONSITE_REQUIRED for another one. Jobs only move
forward as the technician reports progress; the one step back, PLANNED to UNSCHEDULED, is a dispatcher
unassigning the job (``unassign_job``), never a progress report. INCOMPLETE is final even when the
customer was absent: the work left goes out as a new follow-up job, so the visit that happened stays in
the day's history (and on its technician's route, where the live day keeps it as a fact).
"""

from __future__ import annotations

from types import MappingProxyType

from dispatch.domain.errors import DomainError
from dispatch.domain.jobs import JobStatus
from dispatch.domain.tickets import TicketState

_T = TicketState
_OPEN_TICKET_STATES = tuple(state for state in TicketState if state.is_open)

TICKET_TRANSITIONS: MappingProxyType[TicketState, frozenset[TicketState]] = MappingProxyType(
    {
        # Onsite requests and planned maintenance go straight to a visit; the rest is tried remotely.
        _T.NEW: frozenset({_T.REMOTE, _T.ONSITE_REQUIRED, _T.WAITING_CUSTOMER, _T.CANCELLED}),
        _T.REMOTE: frozenset({_T.RESOLVED, _T.ONSITE_REQUIRED, _T.WAITING_CUSTOMER, _T.CANCELLED}),
        _T.ONSITE_REQUIRED: frozenset({_T.SCHEDULED, _T.WAITING_CUSTOMER, _T.CANCELLED}),
        # Back to ONSITE_REQUIRED when the dispatcher unassigns the visit before it starts.
        _T.SCHEDULED: frozenset({_T.IN_PROGRESS, _T.ONSITE_REQUIRED, _T.WAITING_CUSTOMER, _T.CANCELLED}),
        # Back to ONSITE_REQUIRED when the visit could not complete and another is needed.
        _T.IN_PROGRESS: frozenset({_T.RESOLVED, _T.ONSITE_REQUIRED, _T.CANCELLED}),
        _T.RESOLVED: frozenset({_T.CLOSED}),
        _T.CLOSED: frozenset(),
        _T.CANCELLED: frozenset(),
        # Waiting on the customer pauses the work before a visit starts; it resumes where it can go on.
        _T.WAITING_CUSTOMER: frozenset(
            {_T.REMOTE, _T.ONSITE_REQUIRED, _T.SCHEDULED, _T.RESOLVED, _T.CANCELLED}
        ),
    }
)

_J = JobStatus
FINAL_JOB_STATUSES = frozenset({_J.COMPLETED, _J.INCOMPLETE, _J.CANCELLED})

JOB_TRANSITIONS: MappingProxyType[JobStatus, frozenset[JobStatus]] = MappingProxyType(
    {
        _J.UNSCHEDULED: frozenset({_J.PLANNED, _J.CANCELLED}),
        _J.PLANNED: frozenset({_J.EN_ROUTE, _J.CANCELLED}),
        _J.EN_ROUTE: frozenset({_J.ON_SITE, _J.CANCELLED}),
        _J.ON_SITE: frozenset({_J.COMPLETED, _J.INCOMPLETE, _J.CANCELLED}),
        _J.COMPLETED: frozenset(),
        _J.INCOMPLETE: frozenset(),
        _J.CANCELLED: frozenset(),
    }
)

# How far along each state is; used to tell a stale report from one that moves the record on. Waiting on
# the customer ranks with the states it can be entered from, before a visit starts.
_TICKET_ORDER = (
    _T.NEW,
    _T.REMOTE,
    _T.WAITING_CUSTOMER,
    _T.ONSITE_REQUIRED,
    _T.SCHEDULED,
    _T.IN_PROGRESS,
    _T.RESOLVED,
    _T.CLOSED,
    _T.CANCELLED,
)
_TICKET_PROGRESS = {state: rank for rank, state in enumerate(_TICKET_ORDER)}
_JOB_PROGRESS = {
    _J.UNSCHEDULED: 0,
    _J.PLANNED: 1,
    _J.EN_ROUTE: 2,
    _J.ON_SITE: 3,
    _J.COMPLETED: 4,
    _J.INCOMPLETE: 4,
    _J.CANCELLED: 5,
}


def advance_ticket(state: TicketState, new: TicketState) -> TicketState:
    """The ticket's state after moving to ``new``; repeating the current state changes nothing."""
    if new == state or new in TICKET_TRANSITIONS[state]:
        return new
    raise DomainError(f"a ticket cannot move from {state.value} to {new.value}{_ticket_hint(state)}")


def advance_job(status: JobStatus, new: JobStatus) -> JobStatus:
    """The job's status after a progress report of ``new``; repeating the current status changes nothing."""
    if new == status or new in JOB_TRANSITIONS[status]:
        return new
    raise DomainError(f"a job cannot move from {status.value} to {new.value}{_job_hint(status, new)}")


def unassign_job(status: JobStatus) -> JobStatus:
    """A dispatcher takes a planned job off its technician: PLANNED goes back to UNSCHEDULED."""
    if status in (_J.PLANNED, _J.UNSCHEDULED):
        return _J.UNSCHEDULED
    raise DomainError(
        f"a job cannot move from {status.value} to {_J.UNSCHEDULED.value}: "
        "only a planned job can be unassigned, before the technician sets off"
    )


def is_forward(old: TicketState | JobStatus, new: TicketState | JobStatus) -> bool:
    """Whether a report of ``new`` should be applied to a record in ``old``.

    False for a repeat of the current state and for a stale report of a state the record has already
    passed (progress reports may arrive twice or out of order): both are no-ops. True for anything
    else; ``advance_ticket`` or ``advance_job`` then accepts it or refuses it with a reason.
    """
    if new == old:
        return False
    if isinstance(old, TicketState) and isinstance(new, TicketState):
        return new in TICKET_TRANSITIONS[old] or _TICKET_PROGRESS[new] > _TICKET_PROGRESS[old]
    if isinstance(old, JobStatus) and isinstance(new, JobStatus):
        return new in JOB_TRANSITIONS[old] or _JOB_PROGRESS[new] >= _JOB_PROGRESS[old]
    raise DomainError(f"cannot compare a {type(old).__name__} with a {type(new).__name__}")


def _ticket_hint(state: TicketState) -> str:
    if not state.is_open:
        return f": a {state.value} ticket is final; raise a follow-up ticket instead"
    allowed = ", ".join(sorted(s.value for s in TICKET_TRANSITIONS[state]))
    return f" (allowed: {allowed})"


def _job_hint(status: JobStatus, new: JobStatus) -> str:
    if status in FINAL_JOB_STATUSES:
        return f": a {status.value} job is final"
    if status == _J.PLANNED and new == _J.UNSCHEDULED:
        return ": only a dispatcher unassigning the job moves it back"
    allowed = ", ".join(sorted(s.value for s in JOB_TRANSITIONS[status]))
    return f" (allowed: {allowed})"
