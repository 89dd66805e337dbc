"""The parts of a split day solved on the job queue (PostgreSQL, procrastinate workers in threads, as
``dispatch worker --parts-only`` runs them): a valid plan; a part whose worker fails, or goes silent, is
tried once more; a part that fails twice keeps its constructed plan and the day's plan stays complete."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from dispatch.config import get_settings
from dispatch.domain.plan_jobs import PlanJobStatus
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.models import PartTaskRow
from dispatch.persistence.repositories.plan_jobs import PlanJobRepository
from dispatch.services.job_queue import PART_QUEUE
from dispatch.services.part_queue import LEAST_PART_S, PartQueueExecutor, PartSolver, run_part_task, time_left
from dispatch.services.plan_day import plan_day
from dispatch.services.plan_jobs import request_plan, run_plan_job, run_worker
from optimizer.parts import solve_part_data
from optimizer.problem import Problem, SolveParams
from optimizer.solution import Solution
from optimizer.solve import solve
from optimizer.validate import validate
from tests.api.plan_demo import DAY, demo_day, seeded_settings
from tests.optimizer.builders import three_cities

pytestmark = pytest.mark.postgis

MORNING = datetime(2026, 11, 26, 11, 0, tzinfo=UTC)
"""Before any demo shift of ``DAY`` starts: the whole day is planned."""


def _params() -> SolveParams:
    """Parts of at most 10 jobs and 3 technicians: the three cities' day splits in several parts."""
    return SolveParams(
        time_limit_s=6, deterministic=True, solution_limit=20, max_part_jobs=10, max_part_technicians=3
    )


@contextmanager
def _workers(database_url: str, solve_part: PartSolver | None, n: int = 2) -> Iterator[None]:
    """``n`` workers taking the ``parts`` queue, each in a thread of its own."""
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=run_worker,
            args=(database_url,),
            kwargs={"stop": stop, "queues": [PART_QUEUE], "solve_part": solve_part},
            daemon=True,
        )
        for _ in range(n)
    ]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)


class _Tries:
    """The part solver, counting tries per part; ``failing(name, n)`` says which try of a part fails
    (raises) and ``silent`` which hang until the test ends."""

    def __init__(self, failing: Any = None, silent: Any = None) -> None:
        self.tries: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._failing = failing
        self._silent = silent
        self.released = threading.Event()

    def __call__(self, data: Mapping[str, Any]) -> dict[str, Any]:
        name = str(data["problem"]["name"])
        with self._lock:
            self.tries[name] += 1
            n = self.tries[name]
        if self._silent is not None and self._silent(name, n):
            self.released.wait(60)
            raise RuntimeError("a worker that stopped answering")
        if self._failing is not None and self._failing(name, n):
            raise RuntimeError(f"worker lost while solving {name}")
        return solve_part_data(data)


def _solve(
    database_url: str, tries: _Tries, *, margin_s: float = 20.0
) -> tuple[Problem, Solution, PartQueueExecutor]:
    day, params = three_cities(), _params()
    with _workers(database_url, tries):
        try:
            with PartQueueExecutor(database_url, margin_s=margin_s, poll_s=0.05) as executor:
                solution = solve(day, params, part_executor=executor)
        finally:
            tries.released.set()
    return day, solution, executor


def _complete_and_valid(day: Problem, solution: Solution) -> None:
    assert validate(day, solution, _params()).ok
    placed = [*solution.assigned_job_ids, *(u.job_id for u in solution.unassigned)]
    assert sorted(placed) == sorted(job.id for job in day.jobs)


