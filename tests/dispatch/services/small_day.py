"""A small demo day planned the night before: the shared starting point of the live-day service tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine

import optimizer as opt
from data.demo import DemoConfig, generate_demo
from dispatch.domain.plans import Plan
from dispatch.persistence.dataset_store import clear_dataset, save_dataset
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.services.planning import plan_and_publish

DAY = date(2026, 3, 10)
QUICK = opt.SolveParams(time_limit_s=1, deterministic=True, solution_limit=30)
NIGHT_BEFORE = datetime(2026, 3, 9, 20, tzinfo=UTC)


def publish_small_day(engine: Engine, params: opt.SolveParams = QUICK) -> Plan:
    """The demo day of seed 5 at a fifth of its size stored afresh, planned and published the night before."""
    with session_scope(make_session_factory(engine)) as session:
        clear_dataset(session)
        save_dataset(session, generate_demo(DemoConfig(seed=5, day=DAY, scale=0.2)))
    with session_scope(make_session_factory(engine)) as session:
        plan = plan_and_publish(session, DAY, params=params, now=NIGHT_BEFORE).plan
    return plan
