"""The parts of a large day's solve as tasks on the job queue, so that more workers (on more machines) add
speed to one solve.

The optimizer splits a large day into geographic parts and hands each part's improvement to an executor
(``optimizer.solve(..., part_executor=...)``) as plain data. ``PartQueueExecutor`` is that executor on
PostgreSQL:

- ``submit`` stores the part (``part_tasks``: the part as JSON, its try, its state) and defers a
  procrastinate task on the queue ``parts``; the future it returns is resolved by a watcher thread that
  reads the row back every ``poll_s``: with the solution a worker stored, or with the failure.
- A worker (``dispatch worker --parts``) claims the try (queued -> running), solves the part
  (``optimizer.parts.solve_part_data``: the part decoded and validated again, never unpickled) and stores
  the solution, or the error.
- A part's time limit runs from when it is queued (on the database's clock): a worker that takes it late,
  because the queue had fewer free workers than the solve has parts out, solves it for the time left (at
  least ``LEAST_PART_S``), so waiting for a worker never makes the solve overrun its own time limit.
- A try that fails, or that has no answer within the part's time limit plus ``margin_s`` after it was
  queued (or ``LEAST_PART_S`` plus the margin after being taken late: its worker died, hangs, or nobody
  takes the queue), is tried once more (``tries``); after that
  the future fails and the optimizer keeps that part's constructed plan. The day's plan is never lost
  because one part failed. A worker still busy with an abandoned try may yet answer: a solution that
  arrives late is taken all the same, a failure of an earlier try is ignored.
- Rows go once their solve has read them (or when the executor shuts down).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future, InvalidStateError
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.models import PartTaskRow
from dispatch.services.job_queue import ProcrastinateQueue
from optimizer.parts import solve_part_data

logger = logging.getLogger(__name__)

MARGIN_S = 30.0
"""Beyond its time limit, how long a part may go unanswered before it is tried again: a worker needs a
few seconds to pick it up and compile it, more on a loaded machine."""
TRIES = 2
"""A part is tried once more after a failure or silence, then keeps its constructed plan."""
POLL_S = 0.2
GONE_CHECK_S = 1.0
"""How often a worker solving a part asks whether the part is still wanted."""
LEAST_PART_S = 1.0
"""What a part taken after its time limit ran out in the queue is still solved for: its search starts
from the part's constructed plan and answers at once."""
ABANDONED_AFTER = timedelta(hours=1)
"""A row this long past its part's time limit belongs to a solve that died before cleaning up (a live one
reads or gives up its parts within the margin): the next executor, and each worker taking a part, remove
it (``sweep_abandoned``)."""

PartSolver = Callable[[Mapping[str, Any]], dict[str, Any]]
"""What a worker does with a part's data: ``optimizer.parts.solve_part_data`` (tests pass others)."""


class PartFailed(Exception):
    """A part failed (or went unanswered) on every try; the optimizer keeps its constructed plan."""


@dataclass
class _Pending:
    future: Future[dict[str, Any]]
    attempt: int
    time_limit_s: float
    deadline: float
    """``time.monotonic()`` past which the try is given up: its time limit plus the margin from being
    queued (its worker solves only for the time left), at least ``LEAST_PART_S`` plus the margin from
    being taken."""
    taken: bool = False


