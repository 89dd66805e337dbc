"""The demo's past weeks: deterministic by seed, and each visit a consistent story of reports."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

from data.demo import DemoConfig, generate_history
from data.history import CONFIRMED_AFTER, HISTORY_DAYS
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import JobStatus
from dispatch.domain.progress import ReportKind
from dispatch.domain.tickets import TicketState
from dispatch.domain.timezones import zone
from tests.data.conftest import TUESDAY


def test_the_same_seed_gives_the_same_history(demo: Dataset) -> None:
    """Generating twice with the same config gives equal histories; another seed another one."""
    config = DemoConfig(seed=7, day=TUESDAY)
    first = generate_history(config, demo)
    assert generate_history(config, demo) == first
    assert generate_history(DemoConfig(seed=8, day=TUESDAY), demo).reports != first.reports


def test_every_past_visit_was_reported_in_order_by_a_technician_of_its_trade(demo: Dataset) -> None:
    """Each job: en route, arrived, completed, in that order, before the day and within HISTORY_DAYS, by a
    technician holding the ticket's trade; a technician's visits never overlap; tickets resolved, and closed
    once the customer has had CONFIRMED_AFTER to confirm."""
    history = generate_history(DemoConfig(seed=7, day=TUESDAY), demo)
    assert len(history.jobs) > 2000
    technicians = {t.id: t for t in demo.technicians}
    ticket_of = {t.id: t for t in history.tickets}
    reports = defaultdict(list)
    for report in history.reports:
        reports[report.job_id].append(report)
    spans = defaultdict(list)
    for job in history.jobs:
        ticket = ticket_of[job.ticket_id]
        kinds = [r.kind for r in reports[job.id]]
        times = [r.reported_at for r in reports[job.id]]
        assert kinds == [ReportKind.EN_ROUTE, ReportKind.ARRIVED, ReportKind.COMPLETED]
        assert times == sorted(times) and times[1] < times[2]
        technician = technicians[reports[job.id][0].technician_id]
        assert technician.skills.get(ticket.category, 0) >= 1
        started = times[0].astimezone(zone(technician.timezone)).date()
        assert job.status is JobStatus.COMPLETED and ticket.resolved_at is not None
        confirmed = started < TUESDAY - CONFIRMED_AFTER
        assert ticket.state is (TicketState.CLOSED if confirmed else TicketState.RESOLVED), started
        assert TUESDAY - timedelta(days=HISTORY_DAYS) <= started < TUESDAY
        spans[technician.id].append((times[0], times[2]))
    for visits in spans.values():
        ordered = sorted(visits)
        assert all(a[1] <= b[0] for a, b in pairwise(ordered))