def _rows_left(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return int(session.execute(select(func.count()).select_from(PartTaskRow)).scalar_one())
    finally:
        engine.dispose()


def test_a_split_day_solved_through_the_queue_is_valid(database_url: str) -> None:
    """Every part is solved once by a worker, the merged plan validates, and no part task is left behind."""
    tries = _Tries()
    day, solution, executor = _solve(database_url, tries)
    _complete_and_valid(day, solution)
    assert len(solution.stats.parts) >= 3
    assert len(tries.tries) == len(solution.stats.parts)
    assert sum(tries.tries.values()) == executor.submitted and executor.retried == 0
    assert len(solution.assigned_job_ids) > len(day.jobs) // 2
    assert _rows_left(database_url) == 0


def test_a_part_whose_worker_fails_is_tried_once_more(database_url: str) -> None:
    """Each part's first try fails: each is tried again, and the plan is as valid as without failures."""
    tries = _Tries(failing=lambda name, n: n % 2 == 1)  # a part improved twice is two submissions
    day, solution, executor = _solve(database_url, tries)
    _complete_and_valid(day, solution)
    assert executor.submitted >= len(solution.stats.parts)
    assert executor.retried == executor.submitted
    assert sum(tries.tries.values()) == 2 * executor.submitted
    assert _rows_left(database_url) == 0


def test_a_part_that_fails_twice_keeps_its_constructed_plan(database_url: str) -> None:
    """Every try fails: each part is tried twice, never a third time, and the day's plan (the parts as
    constructed) is still complete and valid."""
    tries = _Tries(failing=lambda name, n: True)
    day, solution, executor = _solve(database_url, tries)
    _complete_and_valid(day, solution)
    assert executor.submitted >= len(solution.stats.parts)
    assert sum(tries.tries.values()) == 2 * executor.submitted
    assert len(solution.assigned_job_ids) > len(day.jobs) // 2
    assert _rows_left(database_url) == 0


def test_a_part_whose_worker_goes_silent_is_tried_once_more(database_url: str) -> None:
    """The first try of one part never answers: past its time limit and the margin it is tried again,
    and the second try's solution is taken."""
    silent: set[str] = set()

    def first_part_once(name: str, n: int) -> bool:
        if n == 1 and not silent:
            silent.add(name)
            return True
        return False

    tries = _Tries(silent=first_part_once)
    began = time.monotonic()
    day, solution, executor = _solve(database_url, tries, margin_s=1.0)
    _complete_and_valid(day, solution)
    assert len(silent) == 1 and tries.tries[next(iter(silent))] == 2
    assert executor.retried == 1
    assert time.monotonic() - began < 60


@pytest.fixture
def part_queue_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``DISPATCH_PART_QUEUE=true`` (two parts out at once, a short margin) for the test."""
    monkeypatch.setenv("DISPATCH_PART_QUEUE", "true")
    monkeypatch.setenv("DISPATCH_PART_QUEUE_WORKERS", "2")
    monkeypatch.setenv("DISPATCH_PART_QUEUE_MARGIN_S", "20")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_plan_job_hands_its_parts_to_the_queue_when_the_setting_says_so(
    database_url: str, part_queue_on: None
) -> None:
    """With DISPATCH_PART_QUEUE on, a plan job of a day split in parts sends the parts to the queue's
    workers and publishes a plan of every job of the day."""
    seeded_settings(database_url)
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    used: list[PartQueueExecutor] = []

    def in_small_parts(live: Any, **kwargs: Any) -> Any:
        used.append(kwargs["part_executor"])
        params = dataclasses.replace(kwargs.pop("params"), max_part_jobs=10, max_part_technicians=3)
        return plan_day(live, params=params, **kwargs)

    tries = _Tries()
    try:
        with session_scope(factory) as session:
            job = request_plan(session, day=DAY, region=None, time_limit_s=6, requested_by=None)
        with _workers(database_url, tries):
            status = run_plan_job(factory, job.id, planner=in_small_parts, clock=lambda: MORNING)
        with session_scope(factory) as session:
            stored = PlanJobRepository(session).require(job.id)
    finally:
        engine.dispose()
    assert status is PlanJobStatus.SUCCEEDED, stored.error
    assert len(used) == 1 and used[0].submitted >= 2 and sum(tries.tries.values()) == used[0].submitted
    assert stored.assigned_count is not None and stored.unassigned_count is not None
    assert stored.assigned_count + stored.unassigned_count == len(demo_day().jobs)


def _parts_being_solved(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text(
                        "SELECT count(*) FROM procrastinate.procrastinate_jobs "
                        "WHERE queue_name = :queue AND status = 'doing'"
                    ),
                    {"queue": PART_QUEUE},
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_a_stopped_solve_stops_its_parts_on_the_workers(database_url: str) -> None:
    """The solve is stopped a few seconds into 30-second parts: it ends with a valid plan, and the workers
    give up the parts within seconds (their rows are gone), rather than solve on for nothing."""
    day = three_cities()
    params = SolveParams(time_limit_s=30, max_part_jobs=10, max_part_technicians=3)
    began = time.monotonic()
    with _workers(database_url, None):
        with PartQueueExecutor(database_url, poll_s=0.05) as executor:
            solution = solve(
                day, params, part_executor=executor, should_stop=lambda: time.monotonic() - began > 8
            )
        assert executor.submitted >= 1
        ended = time.monotonic()
        while _parts_being_solved(database_url) and time.monotonic() - ended < 15:
            time.sleep(0.2)
        assert _parts_being_solved(database_url) == 0
        assert time.monotonic() - began < 28
    _complete_and_valid(day, solution)


def test_a_part_that_waited_for_a_worker_is_solved_for_the_time_it_has_left(database_url: str) -> None:
    """One worker, two 4-second parts out at once: the first is solved for its 4 s, the second, taken only
    once the first is done, for what is left of its 4 s, so the two answer about when the solve wants
    them (not 8 s in) and neither is tried again."""
    given: dict[str, float] = {}

    def spends_its_time(data: Mapping[str, Any]) -> dict[str, Any]:
        given[str(data["problem"]["name"])] = limit = float(data["params"]["time_limit_s"])
        time.sleep(min(limit, 2.5))
        return {"answered": True}

    began = time.monotonic()
    with (
        _workers(database_url, spends_its_time, n=1),
        PartQueueExecutor(database_url, margin_s=1.0, poll_s=0.05) as executor,
    ):
        futures = [
            executor.submit(solve_part_data, {"problem": {"name": name}, "params": {"time_limit_s": 4}})
            for name in ("first", "second")
        ]
        answers = [future.result(timeout=30) for future in futures]
    assert answers == [{"answered": True}] * 2
    assert executor.retried == 0
    first, second = sorted(given.values(), reverse=True)
    assert first > 3.5
    assert 0.5 < second < 2.0
    assert time.monotonic() - began < 4 + 3


def test_a_part_taken_after_its_time_is_up_still_gets_a_moment() -> None:
    """The time left is never below ``LEAST_PART_S``; nothing else of the part changes."""
    task = {"problem": {"name": "p"}, "params": {"time_limit_s": 4.0, "seed": 3}}
    assert time_left(task, 4.0, 1.5)["params"] == {"time_limit_s": 2.5, "seed": 3}
    assert time_left(task, 4.0, 9.0)["params"]["time_limit_s"] == LEAST_PART_S
    assert time_left(task, 4.0, 9.0)["problem"] == task["problem"]


def test_rows_of_a_solve_that_died_are_swept_when_a_worker_takes_a_part(database_url: str) -> None:
    """A row an hour past its time limit is gone once a worker takes the next part; a recent one stays."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    now = datetime.now(UTC)
    try:
        with session_scope(factory) as session:
            for name, age in (
                ("abandoned", timedelta(hours=1, minutes=5)),
                ("recent", timedelta(minutes=30)),
            ):
                session.add(
                    PartTaskRow(
                        id=name,
                        batch="a solve that died",
                        attempt=1,
                        status="queued",
                        time_limit_s=60.0,
                        task={},
                        deferred_at=now - age,
                    )
                )
        assert run_part_task(factory, "no such part", 1) is None
        with session_scope(factory) as session:
            left = set(session.execute(select(PartTaskRow.id)).scalars())
    finally:
        engine.dispose()
    assert left == {"recent"}
