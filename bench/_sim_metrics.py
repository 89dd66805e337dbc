"""The figures a provider is judged on, from what happened on the simulated days.

- SLA: a ticket's response is kept when a technician arrives on site by its response due time (only
  tickets not answered before the day, by a remote session, count for it), its resolution when a visit of
  it is completed by its resolution due time. A ticket counts on the day its due
  time falls in (from the morning plan to the end of the day); one already past due at the morning plan
  counts nowhere (no dispatching could keep it). Not served by the end of the day is a miss.
- Within reach: of the P1 and P2 responses reported during the day, how many anyone could still have kept
  when the ticket came in (``bench._sim_reach``), on the day as the policy had made it: the most a
  dispatching could have kept from there.
- Arrival windows: for each visit made, the window its customer saw an hour before the technician began
  (the latest quarter-hourly snapshot at least an hour before), and whether the start fell inside it; the
  estimate's absolute error at that moment.
- Visits moved: visits of the morning plan made by another technician than the morning planned.
- P1 response: from a P1 ticket reported during the day to a technician on site; one never reached counts
  as not served (so the percentiles say "not served" when more than that share was not).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bench._sim_engine import DayRecord, Snapshot, VisitRecord
from dispatch.domain.tickets import Ticket

HOUR_BEFORE = timedelta(hours=1)
PRIORITIES = ("P1", "P2", "P3", "P4")


@dataclass(frozen=True, slots=True)
class DayFacts:
    """What the figures need beyond the record: the tickets with onsite work (the morning's and those
    reported during the day), who had each job in the morning plan, and when the morning plan was made
    and the day ended."""

    tickets: dict[str, Ticket]
    morning_technician: dict[str, str]
    reported_during_day: frozenset[str]
    planned_at: datetime
    day_end: datetime


@dataclass
class Tally:
    kept: int = 0
    counted: int = 0

    def add(self, kept: bool) -> None:
        self.counted += 1
        self.kept += int(kept)

    @property
    def rate(self) -> float | None:
        return self.kept / self.counted if self.counted else None


@dataclass
class PolicyFigures:
    """One policy's figures summed over the simulated days."""

    response: dict[str, Tally] = field(default_factory=lambda: {p: Tally() for p in PRIORITIES})
    resolution: dict[str, Tally] = field(default_factory=lambda: {p: Tally() for p in PRIORITIES})
    travel: timedelta = timedelta(0)
    overtime: timedelta = timedelta(0)
    moved: int = 0
    morning_visits: int = 0
    in_window: Tally = field(default_factory=Tally)
    before_window: int = 0
    after_window: int = 0
    window_width: list[float] = field(default_factory=list)
    estimate_error_min: list[float] = field(default_factory=list)
    p1_minutes: list[float] = field(default_factory=list)
    kept_in_day: dict[str, Tally] = field(default_factory=lambda: {p: Tally() for p in PRIORITIES})
    """Responses of the tickets reported during the day (a part of ``response``)."""
    in_reach: dict[str, Tally] = field(default_factory=lambda: {p: Tally() for p in PRIORITIES})
    """Of those, the ones someone could still have kept when the ticket came in (``bench._sim_reach``)."""
    visits: int = 0
    completed: int = 0
    searches: int = 0
    windows_promised: int = 0
    promises_broken: int = 0
    visits_broken: int = 0
    wall_s: float = 0.0

    def add_day(self, record: DayRecord, facts: DayFacts, wall_s: float) -> None:
        first_arrival, completion = reached_and_done(record)
        for ticket in facts.tickets.values():
            self._sla(ticket, first_arrival.get(ticket.id), completion.get(ticket.id), facts)
            if ticket.id in record.soonest_reach and _response_counts(ticket, facts):
                soonest = record.soonest_reach[ticket.id]
                reached = first_arrival.get(ticket.id)
                priority = ticket.priority.value
                self.kept_in_day[priority].add(reached is not None and reached.arrival <= ticket.response_due)
                self.in_reach[priority].add(soonest is not None and soonest <= ticket.response_due)
        self.travel += record.travel
        self.overtime += record.overtime
        self.morning_visits += len(facts.morning_technician)
        self.moved += sum(
            1
            for visit in record.visits
            if visit.job_id in facts.morning_technician
            and facts.morning_technician[visit.job_id] != visit.technician_id
        )
        self._windows(record.visits, record.snapshots)
        self.visits += len(record.visits)
        self.completed += sum(1 for v in record.visits if v.completed)
        self.searches += record.searches
        self.windows_promised += record.windows_promised
        self.promises_broken += record.promises_broken
        self.visits_broken += len(record.visits_broken)
        self.wall_s += wall_s

    def _sla(
        self, ticket: Ticket, reached: VisitRecord | None, done: VisitRecord | None, facts: DayFacts
    ) -> None:
        priority = ticket.priority.value
        if _response_counts(ticket, facts):
            self.response[priority].add(reached is not None and reached.arrival <= ticket.response_due)
        if facts.planned_at <= ticket.resolution_due <= facts.day_end:
            self.resolution[priority].add(done is not None and done.end <= ticket.resolution_due)
        if ticket.id in facts.reported_during_day and priority == "P1":
            waited = (reached.arrival - ticket.opened_at).total_seconds() / 60 if reached else float("inf")
            self.p1_minutes.append(waited)

    def _windows(self, visits: Iterable[VisitRecord], snapshots: Sequence[Snapshot]) -> None:
        by_job: dict[str, list[Snapshot]] = {}
        for snapshot in snapshots:
            by_job.setdefault(snapshot.job_id, []).append(snapshot)
        for visit in visits:
            seen = [s for s in by_job.get(visit.job_id, []) if s.at <= visit.start - HOUR_BEFORE]
            if not seen:
                continue
            shown = max(seen, key=lambda s: s.at)
            low, high = shown.window
            self.in_window.add(low <= visit.start <= high)
            self.before_window += visit.start < low
            self.after_window += visit.start > high
            self.window_width.append((high - low).total_seconds() / 60)
            self.estimate_error_min.append(abs((shown.estimate - visit.start).total_seconds()) / 60)


