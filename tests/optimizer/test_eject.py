"""Ejection chains: a left-out P1 served by moving the P1s that block it to other vans."""

from __future__ import annotations

import time

from optimizer._eject import eject
from optimizer._reach import compute_reach
from optimizer._schedule import Compiled, schedule
from optimizer.problem import Problem
from tests.optimizer.builders import HOUR, job, params, problem, tech, window

MORNING = (window(8, 8.5),)
AFTERNOON = (window(12.5, 13.5),)


def _day() -> Problem:
    """Two vans, each with time for one morning and one afternoon visit of 3.5 h. X needs skill a, which
    only T1 has; Y and Z need b, which both have. T1 holds Y (morning) and Z (afternoon); T2 holds W in the
    afternoon. X, a morning P1, is left out: only Y's moving to T2's free morning lets it in."""
    long = int(3.5 * HOUR)
    return problem(
        [tech("T1", 0, skills={"a": 1, "b": 1}), tech("T2", 1, skills={"b": 1})],
        [
            job("X", 1, service_s=long, priority=1, windows=MORNING, required_skills={"a": 1}),
            job("Y", 1, service_s=long, priority=1, windows=MORNING, required_skills={"b": 1}),
            job("Z", 2, service_s=long, priority=1, windows=AFTERNOON, required_skills={"b": 1}),
            job("W", 2, service_s=long, priority=1, windows=AFTERNOON, required_skills={"b": 1}),
        ],
    )


def test_a_blocking_p1_moves_to_another_van_so_the_left_out_one_is_served() -> None:
    c = Compiled.build(_day(), params())
    allowed = compute_reach(c).allowed
    x, y, z, w = range(4)
    before = {0: [y, z], 1: [w]}
    for v, stops in before.items():
        assert schedule(c, v, stops, {}) is not None
    after = eject(c, before, [x, y, z, w], allowed, {}, time.perf_counter() + 5)
    assert sorted(after[0]) == [x, z]
    assert sorted(after[1]) == [y, w]
    for v, stops in after.items():
        assert schedule(c, v, stops, {}) is not None


def test_a_p1_no_van_can_take_stays_out_and_the_plan_is_unchanged() -> None:
    """With W taking T2's morning too (a second morning P1 there), Y has nowhere to go: nothing moves."""
    p = _day()
    long = int(3.5 * HOUR)
    v_job = job("V", 1, service_s=long, priority=1, windows=MORNING, required_skills={"b": 1})
    p = problem(list(p.technicians), [*p.jobs, v_job])
    c = Compiled.build(p, params())
    allowed = compute_reach(c).allowed
    x, y, z, w, v = range(5)
    before = {0: [y, z], 1: [v, w]}
    after = eject(c, before, [x, y, z, w, v], allowed, {}, time.perf_counter() + 5)
    assert {k: sorted(s) for k, s in after.items()} == {k: sorted(s) for k, s in before.items()}
