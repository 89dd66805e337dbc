"""The tight, oversubscribed field day: the shape the benchmark promises, the same for the same seed."""

from __future__ import annotations

from datetime import date

import pytest

from bench.field_service import OVERSUBSCRIPTION, generated_day, oversubscribed
from optimizer import Problem
from optimizer.travel import problem_matrices


@pytest.fixture(scope="module")
def regional() -> Problem:
    """A small regional day from the demo generator."""
    return generated_day(80, 10, 3, date(2026, 3, 10), "east")


def test_an_oversubscribed_day_has_the_promised_shape(regional: Problem) -> None:
    """A fifth P1 due 1.5-4 h after the day starts, 1-2 windows of 1-2 h, one unit per SKU, no depot."""
    day = oversubscribed(regional, 3)
    start = min(t.shift.start_s for t in day.technicians)
    assert not day.depots
    assert sum(j.priority == 1 for j in day.jobs) == round(0.2 * len(day.jobs))
    for job in day.jobs:
        assert 1 <= len(job.windows) <= 2
        assert all(3600 <= w.end_s - w.start_s <= 2 * 3600 for w in job.windows if w.end_s < start + 86400)
        if job.priority == 1:
            assert job.sla_due_s is not None and 1.5 * 3600 <= job.sla_due_s - start <= 4 * 3600
            assert job.windows[0].start_s <= job.sla_due_s
    assert all(q == 1 for t in day.technicians for q in t.van_stock.values())
    assert sum(len(t.van_stock) for t in day.technicians) < sum(
        len(t.van_stock) for t in regional.technicians
    )


def test_the_work_is_about_twice_what_the_technicians_can_do(regional: Problem) -> None:
    """Service plus a typical leg (mean drive to the three nearest jobs) is twice the shifts less lunch."""
    day = oversubscribed(regional, 3)
    matrices = problem_matrices(day)
    rows = matrices.rows[-len(day.jobs) :]
    legs = 0.0
    for row in rows:
        drives = sorted(int(matrices.travel_time_s[row, other]) for other in rows if other != row)
        legs += sum(drives[:3]) / 3
    capacity = sum(
        t.shift.end_s - t.shift.start_s - (t.lunch.duration_s if t.lunch else 0) for t in day.technicians
    )
    work = sum(job.service_s for job in day.jobs) + legs
    assert work / capacity == pytest.approx(OVERSUBSCRIPTION, rel=0.05)


def test_the_same_seed_gives_the_same_day(regional: Problem) -> None:
    """Tightening is seeded: twice the same, another seed differs."""
    assert oversubscribed(regional, 3) == oversubscribed(regional, 3)
    assert oversubscribed(regional, 3) != oversubscribed(regional, 4)
