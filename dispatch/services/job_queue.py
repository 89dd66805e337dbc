"""Where planning jobs wait for a worker: procrastinate on PostgreSQL, a thread of this process on SQLite.

Both take a plan-job id and hand it to the same runner (``dispatch.services.plan_jobs.run_plan_job``);
the job's state lives in the ``plan_jobs`` table either way, so the API reads it the same on both.

- ``ProcrastinateQueue``: a procrastinate task on the same PostgreSQL. The API only defers; the solves run
  in ``dispatch worker`` processes, as many as wanted on as many machines, each taking one job at a time.
  Its tables live in the PostgreSQL schema ``procrastinate`` (installed by our migrations).
  The same workers may also take the parts of large days' solves (task ``dispatch.solve_part`` on the
  queue ``parts``; ``dispatch.services.part_queue``), each a sub-solve stored as plain data.
- ``InProcessQueue``: the embedded default. One worker thread in the API process, fed by a local queue;
  on start it also picks up jobs left queued by a previous run.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

PLAN_TASK = "dispatch.solve_plan_job"
PLAN_QUEUE = "plans"
PART_TASK = "dispatch.solve_part"
PART_QUEUE = "parts"
QUEUE_SCHEMA = "procrastinate"

Runner = Callable[[str, threading.Event], None]
"""Runs one plan job by id; the event is set when the worker is shutting down."""
PartRunner = Callable[[str, int], None]
"""Runs one try (the second number) of one part task by id."""


class PlanJobQueue(Protocol):
    """What the API needs of a queue: start with the app, take job ids, stop with the app."""

    def start(self) -> None: ...

    def enqueue(self, plan_job_id: str) -> None: ...

    def stop(self) -> None: ...


class InProcessQueue:
    """A single worker thread: solves run off the request path, one at a time, in this process."""

    def __init__(self, run: Runner, pending: Callable[[], list[str]] | None = None) -> None:
        self._run = run
        self._pending = pending
        self._ids: queue.Queue[str | None] = queue.Queue()
        self._shutdown = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._work, name="plan-worker", daemon=True)
        self._thread.start()
        for plan_job_id in self._pending() if self._pending else []:
            self.enqueue(plan_job_id)

    def enqueue(self, plan_job_id: str) -> None:
        self._ids.put(plan_job_id)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Ask a running solve to stop, then wait for the thread a while (a solve cannot be killed)."""
        self._shutdown.set()
        self._ids.put(None)
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _work(self) -> None:
        while True:
            plan_job_id = self._ids.get()
            if plan_job_id is None or self._shutdown.is_set():
                return
            try:
                self._run(plan_job_id, self._shutdown)
            except Exception:  # the runner records failures itself; never let the thread die
                logger.exception("plan job %s failed outside its runner", plan_job_id)


def procrastinate_conninfo(database_url: str) -> str:
    """libpq connection string of a SQLAlchemy PostgreSQL URL (procrastinate talks to psycopg directly)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"procrastinate needs PostgreSQL, not {url.get_backend_name()}")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class ProcrastinateQueue:
    """Plan jobs as procrastinate tasks: deferred by the API, run by ``dispatch worker`` processes."""

    def __init__(
        self, database_url: str, run: Runner | None = None, run_part: PartRunner | None = None
    ) -> None:
        import procrastinate

        self._conninfo = procrastinate_conninfo(database_url)
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(
                conninfo=self._conninfo,
                kwargs={"options": f"-c search_path={QUEUE_SCHEMA}"},
                min_size=1,
                max_size=4,
            )
        )
        self._shutdown = threading.Event()
        if run is not None:

            @self.app.task(name=PLAN_TASK, queue=PLAN_QUEUE)
            def solve_plan_job(plan_job_id: str) -> None:
                run(plan_job_id, self._shutdown)

        if run_part is not None:

            @self.app.task(name=PART_TASK, queue=PART_QUEUE)
            def solve_part(part_task_id: str, attempt: int) -> None:
                run_part(part_task_id, attempt)

        self._opened = False
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if not self._opened:
                self.app.open()
                self._opened = True

    def enqueue(self, plan_job_id: str) -> None:
        self.start()
        self.app.configure_task(PLAN_TASK, queue=PLAN_QUEUE).defer(plan_job_id=plan_job_id)

    def enqueue_part(self, part_task_id: str, attempt: int) -> None:
        """Hand a stored part task's try to the workers taking the ``parts`` queue."""
        self.start()
        self.app.configure_task(PART_TASK, queue=PART_QUEUE).defer(part_task_id=part_task_id, attempt=attempt)

    def stop(self) -> None:
        self._shutdown.set()
        with self._lock:
            if self._opened:
                self.app.close()
                self._opened = False

    def run_worker(
        self,
        *,
        stop: threading.Event | None = None,
        wait: bool = True,
        name: str | None = None,
        queues: Sequence[str] = (PLAN_QUEUE,),
    ) -> None:
        """Take tasks of ``queues`` (plan jobs by default) until stopped: by SIGINT/SIGTERM, or by ``stop``
        when run in a thread."""
        asyncio.run(self._serve(stop, wait, name, queues))

    async def _serve(
        self, stop: threading.Event | None, wait: bool, name: str | None, queues: Sequence[str]
    ) -> None:
        async with self.app.open_async():
            worker = asyncio.create_task(
                self.app.run_worker_async(
                    queues=list(queues),
                    wait=wait,
                    name=name or "plan-worker",
                    concurrency=1,
                    install_signal_handlers=stop is None,
                    fetch_job_polling_interval=1.0,
                    delete_jobs="successful",
                )
            )
            while stop is not None and not worker.done():
                if stop.is_set():
                    self._shutdown.set()
                    worker.cancel()
                    break
                await asyncio.sleep(0.1)
            try:
                await worker
            except asyncio.CancelledError:
                if stop is None or not stop.is_set():
                    raise
