"""The demo provider's past: some months of visits done before the planned day, with their reports.

The same provider, run backwards: on each past day every technician with a shift does a few visits of
their own trades at sites of their region, each a ticket resolved by one job with its "en route",
"arrived" and "completed" reports. What is learned from it (how long visits take) is learned from these
stored reports, as it would be from a real provider's.

A visit's time on site is log-normal around the middle of what such a job is planned to take
(``data.jobs.typical_minutes``, so plan and history agree), with the trade's spread
(``DURATION_LOG_SD``: right-skewed, a few visits take far longer) and the technician's own pace
(``PACE_LOG_SD``: some are quicker than others at everything).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from data.jobs import planned_duration, typical_minutes
from dispatch.domain.contracts import Priority
from dispatch.domain.customers import Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import Job, JobStatus, SkillRequirement
from dispatch.domain.progress import ReportKind, VisitReport
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState, duration_category
from dispatch.domain.timezones import zone

HISTORY_DAYS = 63
CONFIRMED_AFTER = timedelta(days=3)
"""Resolved tickets are closed once the customer confirms the fix; the last few days' still wait for it."""
"""Nine weeks: every trade gets hundreds of visits and most technicians enough of their own trades
(``MIN_TECHNICIAN_VISITS``), while loading it adds only seconds to ``make run``."""
DURATION_LOG_SD = {
    "network": 0.30,
    "pos": 0.25,
    "desktop": 0.25,
    "printers": 0.30,
    "server": 0.40,
    "wireless": 0.30,
    "storage": 0.40,
    "cabling": 0.35,
}
"""Spread (log-sd) of the time on site per trade: servers and storage surprise more than desktops."""
DEFAULT_LOG_SD = 0.30
PACE_LOG_SD = 0.10
"""Technicians' paces: 80% of them within 0.88..1.14 times the usual time."""
MAINTENANCE_SHARE = 0.2
VISITS_PER_DAY = (2, 4)
DRIVE_MINUTES = (10, 40)
PAUSE_MINUTES = (0, 15)
"""Between finishing one visit and setting off for the next (paperwork, a coffee)."""
_PRIORITIES = (Priority.P1, Priority.P2, Priority.P3, Priority.P4)
_PRIORITY_SHARES = (0.08, 0.30, 0.70, 1.00)
"""Cumulative: 8% P1, 22% P2, 40% P3, 30% P4, as on the planned day."""
_HOURS_DUE = {p: (4 * p.rank, 12 * p.rank) for p in _PRIORITIES}
"""Response and resolution due after opening, nominal: nothing is learned from past SLA clocks."""


@dataclass(slots=True)
class History:
    """Past tickets, their jobs (all completed), the reports of each visit, and each technician's pace."""

    tickets: list[Ticket] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    reports: list[VisitReport] = field(default_factory=list)
    paces: dict[str, float] = field(default_factory=dict)


def pace_of(rng: random.Random) -> float:
    """A technician's pace: the factor on every visit's time."""
    return math.exp(PACE_LOG_SD * rng.gauss(0.0, 1.0))


def on_site_minutes(rng: random.Random, category: str, kind: TicketKind, pace: float) -> float:
    """A visit's time on site, drawn around the middle of its planned duration."""
    spread = DURATION_LOG_SD.get(category, DEFAULT_LOG_SD)
    return typical_minutes(category, kind) * pace * math.exp(spread * rng.gauss(0.0, 1.0))


def make_history(rng: random.Random, dataset: Dataset, day: date, *, days: int = HISTORY_DAYS) -> History:
    """The ``days`` before ``day``: visits by the dataset's technicians at its sites, oldest first."""
    history = History(paces={t.id: pace_of(rng) for t in dataset.technicians})
    contract_of = {c.customer_id: c for c in dataset.contracts}
    sites_by_region: dict[str, list[Site]] = {}
    for site in dataset.sites:
        if site.customer_id in contract_of:
            sites_by_region.setdefault(site.region, []).append(site)
    trades_of = {
        t.id: sorted(code for code, level in t.skills.items() if level >= 1) for t in dataset.technicians
    }
    open_sites = {
        (region, weekday): [s for s in sites if s.access_hours.days[weekday]]
        for region, sites in sites_by_region.items()
        for weekday in range(7)
    }
    for back in range(days, 0, -1):
        past = day - timedelta(days=back)
        for technician in dataset.technicians:
            shift = technician.calendar.shift_on(past)
            trades = trades_of[technician.id]
            sites = open_sites.get((technician.region, past.weekday()), [])
            if shift is None or not trades or not sites:
                continue
            clock = datetime.combine(past, shift.start, zone(technician.timezone)).astimezone(UTC)
            for _ in range(rng.randint(*VISITS_PER_DAY)):
                site = rng.choice(sites)
                category = rng.choice(trades)
                kind = TicketKind.MAINTENANCE if rng.random() < MAINTENANCE_SHARE else TicketKind.SUPPORT
                priority = rng.choices(_PRIORITIES, cum_weights=_PRIORITY_SHARES, k=1)[0]
                number = len(history.jobs) + 1
                set_off = clock + timedelta(minutes=rng.randint(*PAUSE_MINUTES))
                arrived = set_off + timedelta(minutes=rng.randint(*DRIVE_MINUTES))
                on_site = on_site_minutes(rng, category, kind, history.paces[technician.id])
                completed = arrived + timedelta(seconds=round(on_site * 60))
                opened = set_off - timedelta(hours=rng.uniform(1.0, 48.0))
                ticket = Ticket(
                    id=f"TKT-H{number:06d}",
                    site_id=site.id,
                    contract_id=contract_of[site.customer_id].id,
                    channel=rng.choice((Channel.TELEPHONE, Channel.ONLINE)),
                    kind=kind,
                    priority=priority,
                    category=category,
                    summary=f"Past {duration_category(category, kind)} visit",
                    opened_at=opened,
                    state=TicketState.CLOSED if past < day - CONFIRMED_AFTER else TicketState.RESOLVED,
                    response_due=opened + timedelta(hours=_HOURS_DUE[priority][0]),
                    resolution_due=opened + timedelta(hours=_HOURS_DUE[priority][1]),
                    responded_at=arrived,
                    resolved_at=completed,
                )
                job = Job(
                    id=f"JOB-H{number:06d}",
                    ticket_id=ticket.id,
                    site_id=site.id,
                    duration=planned_duration(rng, category, kind),
                    priority=priority,
                    required_skills=(SkillRequirement(category, 1),),
                    sla_due=ticket.resolution_due,
                    status=JobStatus.COMPLETED,
                )
                history.tickets.append(ticket)
                history.jobs.append(job)
                history.reports.extend(
                    _report(job, technician.id, kind_, at)
                    for kind_, at in (
                        (ReportKind.EN_ROUTE, set_off),
                        (ReportKind.ARRIVED, arrived),
                        (ReportKind.COMPLETED, completed),
                    )
                )
                clock = completed
    return history


def _report(job: Job, technician_id: str, kind: ReportKind, at: datetime) -> VisitReport:
    key = f"history-{job.id}-{kind.value}"
    status = kind.status
    assert status is not None
    return VisitReport(
        id=key,
        idempotency_key=key,
        job_id=job.id,
        technician_id=technician_id,
        kind=kind,
        reported_at=at,
        status_after=status,
    )
