"""On-call cover of a planned day: on a Sunday the 24x7 work goes to the technicians on call, the rest says
plainly that nobody is on shift, and on a weekday nothing changes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

import optimizer as opt
from data.demo import DemoConfig, generate_demo
from dispatch.domain.dataset import Dataset
from dispatch.domain.on_call import OnCallDuty
from dispatch.services.on_call import on_call_cover
from dispatch.services.plan_problem import HORIZON, build_problem, plan_from_solution
from optimizer.solve import solve
from optimizer.validate import validate

SUNDAY = date(2026, 12, 6)
ORIGIN = datetime(2026, 12, 6, tzinfo=UTC)
WHOLE_HORIZON = opt.TimeWindow(0, int(HORIZON.total_seconds()))


@pytest.fixture(scope="module")
def sunday() -> Dataset:
    return generate_demo(DemoConfig(seed=7, day=SUNDAY))


def _round_the_clock(dataset: Dataset) -> set[str]:
    always = {c.id for c in dataset.contracts if c.sla.coverage.is_24x7}
    tickets = {t.id for t in dataset.tickets if t.contract_id in always}
    return {j.id for j in dataset.jobs if j.ticket_id in tickets}


def _due_before(dataset: Dataset, until: datetime) -> set[str]:
    """Jobs with a target still open due before ``until``, worked out by hand from their tickets."""
    tickets = {t.id: t for t in dataset.tickets}
    found = set()
    for job in dataset.jobs:
        ticket = tickets[job.ticket_id]
        response = None if ticket.responded_at is not None else ticket.response_due
        if any(due is not None and due < until for due in (response, job.sla_due)):
            found.add(job.id)
    return found


def test_on_call_technicians_get_their_duty_as_shift_and_its_call_out_cost(sunday: Dataset) -> None:
    """Nobody has a Sunday shift, so the technicians on call become the day's vehicles: their duty clipped
    to the horizon, no lunch, the call-out cost as a fixed cost; only 24x7 jobs are theirs."""
    cover = on_call_cover(sunday, SUNDAY, ORIGIN, None, horizon=WHOLE_HORIZON)
    duties = {d.technician_id: d for d in sunday.on_call_duties if d.overlaps(ORIGIN, ORIGIN + HORIZON)}
    assert {t.id for t in cover.technicians} == set(duties)
    for tech in cover.technicians:
        duty = duties[tech.id]
        starts = max(duty.starts_at, ORIGIN)
        ends = min(duty.ends_at, ORIGIN + HORIZON)
        assert (tech.shift.start_s, tech.shift.end_s) == (
            int((starts - ORIGIN).total_seconds()),
            int((ends - ORIGIN).total_seconds()),
        )
        assert tech.lunch is None and tech.fixed_cost == duty.call_out_cost > 0
    until = max(d.ends_at for d in duties.values())
    assert cover.job_ids == _round_the_clock(sunday) & _due_before(sunday, until)
    assert _round_the_clock(sunday) - cover.job_ids, "24x7 work that can wait is kept for Monday"
    assert cover.on_shift_ids == frozenset()


def test_a_technician_with_a_shift_is_not_also_on_call(sunday: Dataset) -> None:
    """A duty of someone who works a normal shift that day adds nobody: the shift already counts."""
    monday = SUNDAY + timedelta(days=1)
    worker = next(t for t in sunday.technicians if t.calendar.shift_on(monday) is not None)
    duty = OnCallDuty(
        worker.id, worker.region, ORIGIN + timedelta(days=1), ORIGIN + timedelta(days=1, hours=6)
    )
    data = Dataset(technicians=[worker], on_call_duties=[duty])
    cover = on_call_cover(data, monday, ORIGIN + timedelta(days=1), None, horizon=WHOLE_HORIZON)
    assert cover.technicians == () and cover.on_shift_ids == {worker.id}


def test_sunday_plan_sends_24x7_work_to_on_call_technicians(sunday: Dataset) -> None:
    """Planning the demo Sunday assigns 24x7 jobs, only to on-call technicians, and every job of a contract
    whose clock is stopped is left out as no_technician_on_shift with a plain sentence."""
    planning = build_problem(sunday, SUNDAY)
    on_call = {t.id for t in planning.problem.technicians if t.fixed_cost > 0}
    assert on_call and on_call == {t.id for t in planning.problem.technicians}
    params = opt.SolveParams(time_limit_s=5, deterministic=True)
    solution = solve(planning.problem, params)
    assert validate(planning.problem, solution, params).ok
    plan = plan_from_solution(planning, solution, plan_id="P", region=None, created_at=ORIGIN)
    assigned = {job_id for route in plan.routes for job_id in route.job_ids}
    round_the_clock = set(on_call_cover(sunday, SUNDAY, ORIGIN, None, horizon=WHOLE_HORIZON).job_ids)
    assert assigned and assigned <= round_the_clock
    assert {r.technician_id for r in plan.routes} <= on_call
    reasons = {u.job_id: u for u in plan.unplanned}
    plannable = {j.id for j in planning.problem.jobs} | {s.job_id for s in planning.skipped}
    for job_id in plannable - round_the_clock:
        assert reasons[job_id].reason == "no_technician_on_shift"
        assert "take only work that cannot wait for the regular shifts" in reasons[job_id].detail
    assert solution.objective.fixed == sum(
        planning.problem.technician(r.technician_id).fixed_cost for r in solution.routes
    )


def test_nobody_on_call_is_no_technician_on_shift(sunday: Dataset) -> None:
    """Without a rota, every job of the Sunday says nobody works or is on call, not that nobody is skilled."""
    bare = dataclasses.replace(sunday, on_call_duties=[])
    planning = build_problem(bare, SUNDAY)
    assert planning.problem.technicians == () and planning.problem.jobs == ()
    assert planning.skipped and {s.reason for s in planning.skipped} == {"no_technician_on_shift"}
    assert all("works or is on call on Sunday 2026-12-06" in s.detail for s in planning.skipped)
