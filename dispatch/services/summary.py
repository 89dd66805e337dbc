"""The day's workload at a glance: open tickets and onsite hours by region, priority and SLA tier.

A dispatcher's first question every morning is "what is on today, and what is already late?". A ticket
counts toward a day when it is still open and was opened before that day ended at its site. Its SLA is
judged as of now for today, and as of 08:00 at the site for another day (the start of a working day):
breached when the resolution is past due, at risk when less than ``AT_RISK_THRESHOLD`` of covered
time is left, and "due today" when the resolution falls due before the day ends at the site.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatch.config import Settings
from dispatch.domain.contracts import Contract, Priority
from dispatch.domain.customers import Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import Job
from dispatch.domain.sla_clock import SlaRisk, sla_risk
from dispatch.domain.tickets import Ticket

AT_RISK_THRESHOLD = timedelta(hours=2)
WORKDAY_START = time(8, 0)


@dataclass(slots=True)
class Workload:
    """Counts for one group of tickets (a region, a priority, a tier, or everything)."""

    label: str
    tickets: int = 0
    onsite_jobs: int = 0
    job_hours: float = 0.0
    by_priority: dict[Priority, int] = field(default_factory=lambda: dict.fromkeys(Priority, 0))
    breached: int = 0
    at_risk: int = 0
    due_today: int = 0


@dataclass(frozen=True, slots=True)
class DaySummary:
    day: date
    as_of: str
    total: Workload
    by_region: list[Workload]
    by_priority: list[Workload]
    by_tier: list[Workload]


@dataclass(frozen=True, slots=True)
class _TicketFacts:
    ticket: Ticket
    region: str
    tier: str
    jobs: int
    job_hours: float
    risk: SlaRisk
    due_today: bool


def summarize_day(dataset: Dataset, day: date, *, now: datetime | None = None) -> DaySummary:
    """Group the day's open tickets; ``now`` (aware) defaults to the current time."""
    now = now or datetime.now(UTC)
    sites = {s.id: s for s in dataset.sites}
    contracts = {c.id: c for c in dataset.contracts}
    jobs_by_ticket: dict[str, list[Job]] = defaultdict(list)
    for job in dataset.jobs:
        jobs_by_ticket[job.ticket_id].append(job)

    facts = [
        _facts(t, sites[t.site_id], contracts[t.contract_id], jobs_by_ticket[t.id], day, now)
        for t in dataset.tickets
        if t.state.is_open and t.opened_at < _local_day_end(day, sites[t.site_id])
    ]
    as_of = f"now ({now:%Y-%m-%d %H:%M} UTC)" if day == now.date() else "08:00 at each site"
    return DaySummary(
        day=day,
        as_of=as_of,
        total=_group(facts, lambda _: "all")[0],
        by_region=_group(facts, lambda f: f.region or "(none)"),
        by_priority=_group(facts, lambda f: f.ticket.priority.value),
        by_tier=_group(facts, lambda f: f.tier),
    )


def _facts(
    ticket: Ticket, site: Site, contract: Contract, jobs: list[Job], day: date, now: datetime
) -> _TicketFacts:
    day_start = datetime.combine(day, time(0), ZoneInfo(site.timezone))
    day_end = _local_day_end(day, site)
    as_of = now if day == now.date() else datetime.combine(day, WORKDAY_START, ZoneInfo(site.timezone))
    todays = [j for j in jobs if _on_day(j, day_start, day_end)]
    risk = sla_risk(
        as_of,
        ticket.resolution_due,
        contract.sla.coverage,
        site.timezone,
        site.state,
        threshold=AT_RISK_THRESHOLD,
    )
    return _TicketFacts(
        ticket=ticket,
        region=site.region,
        tier=contract.sla.tier,
        jobs=len(todays),
        job_hours=sum(j.duration.total_seconds() for j in todays) / 3600.0,
        risk=risk,
        due_today=ticket.resolution_due < day_end,
    )


def _on_day(job: Job, day_start: datetime, day_end: datetime) -> bool:
    """A job belongs to the day when it may be done at any time or one of its windows overlaps the day."""
    return not job.windows or any(w.start < day_end and w.end > day_start for w in job.windows)


def _local_day_end(day: date, site: Site) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(site.timezone))


def _group(facts: Iterable[_TicketFacts], key: Callable[[_TicketFacts], str]) -> list[Workload]:
    groups: dict[str, Workload] = {}
    for fact in facts:
        label = key(fact)
        row = groups.setdefault(label, Workload(label))
        row.tickets += 1
        row.onsite_jobs += fact.jobs
        row.job_hours += fact.job_hours
        row.by_priority[fact.ticket.priority] += 1
        row.breached += fact.risk is SlaRisk.BREACHED
        row.at_risk += fact.risk is SlaRisk.AT_RISK
        row.due_today += fact.due_today
    return [groups[label] for label in sorted(groups)] or [Workload("all")]


def format_day_summary(summary: DaySummary) -> str:
    """A fixed-width table for the terminal."""
    header = (
        f"{'':<12}{'tickets':>8}{'onsite':>8}{'job h':>8}"
        f"{'P1':>5}{'P2':>5}{'P3':>5}{'P4':>5}{'breached':>10}{'at risk':>9}{'due today':>11}"
    )

    def line(row: Workload) -> str:
        p = row.by_priority
        return (
            f"{row.label:<12}{row.tickets:>8}{row.onsite_jobs:>8}{row.job_hours:>8.1f}"
            f"{p[Priority.P1]:>5}{p[Priority.P2]:>5}{p[Priority.P3]:>5}{p[Priority.P4]:>5}"
            f"{row.breached:>10}{row.at_risk:>9}{row.due_today:>11}"
        )

    total = summary.total
    out = [
        f"Workload for {summary.day:%A %d %B %Y} (SLA as of {summary.as_of})",
        f"{total.tickets} open tickets, {total.onsite_jobs} onsite jobs ({total.job_hours:.1f} h of work); "
        f"SLA breached {total.breached}, at risk {total.at_risk} (< {_hours(AT_RISK_THRESHOLD)} covered "
        f"left), resolution due today {total.due_today}",
    ]
    for title, rows in (
        ("by region", summary.by_region),
        ("by priority", summary.by_priority),
        ("by SLA tier", summary.by_tier),
    ):
        out += ["", title.upper(), header, *(line(r) for r in rows), line(total)]
    return "\n".join(out)


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:g} h"


def print_day_summary(settings: Settings, day: date) -> str:
    """Read the stored data set and format the day's summary."""
    from dispatch.persistence.dataset_store import load_dataset
    from dispatch.persistence.db import make_engine, make_session_factory, session_scope

    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            dataset = load_dataset(session)
    finally:
        engine.dispose()
    return format_day_summary(summarize_day(dataset, day))
