"""A weekend day on the board: technicians on call show their on-call period as the shift the plan used."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine

import optimizer as opt
from data.demo import DemoConfig, generate_demo
from dispatch.persistence.dataset_store import clear_dataset, save_dataset
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.services.plan_view import plan_day_view
from dispatch.services.planning import plan_and_publish

SUNDAY = date(2026, 3, 8)
QUICK = opt.SolveParams(time_limit_s=1, deterministic=True, solution_limit=30)
NIGHT_BEFORE = datetime(2026, 3, 7, 20, tzinfo=UTC)


def test_on_call_technicians_show_their_duty_as_the_shift_and_count_in_utilisation(engine: Engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        clear_dataset(session)
        dataset = generate_demo(DemoConfig(seed=5, day=SUNDAY, scale=0.5))
        save_dataset(session, dataset)
    with session_scope(make_session_factory(engine)) as session:
        plan = plan_and_publish(session, SUNDAY, params=QUICK, now=NIGHT_BEFORE).plan
        view = plan_day_view(session, SUNDAY, now=NIGHT_BEFORE)
    off = {t.id for t in dataset.technicians if t.calendar.shift_on(SUNDAY) is None}
    routed = {r.technician_id for r in plan.routes if r.job_ids}
    on_call = [t for t in view.technicians if t.on_call]
    assert on_call, "the weekend has technicians on call"
    assert {t.id for t in on_call} <= off
    assert routed & off, "the plan sends some technician on call"
    for technician in view.technicians:
        if technician.id in routed:
            assert technician.shift is not None, technician.id
            route = technician.route
            assert route is not None
            assert technician.shift[0] <= route.start and route.end <= technician.shift[1]
    assert view.kpis.utilisation > 0
