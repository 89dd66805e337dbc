"""What `make run` prints: logins that lead somewhere, whatever the weekday."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from dispatch.config import Settings
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.repositories import PlanRepository
from dispatch.persistence.repositories.accounts import AccountRepository
from dispatch.services.demo_data import run_demo

SUNDAY = date(2026, 3, 8)
"""Few technicians work on a Sunday: the first ones listed would have nothing to show."""


def test_the_job_sheets_named_are_those_of_technicians_with_the_most_visits(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+pysqlite:///{tmp_path / 'demo.sqlite3'}", plan_time_limit_s=2)
    printed = run_demo(settings, seed=7, day=SUNDAY, scale=0.5)
    sheets = printed.split("job sheets", 1)[1].split("customer view", 1)[0]
    named = re.findall(r"^\s+(\S+@fieldops\.example)$", sheets, re.MULTILINE)
    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            plan = PlanRepository(session).published(SUNDAY)
            assert plan is not None
            visits = {r.technician_id: len(r.job_ids) for r in plan.routes}
            shown = [AccountRepository(session).by_email(email) for email in named]
    finally:
        engine.dispose()
    counts = [visits.get(account.technician_id or "", 0) for account in shown if account is not None]
    assert len(counts) == 3 and counts[0] > 0
    assert counts == sorted(visits.values(), reverse=True)[:3]
