"""Mapping a stored day to the optimizer's Problem: who works, which jobs, and times in seconds."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from data.demo import DemoConfig, generate_demo
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import JobStatus
from dispatch.services.plan_problem import build_problem

DAY = date(2026, 3, 10)  # a Tuesday, two days after the US daylight-saving change


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return generate_demo(DemoConfig(seed=11, day=DAY, scale=0.5))


def test_only_technicians_with_a_shift_that_day_are_vehicles(demo: Dataset) -> None:
    """Technicians off duty on the day are left out; the rest keep skills and stock."""
    planning = build_problem(demo, DAY)
    working = {t.id for t in demo.technicians if t.calendar.shift_on(DAY) is not None}
    assert {t.id for t in planning.problem.technicians} == working
    for tech in planning.problem.technicians:
        source = next(t for t in demo.technicians if t.id == tech.id)
        assert dict(tech.skills) == source.skills
        assert dict(tech.van_stock) == source.van_stock


def test_shift_times_are_local_times_converted_to_seconds_from_midnight_utc(demo: Dataset) -> None:
    """A shift starting 08:00 in New York in March (EDT) starts 12:00 UTC = 43,200 s."""
    planning = build_problem(demo, DAY)
    assert planning.origin == datetime(2026, 3, 10, tzinfo=UTC)
    for tech in planning.problem.technicians:
        source = next(t for t in demo.technicians if t.id == tech.id)
        shift = source.calendar.shift_on(DAY)
        assert shift is not None
        local = datetime.combine(DAY, shift.start, ZoneInfo(source.timezone))
        assert planning.instant(tech.shift.start_s) == local
    assert planning.seconds(datetime.combine(DAY, time(8), ZoneInfo("America/New_York"))) == 43_200


def test_every_plannable_job_of_the_day_enters_with_its_windows(demo: Dataset) -> None:
    """Jobs keep duration, priority, skills and parts; windows map to the same instants."""
    planning = build_problem(demo, DAY)
    entered = {j.id: j for j in planning.problem.jobs}
    skipped = {s.job_id for s in planning.skipped}
    assert set(entered) | skipped == {j.id for j in demo.jobs}
    for job in demo.jobs:
        if job.id in skipped:
            continue
        mapped = entered[job.id]
        assert mapped.service_s == int(job.duration.total_seconds())
        assert mapped.priority == job.priority.rank
        assert dict(mapped.required_parts) == {p.sku: p.quantity for p in job.required_parts}
        assert [(planning.instant(w.start_s), planning.instant(w.end_s)) for w in mapped.windows] == [
            (w.start, w.end) for w in job.windows
        ]


def test_finished_jobs_and_other_regions_stay_out(demo: Dataset) -> None:
    """Completed jobs are not planned again; a region filter keeps that region's jobs and technicians."""
    done = dataclasses.replace(demo.jobs[0], status=JobStatus.COMPLETED)
    planning = build_problem(dataclasses.replace(demo, jobs=[done, *demo.jobs[1:]]), DAY)
    assert done.id not in {j.id for j in planning.problem.jobs}

    region = demo.technicians[0].region
    regional = build_problem(demo, DAY, region=region)
    sites = {s.id: s for s in demo.sites}
    techs = {t.id: t for t in demo.technicians}
    assert all(techs[t.id].region == region for t in regional.problem.technicians)
    job_sites = {j.id: j.site_id for j in demo.jobs}
    assert all(sites[job_sites[j.id]].region == region for j in regional.problem.jobs)


def test_a_job_pinned_to_an_absent_technician_is_reported_not_dropped(demo: Dataset) -> None:
    """A pin to someone off duty becomes a skipped job with the pinned-technician reason."""
    tech = demo.technicians[0]
    absent = dataclasses.replace(tech, calendar=dataclasses.replace(tech.calendar, exceptions={DAY: None}))
    pinned = dataclasses.replace(demo.jobs[0], pinned_technician_id=absent.id)
    day = dataclasses.replace(demo, technicians=[absent, *demo.technicians[1:]], jobs=[pinned])
    planning = build_problem(day, DAY)
    assert planning.problem.jobs == ()
    assert [(s.job_id, s.reason) for s in planning.skipped] == [(pinned.id, "pinned_technician_unable")]


