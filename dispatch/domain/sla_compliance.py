"""SLA compliance of tickets: met or breached per target, times on the SLA clock, and monthly figures.

A response target is met when the ticket was first responded to (a technician's arrival, or the start of
a remote session) by its response due time; a resolution target when it was resolved by its resolution
due time. Both due times are moved by the covered time the ticket spent waiting on the customer. A
target not yet reached is breached once its due time has passed, and pending before that.

Response and resolution times are SLA-clock time: covered hours from opening, less covered time paused,
so they read on the same scale as the targets whatever the contract's hours.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from dispatch.domain.contracts import Coverage, Priority
from dispatch.domain.sla_clock import SlaDueTimes, covered_time_between
from dispatch.domain.sla_pauses import PauseSpan, closed_spans, paused_due_times
from dispatch.domain.tickets import Ticket


class TargetOutcome(StrEnum):
    MET = "met"
    BREACHED = "breached"
    PENDING = "pending"


@dataclass(frozen=True, slots=True)
class TicketCompliance:
    """How one ticket stands against its two targets."""

    ticket_id: str
    contract_id: str
    priority: Priority
    due: SlaDueTimes
    """The due times after pauses."""
    response: TargetOutcome
    resolution: TargetOutcome
    response_time: timedelta | None
    resolution_time: timedelta | None
    paused: timedelta
    """Covered time spent waiting on the customer."""


def ticket_compliance(
    ticket: Ticket,
    coverage: Coverage,
    tz: str,
    subdivision: str | None,
    pauses: Sequence[PauseSpan],
    now: datetime,
) -> TicketCompliance:
    """The ticket's standing as of ``now``."""
    moved = paused_due_times(
        SlaDueTimes(ticket.response_due, ticket.resolution_due), pauses, now, coverage, tz, subdivision
    )
    spans = closed_spans(pauses, now)

    def clock_time(until: datetime | None) -> timedelta | None:
        if until is None:
            return None
        paused = sum(
            (covered_time_between(s, min(e, until), coverage, tz, subdivision) for s, e in spans),
            timedelta(0),
        )
        return covered_time_between(ticket.opened_at, until, coverage, tz, subdivision) - paused

    return TicketCompliance(
        ticket_id=ticket.id,
        contract_id=ticket.contract_id,
        priority=ticket.priority,
        due=moved.due,
        response=_outcome(ticket.responded_at, moved.due.response_due, now),
        resolution=_outcome(ticket.resolved_at, moved.due.resolution_due, now),
        response_time=clock_time(ticket.responded_at),
        resolution_time=clock_time(ticket.resolved_at),
        paused=moved.paused_covered,
    )


def _outcome(reached_at: datetime | None, due: datetime, now: datetime) -> TargetOutcome:
    if reached_at is not None:
        return TargetOutcome.MET if reached_at <= due else TargetOutcome.BREACHED
    return TargetOutcome.BREACHED if now > due else TargetOutcome.PENDING


@dataclass(frozen=True, slots=True)
class TargetCounts:
    met: int = 0
    breached: int = 0
    pending: int = 0

    def add(self, outcome: TargetOutcome) -> TargetCounts:
        return TargetCounts(
            met=self.met + (outcome is TargetOutcome.MET),
            breached=self.breached + (outcome is TargetOutcome.BREACHED),
            pending=self.pending + (outcome is TargetOutcome.PENDING),
        )


@dataclass(frozen=True, slots=True)
class PriorityCompliance:
    priority: Priority
    tickets: int
    response: TargetCounts
    resolution: TargetCounts


@dataclass(frozen=True, slots=True)
class TimeFigures:
    """Mean and 90th percentile of a time, over the tickets that have one (``None`` when none do)."""

    count: int
    mean: timedelta | None
    p90: timedelta | None

    @classmethod
    def of(cls, times: Iterable[timedelta | None]) -> TimeFigures:
        seconds = sorted(t.total_seconds() for t in times if t is not None)
        if not seconds:
            return cls(0, None, None)
        p90 = seconds[0] if len(seconds) == 1 else statistics.quantiles(seconds, n=10, method="inclusive")[-1]
        return cls(len(seconds), timedelta(seconds=statistics.fmean(seconds)), timedelta(seconds=p90))


@dataclass(frozen=True, slots=True)
class ComplianceFigures:
    """A group of tickets (a contract's month): outcomes by priority, times, and time paused."""

    tickets: int
    by_priority: tuple[PriorityCompliance, ...]
    response: TargetCounts
    resolution: TargetCounts
    response_time: TimeFigures
    resolution_time: TimeFigures
    paused: timedelta


def compliance_figures(tickets: Sequence[TicketCompliance]) -> ComplianceFigures:
    """Sum up tickets: counts for every priority (zero rows included), times and total pause."""
    by_priority = []
    for priority in Priority:
        group = [t for t in tickets if t.priority is priority]
        by_priority.append(
            PriorityCompliance(
                priority=priority,
                tickets=len(group),
                response=_counts(t.response for t in group),
                resolution=_counts(t.resolution for t in group),
            )
        )
    return ComplianceFigures(
        tickets=len(tickets),
        by_priority=tuple(by_priority),
        response=_counts(t.response for t in tickets),
        resolution=_counts(t.resolution for t in tickets),
        response_time=TimeFigures.of(t.response_time for t in tickets),
        resolution_time=TimeFigures.of(t.resolution_time for t in tickets),
        paused=sum((t.paused for t in tickets), timedelta(0)),
    )


def _counts(outcomes: Iterable[TargetOutcome]) -> TargetCounts:
    counts = TargetCounts()
    for outcome in outcomes:
        counts = counts.add(outcome)
    return counts