class PartQueueExecutor(Executor):
    """An executor whose tasks are parts of a solve, solved by ``dispatch worker --parts`` processes.

    Only ``optimizer.parts.solve_part_data`` with one part's data may be submitted. Use it as a context
    manager around the solve: shutting it down abandons parts still out (their futures fail) and removes
    the batch's rows."""

    def __init__(
        self,
        database_url: str,
        *,
        workers: int = 2,
        margin_s: float = MARGIN_S,
        tries: int = TRIES,
        poll_s: float = POLL_S,
    ) -> None:
        if tries < 1 or workers < 1:
            raise ValueError("a part needs at least one try, and the queue at least one worker")
        self.max_workers = workers
        """Parts the solve keeps out at once: the worker processes taking the ``parts`` queue."""
        self._engine = make_engine(database_url)
        self._factory = make_session_factory(self._engine)
        self._queue = ProcrastinateQueue(database_url)
        self._margin_s = margin_s
        self._tries = tries
        self._poll_s = poll_s
        self.batch = str(uuid.uuid4())
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._watcher: threading.Thread | None = None
        self.submitted = 0
        """Parts submitted (each is tried once or twice), for reports and tests."""
        self.retried = 0
        """Tries made again (failed, or silent past their time), for reports and tests."""
        with session_scope(self._factory) as session:
            sweep_abandoned(session)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if fn is not solve_part_data or kwargs or len(args) != 1 or not isinstance(args[0], Mapping):
            raise TypeError("the part queue takes parts of a solve only: solve_part_data(part data)")
        if self._closed.is_set():
            raise RuntimeError("cannot submit parts after the part queue has shut down")
        data: Mapping[str, Any] = args[0]
        future: Future[dict[str, Any]] = Future()
        part_id = str(uuid.uuid4())
        try:
            time_limit_s = float(data["params"]["time_limit_s"])
            with session_scope(self._factory) as session:
                session.add(
                    PartTaskRow(
                        id=part_id,
                        batch=self.batch,
                        attempt=1,
                        status="queued",
                        time_limit_s=time_limit_s,
                        task=dict(data),
                        deferred_at=func.now(),
                    )
                )
            with self._lock:
                self._pending[part_id] = _Pending(future, 1, time_limit_s, self._deadline(time_limit_s))
                self.submitted += 1
            self._queue.enqueue_part(part_id, 1)
        except Exception as error:  # not deferred: the part keeps its constructed plan
            logger.exception("a part could not be queued")
            with self._lock:
                self._pending.pop(part_id, None)  # a stored row goes with the batch at shutdown
            future.set_exception(PartFailed(f"could not be queued: {error}"))
            return future
        self._watch()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop watching; parts still out fail (their solve has ended or gives them up); rows go."""
        self._closed.set()
        if self._watcher is not None:
            self._watcher.join()
        with self._lock:
            pending, self._pending = self._pending, {}
        for entry in pending.values():
            _settle(entry.future, error=PartFailed("the solve ended before the part was answered"))
        try:
            with session_scope(self._factory) as session:
                session.execute(delete(PartTaskRow).where(PartTaskRow.batch == self.batch))
        finally:
            self._queue.stop()
            self._engine.dispose()

    def _deadline(self, time_limit_s: float) -> float:
        return time.monotonic() + time_limit_s + self._margin_s

    def _watch(self) -> None:
        with self._lock:
            if self._watcher is None:
                self._watcher = threading.Thread(target=self._loop, name="part-queue-watcher", daemon=True)
                self._watcher.start()

    def _loop(self) -> None:
        while not self._closed.wait(self._poll_s):
            try:
                self.check()
            except Exception:  # a database hiccup: the next round reads again
                logger.warning("reading part tasks failed", exc_info=True)
                self._give_up_unreadable()

    def _give_up_unreadable(self) -> None:
        """With the database out of reach, parts past their every try's time fail without it (their rows
        go with the executor, or with the next one's clean-up), so the solve never waits on them forever."""
        now = time.monotonic()
        with self._lock:
            late = {
                part_id: entry
                for part_id, entry in self._pending.items()
                if entry.future.cancelled()
                or now
                > entry.deadline + (self._tries - entry.attempt) * (entry.time_limit_s + self._margin_s)
            }
            for part_id in late:
                self._pending.pop(part_id)
        for entry in late.values():
            _settle(entry.future, error=PartFailed("the part queue's database is out of reach"))

    def check(self) -> None:
        """One round: resolve answered parts, try again failed or silent ones, forget cancelled ones."""
        with self._lock:
            pending = dict(self._pending)
        if not pending:
            return
        with session_scope(self._factory) as session:
            rows = session.execute(
                select(PartTaskRow.id, PartTaskRow.status, PartTaskRow.attempt, PartTaskRow.error).where(
                    PartTaskRow.id.in_(list(pending))
                )
            ).all()
        seen = set()
        for part_id, status, attempt, error in rows:
            seen.add(part_id)
            entry = pending[part_id]
            if entry.future.cancelled():
                self._forget(part_id)
            elif status == "done":
                self._answered(part_id, entry)
            elif status == "failed" and attempt == entry.attempt:
                self._try_again(part_id, entry, f"try {attempt} failed: {error}")
            elif status == "running" and attempt == entry.attempt and not entry.taken:
                entry.taken, entry.deadline = True, max(entry.deadline, self._deadline(LEAST_PART_S))
            elif time.monotonic() > entry.deadline:
                silent_s = entry.time_limit_s + self._margin_s
                self._try_again(part_id, entry, f"try {entry.attempt} had no answer within {silent_s:.0f} s")
        for part_id in set(pending) - seen:  # removed by someone else: nothing will answer
            self._give_up(part_id, pending[part_id], "the part's task is gone")

    def _answered(self, part_id: str, entry: _Pending) -> None:
        with session_scope(self._factory) as session:
            result = session.execute(select(PartTaskRow.result).where(PartTaskRow.id == part_id)).scalar_one()
            session.execute(delete(PartTaskRow).where(PartTaskRow.id == part_id))
        self._drop(part_id)
        if result is None:
            _settle(entry.future, error=PartFailed("the part was answered without a solution"))
        else:
            _settle(entry.future, result=result)

    def _try_again(self, part_id: str, entry: _Pending, why: str) -> None:
        if entry.attempt >= self._tries:
            self._give_up(part_id, entry, why)
            return
        logger.warning("part %s: %s; trying it once more", part_id, why)
        attempt = entry.attempt + 1
        with session_scope(self._factory) as session:
            session.execute(
                update(PartTaskRow)
                .where(PartTaskRow.id == part_id, PartTaskRow.status != "done")
                .values(
                    attempt=attempt,
                    status="queued",
                    error=why[:2000],
                    worker=None,
                    started_at=None,
                    finished_at=None,
                    deferred_at=func.now(),
                )
            )
        entry.attempt, entry.deadline, entry.taken = attempt, self._deadline(entry.time_limit_s), False
        self.retried += 1
        try:
            self._queue.enqueue_part(part_id, attempt)
        except Exception as error:
            self._give_up(part_id, entry, f"could not be queued again: {error}")

    def _give_up(self, part_id: str, entry: _Pending, why: str) -> None:
        logger.warning("part %s: %s; it keeps its constructed plan", part_id, why)
        self._forget(part_id)
        _settle(entry.future, error=PartFailed(why))

    def _forget(self, part_id: str) -> None:
        with session_scope(self._factory) as session:
            session.execute(delete(PartTaskRow).where(PartTaskRow.id == part_id))
        self._drop(part_id)

    def _drop(self, part_id: str) -> None:
        with self._lock:
            self._pending.pop(part_id, None)