def test_a_hard_deadline_contract_makes_future_due_times_binding(demo: Dataset) -> None:
    """Under a tier with hard deadlines, a job's SLA start due still ahead becomes its latest start; a
    due already past when the plan is made stays a cost; soft tiers set no deadline at all."""
    hard_tier = demo.contracts[0].sla.tier
    hard = dataclasses.replace(demo.contracts[0].sla, hard_deadlines=True)
    contracts = [dataclasses.replace(c, sla=hard) if c.sla.tier == hard_tier else c for c in demo.contracts]
    hard_contracts = {c.id for c in contracts if c.sla.hard_deadlines}
    tickets = {t.id: t for t in demo.tickets}
    data = dataclasses.replace(demo, contracts=contracts)
    now = datetime.combine(DAY, time(15), UTC)
    for made_at in (None, now):
        planning = build_problem(data, DAY, now=made_at)
        earliest = 0 if made_at is None else planning.seconds(made_at)
        source = {j.id: j for j in data.jobs}
        binding = 0
        for job in planning.problem.jobs:
            contract = tickets[source[job.id].ticket_id].contract_id
            due = job.sla_due_s
            if contract in hard_contracts and due is not None and due > earliest:
                assert job.must_start_by_s == due
                binding += 1
            else:
                assert job.must_start_by_s is None
        assert binding > 0, "the demo day has hard-deadline jobs due ahead"


def test_a_plan_aims_to_begin_an_open_response_with_a_share_of_its_time_in_hand(demo: Dataset) -> None:
    """With a reserve, a response due still ahead is aimed at earlier by that share of the time it was
    given (from its opening, at most an hour before the plan, or the first shift); a resolution target or
    a due time already past is not. The contract's due time stays the deadline and what lateness is
    counted against, and the start past which the SLA is breached."""
    now = datetime.combine(DAY, time(15), UTC)
    opened = now - timedelta(hours=1)
    hard = dataclasses.replace(demo.contracts[0].sla, hard_deadlines=True)
    awaiting = {j.ticket_id for j in demo.jobs[::4]}  # these await a response due at 17:00
    data = dataclasses.replace(
        demo,
        contracts=[dataclasses.replace(c, sla=hard) for c in demo.contracts],
        tickets=[
            dataclasses.replace(
                t,
                responded_at=None,
                opened_at=min(t.opened_at, opened),
                response_due=now + timedelta(hours=2),
            )
            if t.id in awaiting
            else t
            for t in demo.tickets
        ],
    )
    plain = build_problem(data, DAY, now=now)
    reserved = build_problem(data, DAY, now=now, sla_reserve=0.25)
    now_s = plain.seconds(now)
    first_shift = min(t.shift.start_s for t in plain.problem.technicians)
    tickets = {t.id: t for t in data.tickets}
    source = {j.id: j for j in data.jobs}
    aimed = 0
    for job, kept in zip(plain.problem.jobs, reserved.problem.jobs, strict=True):
        due = job.sla_due_s
        assert reserved.sla_due_s.get(job.id) == due == plain.sla_due_s.get(job.id)
        assert kept.sla_breach_s == due == job.sla_breach_s
        assert kept.must_start_by_s == job.must_start_by_s
        ticket = tickets[source[job.id].ticket_id]
        responding = ticket.responded_at is None and plain.seconds(ticket.response_due) == due
        if due is None or due <= now_s or not responding:
            assert kept.sla_due_s == due
            continue
        since_s = max(plain.seconds(ticket.opened_at), first_shift)
        assert kept.sla_due_s == since_s + (due - since_s) * 3 // 4
        aimed += 1
        assert reserved.sla_lateness_s(job.id, due) == 0
        assert reserved.sla_lateness_s(job.id, due + 60) == 60
    assert aimed > 0


def test_work_with_nothing_due_before_the_horizon_ends_can_wait_unless_booked(demo: Dataset) -> None:
    """A job can wait for another day when its SLA falls due after the horizon ends and no time was
    agreed for it with the customer; a job due within the horizon, or booked, cannot."""
    booked = {j.id for j in demo.jobs[::3]}
    planning = build_problem(demo, DAY, booked=booked)
    end_s = planning.problem.horizon.end_s
    waiting = 0
    for job in planning.problem.jobs:
        due = planning.sla_due_s.get(job.id)
        assert job.can_wait == ((due is None or due > end_s) and job.id not in booked), job.id
        waiting += job.can_wait
    assert 0 < waiting < len(planning.problem.jobs)


def test_before_anybody_works_the_time_in_hand_counts_from_the_first_shift(demo: Dataset) -> None:
    """Planned at night, a response due at 17:00 keeps its reserve of the time from the first shift's
    start, not from the night hours when no work runs late."""
    night = datetime.combine(DAY, time(3), UTC)
    due = datetime.combine(DAY, time(17), UTC)
    job = demo.jobs[0]
    data = dataclasses.replace(
        demo,
        tickets=[
            dataclasses.replace(t, responded_at=None, response_due=due) if t.id == job.ticket_id else t
            for t in demo.tickets
        ],
    )
    planning = build_problem(data, DAY, now=night, sla_reserve=0.5)
    first_shift = min(t.shift.start_s for t in planning.problem.technicians)
    due_s = planning.seconds(due)
    aimed = next(j for j in planning.problem.jobs if j.id == job.id).sla_due_s
    assert first_shift > planning.seconds(night)
    assert aimed == min(first_shift + (due_s - first_shift) // 2, planning.sla_due_s[job.id])
