"""The week's maintenance plan: each visit booked on an allowed day, the reserve kept, support not delayed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

import optimizer as opt
from dispatch.domain.tickets import TicketState
from dispatch.persistence.dataset_store import load_dataset, save_dataset
from dispatch.persistence.repositories import JobRepository, TicketRepository
from dispatch.services.audit import job_trail
from dispatch.services.follow_ups import FollowUp, close_ticket
from dispatch.services.maintenance_due import open_due_maintenance
from dispatch.services.week_plan import plan_week, support_first
from dispatch.services.week_problem import build_week_problem
from tests.dispatch.persistence.sample_data import small_dataset

NOW = datetime(2026, 11, 20, 16, tzinfo=UTC)  # a Friday
MONDAY = date(2026, 11, 23)


def _maintenance_to_book(session: Session) -> list[str]:
    data = small_dataset()
    acme = data.contracts[0]
    data.contracts[0] = replace(acme, sla=replace(acme.sla, maintenance_every_days=30))
    save_dataset(session, data)
    opened = [job.id for _, job in open_due_maintenance(session, now=NOW)]
    _, _, follow_up = close_ticket(session, "TK-2", now=NOW, follow_up=FollowUp("Replace the ageing switch"))
    assert follow_up is not None
    return [*opened, follow_up.id]


def test_each_visit_is_booked_on_an_allowed_day_and_its_ticket_scheduled(session: Session) -> None:
    to_book = _maintenance_to_book(session)
    allowed = {j: {w.start for w in JobRepository(session).require(j).windows} for j in to_book}
    plan = plan_week(session, MONDAY, now=NOW, time_limit_s=3)
    booked = {b.job_id: b for b in plan.bookings if b.new}
    assert set(booked) | {u.job_id for u in plan.unbooked} == set(to_book)
    assert booked, "the Chicago check has a technician with the skill next door"
    for job_id, booking in booked.items():
        job = JobRepository(session).require(job_id)
        site_tz = ZoneInfo(next(s.timezone for s in load_dataset(session).sites if s.id == job.site_id))
        days = {w.start.astimezone(site_tz).date() for w in job.windows}
        assert days == {booking.start.astimezone(site_tz).date()}
        assert {w.start for w in job.windows} <= allowed[job_id]
        assert TicketRepository(session).require(job.ticket_id).state is TicketState.SCHEDULED
        assert any(e.action == "booked" for e in job_trail(session, job_id))
    for item in plan.unbooked:
        assert item.reason


def test_the_reserve_caps_every_technician_day_and_is_kept(session: Session) -> None:
    _maintenance_to_book(session)
    week = build_week_problem(load_dataset(session), MONDAY, 7, {"midwest": 0.4})
    for vehicle in week.problem.technicians:
        shift = vehicle.shift.end_s - vehicle.shift.start_s
        assert vehicle.max_work_s == int(shift * 0.6)
    plan = plan_week(session, MONDAY, now=NOW, time_limit_s=3)
    for day in plan.days:
        assert day.reserve_kept_hours >= day.reserve_target_hours - 0.1
    assert plan.support_late_behind_maintenance == 0


def _visit(job_id: str, start_s: int, lateness_s: int = 0) -> opt.Visit:
    return opt.Visit(
        opt.VisitKind.JOB, start_s, start_s, start_s + 3600, 600, 1000, job_id, lateness_s=lateness_s
    )


def _route(*visits: opt.Visit) -> opt.Route:
    return opt.Route("T@2026-11-23", visits, 0, 40000, 600, 1000, 3000, 5000, 30000)


def test_maintenance_before_a_late_support_visit_is_withdrawn_and_the_rest_kept() -> None:
    routes = [
        _route(_visit("M1", 1000), _visit("S1", 5000, lateness_s=900), _visit("M2", 9000)),
        _route(_visit("S2", 1000, lateness_s=300), _visit("M3", 5000)),
        _route(_visit("M4", 1000), _visit("S3", 5000)),
    ]
    kept, withdrawn = support_first(
        routes, frozenset({"M1", "M2", "M3", "M4"}), frozenset({"M1", "M2", "M3", "M4"})
    )
    assert set(withdrawn) == {"M1"}
    assert "S1" in withdrawn["M1"]
    assert [v.job_id for v in kept[0].visits] == ["S1", "M2"]
    assert [v.job_id for v in kept[1].visits] == ["S2", "M3"]
    assert [v.job_id for v in kept[2].visits] == ["M4", "S3"]