def _settle(
    future: Future[dict[str, Any]], *, result: dict[str, Any] | None = None, error: Exception | None = None
) -> None:
    try:
        if error is not None:
            future.set_exception(error)
        elif result is not None:
            future.set_result(result)
    except InvalidStateError:  # cancelled by the solve meanwhile
        pass


def _gone(factory: sessionmaker[Session], part_task_id: str) -> Callable[[], bool]:
    """Whether the part's row is gone, asked of the database at most every ``GONE_CHECK_S``."""
    asked = [0.0, False]

    def gone() -> bool:
        now = time.monotonic()
        if asked[1] or now - float(asked[0]) < GONE_CHECK_S:
            return bool(asked[1])
        asked[0] = now
        try:
            with session_scope(factory) as session:
                found = session.execute(
                    select(PartTaskRow.id).where(PartTaskRow.id == part_task_id)
                ).scalar_one_or_none()
        except Exception:  # unreadable now: keep solving, the part's time limit bounds it
            return False
        asked[1] = found is None
        return bool(asked[1])

    return gone


def sweep_abandoned(session: Session) -> int:
    """Remove the rows of solves that died before cleaning up (``ABANDONED_AFTER``); how many went."""
    time_up = PartTaskRow.deferred_at + func.make_interval(0, 0, 0, 0, 0, 0, PartTaskRow.time_limit_s)
    abandoned = delete(PartTaskRow).where(time_up < func.now() - ABANDONED_AFTER).returning(PartTaskRow.id)
    return len(session.execute(abandoned).all())


def time_left(task: Mapping[str, Any], time_limit_s: float, waited_s: float) -> dict[str, Any]:
    """``task`` with its time limit cut by the ``waited_s`` seconds it spent in the queue (at least
    ``LEAST_PART_S``): the solve that queued it wants the answer when its own share of time is up."""
    left = max(LEAST_PART_S, time_limit_s - waited_s)
    return {**task, "params": {**task["params"], "time_limit_s": left}}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"[:200]


def run_part_task(
    factory: sessionmaker[Session], part_task_id: str, attempt: int, solve: PartSolver | None = None
) -> str | None:
    """What a worker does with one try of a part: claim it, solve it, store the solution or the error.

    The state it ends in (``done`` or ``failed``), or None when the try is not there to take (answered,
    given up, or tried again meanwhile). Never raises: a failure is stored for the solve to see. The
    optimizer's part solver (``solve`` unset) stops early, with its best plan so far, once the part's row
    is gone (its solve was stopped, gave the part up, or ended). A part that waited in the queue is solved
    for the time it has left (``time_left``)."""
    with session_scope(factory) as session:
        sweep_abandoned(session)
        claimed = session.execute(
            update(PartTaskRow)
            .where(
                PartTaskRow.id == part_task_id, PartTaskRow.attempt == attempt, PartTaskRow.status == "queued"
            )
            .values(status="running", started_at=func.now(), worker=worker_name())
            .returning(
                PartTaskRow.task,
                PartTaskRow.time_limit_s,
                func.extract("epoch", func.now() - PartTaskRow.deferred_at),
            )
        ).one_or_none()
    if claimed is None:
        return None
    task = time_left(claimed[0], claimed[1], float(claimed[2]))
    try:
        if solve is None:
            answer = solve_part_data(task, should_stop=_gone(factory, part_task_id))
        else:
            answer = solve(task)
    except Exception as error:
        logger.exception("part %s (try %d) failed", part_task_id, attempt)
        message = str(error) or type(error).__name__
        with session_scope(factory) as session:
            session.execute(
                update(PartTaskRow)
                .where(
                    PartTaskRow.id == part_task_id,
                    PartTaskRow.attempt == attempt,
                    PartTaskRow.status == "running",
                )
                .values(status="failed", error=message[:2000], finished_at=func.now())
            )
        return "failed"
    with session_scope(factory) as session:  # a late answer of an earlier try is welcome too
        session.execute(
            update(PartTaskRow)
            .where(PartTaskRow.id == part_task_id, PartTaskRow.status.in_(("queued", "running")))
            .values(status="done", result=answer, finished_at=func.now())
        )
    return "done"
