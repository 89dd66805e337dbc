"""A small simulated day lived three ways through the product's services: what must hold whatever happens.

Visits done or under way never leave their technician's route, no job is in two places, every visit a
technician set off for is finished, and the figures count what the record holds.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bench._sim_engine import VisitRecord
from bench._sim_metrics import TICKET_COLUMNS, PolicyFigures, table, ticket_rows
from bench.simulate_day import SimulatedDay, kept_morning, morning, parse_args, simulate
from data.demo import DemoConfig, generate_demo
from dispatch.persistence.db import upgrade_database

DAY = date(2026, 3, 3)


@pytest.fixture(scope="module")
def lived(tmp_path_factory: pytest.TempPathFactory) -> SimulatedDay:
    folder: Path = tmp_path_factory.mktemp("simulated")
    empty = folder / "empty.sqlite3"
    upgrade_database(f"sqlite+pysqlite:///{empty}")
    args = parse_args(["--scale", "0.25", "--plan-seconds", "1", "--search-seconds", "1", "--arrivals", "24"])
    return simulate(DAY, 2, folder, empty, args)


def test_every_policy_lives_the_day(lived: SimulatedDay) -> None:
    assert [policy for policy, _, _ in lived.lived] == ["morning plan", "greedy", "ours"]
    for _, record, _ in lived.lived:
        assert record.visits, "technicians made visits"
        assert record.travel.total_seconds() > 0


def test_the_product_takes_every_report(lived: SimulatedDay) -> None:
    """Technicians report as their visits go: none of it is refused, whatever the dispatching."""
    for policy, record, _ in lived.lived:
        assert [r for r in record.refusals if r.startswith("report")] == [], policy
        assert not any(r.startswith(("search", "place", "log")) for r in record.refusals), policy


def test_visits_made_stay_on_their_technicians_route(lived: SimulatedDay) -> None:
    for policy, record, _ in lived.lived:
        assert record.final_plan is not None
        routes = {r.technician_id: {v.job_id for v in r.visits} for r in record.final_plan.routes}
        for visit in record.visits:
            assert visit.job_id in routes.get(visit.technician_id, set()), (policy, visit)


def test_no_job_is_in_two_places(lived: SimulatedDay) -> None:
    for policy, record, _ in lived.lived:
        assert record.final_plan is not None
        placed = Counter(v.job_id for r in record.final_plan.routes for v in r.visits if v.job_id is not None)
        assert [job for job, count in placed.items() if count > 1] == [], policy
        made = Counter(v.job_id for v in record.visits)
        assert [job for job, count in made.items() if count > 1] == [], policy


def test_the_live_day_reaches_new_urgent_work_the_morning_plan_leaves(lived: SimulatedDay) -> None:
    reached = {}
    for policy, record, _ in lived.lived:
        tickets = {v.ticket_id for v in record.visits}
        reached[policy] = len(tickets & lived.facts.reported_during_day)
    assert lived.facts.reported_during_day
    assert reached["morning plan"] == 0
    assert reached["ours"] >= 1


def test_the_table_counts_what_happened(lived: SimulatedDay) -> None:
    figures = {}
    for policy, record, wall_s in lived.lived:
        figures[policy] = PolicyFigures()
        figures[policy].add_day(record, lived.facts, wall_s)
        assert figures[policy].visits == len(record.visits)
        counted = sum(t.counted for t in figures[policy].response.values())
        assert counted == sum(
            1
            for t in lived.facts.tickets.values()
            if t.responded_at is None and lived.facts.planned_at <= t.response_due <= lived.facts.day_end
        )
    printed = table(figures, 1)
    assert "P1 response kept" in printed and "ours" in printed
    assert "P1 reported in the day: kept / within reach" in printed


def test_a_ticket_reached_was_within_someone_s_reach(lived: SimulatedDay) -> None:
    """Every ticket reported in the day has its soonest reach; one a technician reached had one."""
    for policy, record, _ in lived.lived:
        assert set(record.soonest_reach) == set(lived.facts.reported_during_day), policy
        reached = {v.ticket_id for v in record.visits} & lived.facts.reported_during_day
        assert all(record.soonest_reach[t] is not None for t in reached), policy


def test_the_ticket_rows_say_who_reached_each_ticket_and_when(lived: SimulatedDay) -> None:
    for policy, record, _ in lived.lived:
        rows = ticket_rows(policy, record, lived.facts)
        assert len(rows) == len(lived.facts.tickets)
        assert all(len(row) == len(TICKET_COLUMNS) for row in rows)
        first: dict[str, VisitRecord] = {}
        for visit in record.visits:
            first.setdefault(visit.ticket_id, visit)
        by_ticket = {row[1]: dict(zip(TICKET_COLUMNS, row, strict=True)) for row in rows}
        for ticket_id, visit in first.items():
            row = by_ticket[ticket_id]
            assert (
                row["first_on_site"] == visit.arrival.isoformat() and row["technician"] == visit.technician_id
            )
        reported = {t for t, row in by_ticket.items() if row["reported_in_day"] == "yes"}
        assert reported == set(lived.facts.reported_during_day)


def test_a_kept_morning_is_started_from_again(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    upgrade_database(f"sqlite+pysqlite:///{empty}")
    args = parse_args(["--scale", "0.25", "--plan-seconds", "1", "--mornings", str(tmp_path / "kept")])
    config = DemoConfig(seed=2, day=DAY, scale=0.25)
    dataset = generate_demo(config)
    planned_at = morning(dataset, DAY)
    first, _ = kept_morning(tmp_path / "first.sqlite3", empty, config, dataset, planned_at, args)
    again, durations = kept_morning(tmp_path / "again.sqlite3", empty, config, dataset, planned_at, args)
    assert len(list((tmp_path / "kept").iterdir())) == 1
    assert again.id == first.id and again.routes == first.routes
    assert durations.by_category


def test_technicians_on_call_make_the_visits_planned_for_them(tmp_path: Path) -> None:
    saturday = date(2026, 3, 7)
    empty = tmp_path / "empty.sqlite3"
    upgrade_database(f"sqlite+pysqlite:///{empty}")
    args = parse_args(["--scale", "0.25", "--plan-seconds", "1", "--policies", "morning", "--arrivals", "0"])
    lived = simulate(saturday, 2, tmp_path, empty, args)
    dataset = generate_demo(DemoConfig(seed=2, day=saturday, scale=0.25))
    on_call = {t.id for t in dataset.technicians if t.calendar.shift_on(saturday) is None}
    _, record, _ = lived.lived[0]
    assert record.final_plan is not None
    planned = {v.job_id for r in record.final_plan.routes if r.technician_id in on_call for v in r.visits}
    made = {v.job_id for v in record.visits if v.technician_id in on_call}
    assert made and made == planned - {None}
