"""Tickets reported during the day: deterministic, in the sites' calling hours, more in the morning."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from data.arrivals import FIRST_CALL, LAST_CALL, make_arrivals
from data.demo import DemoConfig
from dispatch.domain.contracts import Priority
from dispatch.domain.dataset import Dataset
from dispatch.domain.tickets import TicketState
from tests.data.conftest import TUESDAY

CONFIG = DemoConfig(seed=7, day=TUESDAY)


def test_the_same_seed_gives_the_same_arrivals(demo: Dataset) -> None:
    first = make_arrivals(CONFIG, demo, mean=20, p1_share=0.4, seed=3)
    again = make_arrivals(CONFIG, demo, mean=20, p1_share=0.4, seed=3)
    other = make_arrivals(CONFIG, demo, mean=20, p1_share=0.4, seed=4)
    assert first == again
    assert first != other


def test_arrivals_are_urgent_onsite_faults_in_calling_hours(demo: Dataset) -> None:
    arrivals = make_arrivals(CONFIG, demo, mean=60, p1_share=0.4, seed=1)
    sites = {s.id: s for s in demo.sites}
    working = [t for t in demo.technicians if t.calendar.shift_on(TUESDAY) is not None]
    assert arrivals == sorted(arrivals, key=lambda a: (a.at, a.ticket.id))
    for arrival in arrivals:
        ticket, job = arrival.ticket, arrival.job
        local = arrival.at.astimezone(ZoneInfo(sites[ticket.site_id].timezone))
        assert local.date() == TUESDAY and FIRST_CALL <= local.time() <= LAST_CALL
        assert ticket.opened_at == arrival.at < ticket.response_due <= ticket.resolution_due
        assert ticket.priority in (Priority.P1, Priority.P2)
        assert ticket.state is TicketState.ONSITE_REQUIRED
        assert job.ticket_id == ticket.id and job.priority is ticket.priority and job.windows
        assert any(all(t.skills.get(r.skill, 0) >= r.min_level for r in job.required_skills) for t in working)
    assert len({a.ticket.id for a in arrivals}) == len(arrivals)


def test_more_faults_arrive_early_in_the_day_than_late(demo: Dataset) -> None:
    sites = {s.id: s for s in demo.sites}
    arrivals = [
        a for seed in range(20) for a in make_arrivals(CONFIG, demo, mean=30, p1_share=0.5, seed=seed)
    ]
    hours = [a.at.astimezone(ZoneInfo(sites[a.ticket.site_id].timezone)).hour for a in arrivals]
    first_third = sum(1 for h in hours if h < FIRST_CALL.hour + 3)
    last_third = sum(1 for h in hours if h >= LAST_CALL.hour - 3)
    assert 560 <= len(arrivals) <= 640  # 20 days of a Poisson mean of 30
    assert first_third > 1.4 * last_third  # the rate falls from 2 to 1: about 5/3 as many
    p1 = sum(1 for a in arrivals if a.ticket.priority is Priority.P1)
    assert 0.42 <= p1 / len(arrivals) <= 0.58
