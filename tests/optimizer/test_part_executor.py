"""Parts of a split day handed to a caller's executor as plain data: the encoding round-trips (and refuses
what is not a part), the day solved through a thread pool is valid, and a part whose future fails keeps
its constructed plan."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from optimizer._split import coarse_reach, depot_shares, split_day, sub_problem
from optimizer._split_solve import PartTask
from optimizer.parts import (
    part_from_data,
    part_to_data,
    solution_from_data,
    solution_to_data,
    solve_part_data,
)
from optimizer.problem import Depot, Job, Location, Problem, SolveParams, TimeWindow
from optimizer.solve import solve
from optimizer.travel import GeodesicTravelTimes
from optimizer.validate import validate
from tests.optimizer.builders import three_cities


def _params() -> SolveParams:
    return SolveParams(
        time_limit_s=6, deterministic=True, solution_limit=20, max_part_jobs=10, max_part_technicians=3
    )


def _a_part() -> PartTask:
    day = three_cities()
    params = _params()
    parts = split_day(day, params, coarse_reach(day, params, None))
    shares = depot_shares(day, parts)
    return PartTask(sub_problem(day, parts[0], shares[0], "day#part0"), params, GeodesicTravelTimes())


def test_a_part_and_its_solution_round_trip_through_json() -> None:
    """A part written as data and read back (through JSON text, as a database stores it) is the same part,
    and so is its solution."""
    task = _a_part()
    data = json.loads(json.dumps(part_to_data(task)))
    again = part_from_data(data)
    assert again.problem == task.problem and again.params == task.params
    assert again.travel == task.travel and again.hint == task.hint
    answer = json.loads(json.dumps(solve_part_data(data)))
    solution = solution_from_data(answer)
    assert solution_to_data(solution) == answer
    assert validate(task.problem, solution, task.params).ok


def test_every_kind_of_field_round_trips() -> None:
    """Matrices, frozensets, integer-keyed mappings, optional windows and depots survive the trip."""
    times = np.array([[0, 60], [60, 0]], dtype=np.int64)
    job = Job(
        "J1",
        Location.at_index(1),
        600,
        priority=2,
        windows=(TimeWindow(0, 3600),),
        required_parts={"P": 1},
        allowed_technician_ids=frozenset({"T2", "T1"}),
        promised=TimeWindow(100, 200),
    )
    day = Problem(
        (),
        (job,),
        TimeWindow(0, 86_400),
        depots=(Depot("D", Location.at_index(0), {"P": 3}),),
        travel_time_s=times,
        distance_m=times * 10,
        service_pct_by_level={1: 130, 3: 100},
        name="tiny",
    )
    task = PartTask(day, SolveParams(), None)
    again = part_from_data(json.loads(json.dumps(part_to_data(task))))
    assert again.problem == day
    assert again.problem.travel_time_s is not None and (again.problem.travel_time_s == times).all()
    assert again.problem.service_pct_by_level == {1: 130, 3: 100}


def test_data_that_is_not_a_part_is_refused() -> None:
    """Unknown fields, a wrong format or an invalid job fail to decode: nothing else is run."""
    data = part_to_data(_a_part())
    with pytest.raises(ValueError, match="format"):
        part_from_data({**data, "format": 99})
    with pytest.raises(ValueError, match="no field"):
        part_from_data({**data, "params": {**data["params"], "__reduce__": "os.system"}})
    broken = json.loads(json.dumps(data))
    broken["problem"]["jobs"][0]["priority"] = 9
    with pytest.raises(ValueError, match="priority"):
        part_from_data(broken)


class _Recording(Executor):
    """Runs submissions in threads, recording what was submitted; ``fail(n)`` decides which fail."""

    def __init__(self, fail: Callable[[int], bool] = lambda n: False) -> None:
        self.submitted: list[Any] = []
        self._fail = fail
        self._threads = ThreadPoolExecutor(2)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        n = len(self.submitted)
        self.submitted.append(args[0])
        if self._fail(n):

            def broken(*_: Any) -> Any:
                raise RuntimeError("the worker died")

            return self._threads.submit(broken)
        return self._threads.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._threads.shutdown(wait, cancel_futures=cancel_futures)


def test_a_split_day_solved_through_a_callers_executor_is_valid() -> None:
    """Every part goes to the executor as plain data (JSON-able), and the merged plan validates."""
    day = three_cities()
    params = _params()
    executor = _Recording()
    try:
        solution = solve(day, params, part_executor=executor)
    finally:
        executor.shutdown()
    assert len(solution.stats.parts) >= 3
    assert len(executor.submitted) >= len(solution.stats.parts)
    for data in executor.submitted:
        json.dumps(data)
    assert validate(day, solution, params).ok
    assert len(solution.unassigned) + len(solution.assigned_job_ids) == len(day.jobs)


def test_a_part_whose_future_fails_keeps_its_constructed_plan() -> None:
    """Every submission failing: the day's plan is still complete and valid (each part as constructed)."""
    day = three_cities()
    params = _params()
    executor = _Recording(fail=lambda n: True)
    try:
        solution = solve(day, params, part_executor=executor)
    finally:
        executor.shutdown()
    assert executor.submitted
    assert validate(day, solution, params).ok
    assert sorted([*solution.assigned_job_ids, *(u.job_id for u in solution.unassigned)]) == sorted(
        j.id for j in day.jobs
    )


class _OneAtATime(_Recording):
    """Says it has one worker; records the most parts it was given at once."""

    max_workers = 1

    def __init__(self) -> None:
        super().__init__()
        self.out = 0
        self.most_out = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.out += 1
        self.most_out = max(self.most_out, self.out)

        def counted(*inner: Any) -> Any:
            try:
                return fn(*inner)
            finally:  # before the future is done: the solve's next submission sees it back
                self.out -= 1

        return super().submit(counted, *args, **kwargs)


def test_an_executor_with_max_workers_gets_that_many_parts_at_once() -> None:
    """``max_workers = 1`` on the executor: one part out at a time, whatever ``params.workers`` says."""
    day = three_cities()
    params = dataclasses.replace(_params(), workers=4)
    executor = _OneAtATime()
    try:
        solution = solve(day, params, part_executor=executor)
    finally:
        executor.shutdown()
    assert len(executor.submitted) >= 2 and executor.most_out == 1
    assert validate(day, solution, params).ok


class _Never(Executor):
    """Takes parts and never answers (a queue nobody works)."""

    def __init__(self) -> None:
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self.futures.append(future)
        return future


def test_a_stopped_solve_cancels_parts_nobody_took_and_returns() -> None:
    """Stopped while its parts wait on an executor that never answers: the solve cancels them and returns
    its constructed plan at once, valid."""
    day = three_cities()
    params = SolveParams(time_limit_s=60, max_part_jobs=10, max_part_technicians=3, workers=2)
    executor = _Never()
    began = time.monotonic()
    solution = solve(day, params, part_executor=executor, should_stop=lambda: time.monotonic() - began > 2)
    assert time.monotonic() - began < 20
    assert executor.futures and all(f.cancelled() for f in executor.futures)
    assert validate(day, solution, params).ok
