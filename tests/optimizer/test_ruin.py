"""Ruin and recreate, and the rescue of left-out P1/P2 jobs: plans that keep every rule and cost less."""

from __future__ import annotations

import time

from optimizer._construct import rescue
from optimizer._reach import compute_reach
from optimizer._ruin import _open_route, _Search, ruin_and_recreate
from optimizer._schedule import Compiled, schedule
from optimizer.problem import Problem
from tests.optimizer.builders import HOUR, MINUTE, job, params, problem, tech, window

Plan = dict[int, list[int]]


def _cost(c: Compiled, plan: Plan) -> int:
    total = 0
    for v, stops in plan.items():
        if stops:
            timing = schedule(c, v, stops, {})
            assert timing is not None, f"route {v} {stops} is infeasible"
            total += timing.cost
    return total


def _zigzag() -> tuple[Problem, Plan]:
    """Two technicians at points 0 and 7, jobs at 1, 2, 5 and 6, each sent to the far end of the line."""
    p = problem(
        [tech("T1", 0), tech("T2", 7)],
        [job("J1", 1), job("J2", 2), job("J5", 5), job("J6", 6)],
    )
    return p, {0: [2, 3], 1: [0, 1]}


def test_a_crossed_plan_is_untangled() -> None:
    """Each technician does the two jobs at the other end: ruin and recreate swaps them (cost by hand:
    2 x (6+1+7) legs -> 2 x (2+0+2) legs... each route out and back to its nearest pair)."""
    p, start = _zigzag()
    c = Compiled.build(p, params())
    reach = compute_reach(c)
    plan, iterations = ruin_and_recreate(
        c, [0, 1], [0, 1, 2, 3], reach.allowed, {}, start, time.perf_counter() + 5, seed=3, max_iterations=40
    )
    assert iterations == 40
    assert sorted(plan[0]) == [0, 1] and sorted(plan[1]) == [2, 3]
    assert _cost(c, plan) < _cost(c, start)


def test_the_same_seed_gives_the_same_plan() -> None:
    p, start = _zigzag()
    c = Compiled.build(p, params())
    allowed = compute_reach(c).allowed
    runs = [
        ruin_and_recreate(c, [0, 1], [0, 1, 2, 3], allowed, {}, start, time.perf_counter() + 5, 11, 25)
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_a_locked_prefix_is_never_moved() -> None:
    """T1 has started J6 (far away): however the rest is reshuffled, J6 stays first on T1's route."""
    p = problem(
        [tech("T1", 0, locked_job_ids=("J6",)), tech("T2", 7)],
        [job("J1", 1), job("J2", 2), job("J5", 5), job("J6", 6)],
    )
    c = Compiled.build(p, params())
    allowed = compute_reach(c).allowed
    start = {0: [3, 0], 1: [1, 2]}
    for seed in range(5):
        plan, _ = ruin_and_recreate(
            c, [0, 1], [0, 1, 2], allowed, {}, start, time.perf_counter() + 5, seed, 30
        )
        assert plan[0][0] == 3
        assert 3 not in plan[1]
        _cost(c, plan)


def test_an_opened_route_goes_to_the_nearest_unused_technician() -> None:
    """T1 (home 0) holds J1; J6 is out. Opening a route for J6 puts it alone on T3 (home 7, one away), not
    on T2 (home 3) and not beside J1, and leaves T1's route as it was."""
    p = problem(
        [tech("T1", 0), tech("T2", 3), tech("T3", 7)],
        [job("J1", 1), job("J6", 6)],
    )
    c = Compiled.build(p, params())
    allowed = compute_reach(c).allowed
    search = _Search(c, [0, 1, 2], [0, 1], allowed, {}, {0: [0]})
    state = search.state
    assert _open_route(search, state, 1)
    assert state.routes[0] == [0] and state.routes[1] == [] and state.routes[2] == [1]


def test_no_route_opens_when_every_technician_is_busy() -> None:
    p = problem([tech("T1", 0)], [job("J1", 1), job("J6", 6)])
    c = Compiled.build(p, params())
    search = _Search(c, [0], [0, 1], compute_reach(c).allowed, {}, {0: [0]})
    assert not _open_route(search, search.state, 1)
    assert search.state.routes[0] == [0]


def test_rescue_puts_a_left_out_p1_in_place_of_p4_work() -> None:
    """A five-hour shift holding two P4 jobs (2 h and 1 h): the P1 (1.5 h, 70 min away) only fits once the
    longer P4 leaves (20 + 50 + 70 min of driving and 2.5 h of work: 290 min); the shorter one stays."""
    p = problem(
        [tech("T1", 0, shift=window(8, 13))],
        [
            job("A", 1, service_s=2 * HOUR, priority=4),
            job("B", 2, service_s=HOUR, priority=4),
            job("C", 7, service_s=90 * MINUTE, priority=1),
        ],
    )
    c = Compiled.build(p, params())
    allowed = compute_reach(c).allowed
    a, b, p1 = 0, 1, 2  # job indices: the long P4, the short P4, the P1
    rescued = rescue(c, {0: [a, b]}, [a, b, p1], allowed, {}, time.perf_counter() + 5)
    assert p1 in rescued[0]
    assert a not in rescued[0]
    assert b in rescued[0]
    _cost(c, rescued)


def test_rescue_never_trades_one_p1_for_another() -> None:
    """Two P1 jobs that cannot share a four-hour shift (140 min of driving and 2 h of work): the one on the
    route stays, the other stays out."""
    p = problem(
        [tech("T1", 0, shift=window(8, 12))],
        [job("A", 7, service_s=HOUR, priority=1), job("C", 6, service_s=HOUR, priority=1)],
    )
    c = Compiled.build(p, params())
    allowed = compute_reach(c).allowed
    assert rescue(c, {0: [0]}, [0, 1], allowed, {}, time.perf_counter() + 5) == {0: [0]}
