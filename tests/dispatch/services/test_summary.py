"""The day's summary: groups add up, and SLA risk is judged as a dispatcher would."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from data.demo import DemoConfig, generate_demo
from dispatch.domain.contracts import Coverage
from dispatch.domain.dataset import Dataset
from dispatch.domain.tickets import TicketState
from dispatch.services.summary import format_day_summary, summarize_day

DAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)  # the day before: risk is judged at 08:00 on the day


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return generate_demo(DemoConfig(seed=3, day=DAY, scale=0.5))


def test_groups_add_up_to_the_total(demo: Dataset) -> None:
    """Regions, priorities and tiers each partition the day's open tickets."""
    summary = summarize_day(demo, DAY, now=NOW)
    open_tickets = sum(1 for t in demo.tickets if t.state.is_open)
    assert summary.total.tickets == open_tickets
    for rows in (summary.by_region, summary.by_priority, summary.by_tier):
        assert sum(r.tickets for r in rows) == summary.total.tickets
        assert sum(r.breached for r in rows) == summary.total.breached
        assert sum(r.onsite_jobs for r in rows) == summary.total.onsite_jobs
    assert {r.label for r in summary.by_priority} <= {"P1", "P2", "P3", "P4"}
    assert summary.total.onsite_jobs == len(demo.jobs)


def test_a_ticket_past_due_is_breached_and_one_closing_soon_is_at_risk(demo: Dataset) -> None:
    """A resolution due before 08:00 counts as breached; due one hour after 08:00 on 24x7 cover, at risk."""
    ticket = next(t for t in demo.tickets if t.state.is_open)
    site = next(s for s in demo.sites if s.id == ticket.site_id)
    contract = next(c for c in demo.contracts if c.id == ticket.contract_id)
    eight_local = datetime.combine(DAY, time(8), ZoneInfo(site.timezone))

    def with_due(due: datetime) -> Dataset:
        changed = dataclasses.replace(
            ticket,
            opened_at=due - timedelta(hours=30),
            response_due=due - timedelta(hours=29),
            resolution_due=due,
        )
        always = dataclasses.replace(contract, sla=dataclasses.replace(contract.sla, coverage=Coverage()))
        contracts = [always if c.id == contract.id else c for c in demo.contracts]
        return dataclasses.replace(demo, tickets=[changed], contracts=contracts)

    late = summarize_day(with_due(eight_local - timedelta(minutes=1)), DAY, now=NOW)
    assert (late.total.tickets, late.total.breached, late.total.at_risk) == (1, 1, 0)
    soon = summarize_day(with_due(eight_local + timedelta(hours=1)), DAY, now=NOW)
    assert (soon.total.breached, soon.total.at_risk, soon.total.due_today) == (0, 1, 1)
    later = summarize_day(with_due(eight_local + timedelta(days=2)), DAY, now=NOW)
    assert (later.total.breached, later.total.at_risk, later.total.due_today) == (0, 0, 0)


def test_closed_tickets_and_tickets_opened_later_are_not_counted(demo: Dataset) -> None:
    """Only tickets open on the day and opened before it ended make up its workload."""
    first, second, *_ = [t for t in demo.tickets if t.state.is_open]
    closed = dataclasses.replace(first, state=TicketState.CLOSED)
    future = dataclasses.replace(
        second,
        opened_at=second.opened_at + timedelta(days=5),
        response_due=second.response_due + timedelta(days=5),
        resolution_due=second.resolution_due + timedelta(days=5),
    )
    summary = summarize_day(dataclasses.replace(demo, tickets=[closed, future]), DAY, now=NOW)
    assert summary.total.tickets == 0


def test_the_table_names_every_region(demo: Dataset) -> None:
    """The printed summary has a line per region and the totals line."""
    text = format_day_summary(summarize_day(demo, DAY, now=NOW))
    for region in {s.region for s in demo.sites}:
        assert f"\n{region}" in text
    assert "BY SLA TIER" in text