def _response_counts(ticket: Ticket, facts: DayFacts) -> bool:
    """Whether the ticket's response is judged on this day: awaited, and due in it."""
    return ticket.responded_at is None and facts.planned_at <= ticket.response_due <= facts.day_end


def reached_and_done(record: DayRecord) -> tuple[dict[str, VisitRecord], dict[str, VisitRecord]]:
    """By ticket, the first visit made and the first completed (a follow-up visit resolves the ticket of
    the first)."""
    first_arrival: dict[str, VisitRecord] = {}
    completion: dict[str, VisitRecord] = {}
    for visit in record.visits:
        first_arrival.setdefault(visit.ticket_id, visit)
        if visit.completed:
            completion.setdefault(visit.ticket_id, visit)
    return first_arrival, completion


TICKET_COLUMNS = (
    "policy",
    "ticket",
    "priority",
    "reported_in_day",
    "opened_at",
    "response_due",
    "first_on_site",
    "technician",
    "resolution_due",
    "completed_at",
)


def ticket_rows(policy: str, record: DayRecord, facts: DayFacts) -> list[tuple[str, ...]]:
    """One row per ticket with onsite work: when it was due and when a technician came and finished, for
    looking at the tickets behind a figure (``TICKET_COLUMNS``; instants in UTC, empty when it never
    happened)."""
    first_arrival, completion = reached_and_done(record)
    rows: list[tuple[str, ...]] = []
    for ticket in facts.tickets.values():
        reached, done = first_arrival.get(ticket.id), completion.get(ticket.id)
        rows.append(
            (
                policy,
                ticket.id,
                ticket.priority.value,
                "yes" if ticket.id in facts.reported_during_day else "no",
                ticket.opened_at.isoformat(),
                "" if ticket.responded_at is not None else ticket.response_due.isoformat(),
                "" if reached is None else reached.arrival.isoformat(),
                "" if reached is None else reached.technician_id,
                ticket.resolution_due.isoformat(),
                "" if done is None else done.end.isoformat(),
            )
        )
    return rows


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile; ``inf`` when it falls among the not served."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def table(figures: dict[str, PolicyFigures], days: int) -> str:
    """The comparison, one column per policy."""
    names = list(figures)
    rows: list[tuple[str, list[str]]] = []
    for priority in PRIORITIES:
        rows.append((f"{priority} response kept", [_rate(f.response[priority]) for f in figures.values()]))
    for priority in ("P1", "P2"):
        rows.append(
            (
                f"  {priority} reported in the day: kept / within reach",
                [_kept_of_reach(f, priority) for f in figures.values()],
            )
        )
    for priority in PRIORITIES:
        rows.append(
            (f"{priority} resolution kept", [_rate(f.resolution[priority]) for f in figures.values()])
        )
    rows += [
        ("visits made (completed)", [f"{f.visits} ({f.completed})" for f in figures.values()]),
        ("travel hours", [f"{f.travel.total_seconds() / 3600:.1f}" for f in figures.values()]),
        ("overtime hours", [f"{f.overtime.total_seconds() / 3600:.1f}" for f in figures.values()]),
        (
            "visits moved between technicians",
            [f"{f.moved} ({_share(f.moved, f.morning_visits)})" for f in figures.values()],
        ),
        ("arrivals inside the window shown 1 h before", [_rate(f.in_window) for f in figures.values()]),
        (
            "  missed: began before / after it",
            [f"{f.before_window} / {f.after_window}" for f in figures.values()],
        ),
        ("mean window width (min)", [_mean(f.window_width) for f in figures.values()]),
        (
            "promised visits told a new window (retellings)",
            [f"{f.visits_broken} of {f.windows_promised} ({f.promises_broken})" for f in figures.values()],
        ),
        (
            "arrival estimate error 1 h before (MAE, min)",
            [_mean(f.estimate_error_min) for f in figures.values()],
        ),
        (
            "P1 reported in the day: to on site, median (min)",
            [_minutes(percentile(f.p1_minutes, 0.5)) for f in figures.values()],
        ),
        (
            "P1 reported in the day: to on site, p90 (min)",
            [_minutes(percentile(f.p1_minutes, 0.9)) for f in figures.values()],
        ),
        ("P1 reported in the day: not reached", [_unreached(f.p1_minutes) for f in figures.values()]),
        ("searches run", [str(f.searches) for f in figures.values()]),
        ("wall time per day (s)", [f"{f.wall_s / max(1, days):.1f}" for f in figures.values()]),
    ]
    width = max(len(label) for label, _ in rows)
    columns = [max(len(name), *(len(cells[i]) for _, cells in rows)) for i, name in enumerate(names)]
    lines = [" " * width + "  " + "  ".join(n.rjust(w) for n, w in zip(names, columns, strict=True))]
    lines += [
        label.ljust(width) + "  " + "  ".join(c.rjust(w) for c, w in zip(cells, columns, strict=True))
        for label, cells in rows
    ]
    return "\n".join(lines)


def _rate(tally: Tally) -> str:
    return "-" if tally.rate is None else f"{100 * tally.rate:.1f}% of {tally.counted}"


def _kept_of_reach(figures: PolicyFigures, priority: str) -> str:
    kept, reach = figures.kept_in_day[priority], figures.in_reach[priority]
    return "-" if not kept.counted else f"{kept.kept} / {reach.kept} of {kept.counted}"


def _share(part: int, whole: int) -> str:
    return "-" if not whole else f"{100 * part / whole:.1f}%"


def _mean(values: Sequence[float]) -> str:
    return "-" if not values else f"{statistics.fmean(values):.1f}"


def _minutes(value: float | None) -> str:
    if value is None:
        return "-"
    return "not served" if value == float("inf") else f"{value:.0f}"


def _unreached(values: Sequence[float]) -> str:
    if not values:
        return "-"
    return f"{sum(1 for v in values if v == float('inf'))} of {len(values)}"
