"""Scaling benchmark: nationwide days of thousands of jobs, planned with one worker or several.

    python bench/scale.py [--sizes 1000,2000,5000,10000] [--limits 60,120,300] [--workers 1,2]
                          [--technicians-per-job 0.1] [--seed 7]
                          [--queue-workers 2 [--queue-database-url postgresql+psycopg://...]]

For each size (jobs; technicians are a tenth of that unless told otherwise) the demo generator builds the
day (its time is printed: the generator must keep up with the planner), then for each time limit and each
worker count our optimizer plans it in a fresh process, so that each run's peak memory is its own. Printed
per run: time to the first feasible plan, the validated objective at the time limit, P1 jobs served of
those on the day, jobs left out, independent groups, wall time, and peak resident memory of the solving
process (``ru_maxrss``) and of its largest pool worker (``VmHWM`` sampled while it runs); memory does not
depend on the machine's load, unlike every time figure. The last table compares workers: the objective each
reached and how soon it reached what one worker ended with.

``--queue-workers N`` adds, per size and limit, one run through the job queue: the parts of the split day
go to the queue ``parts`` (``dispatch.services.part_queue``) and are solved by N ``dispatch worker
--parts-only`` subprocesses, started (and stopped) by the solving process, on a PostgreSQL database made
afresh with PostGIS and migrated (``--queue-database-url``; it is dropped afterwards). Its row's
``workers`` reads ``queue:N``; its worker memory is the largest worker process's.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import multiprocessing
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.field_service import DEFAULT_DAY, generated_day
from optimizer import Problem, SolveParams
from optimizer.validate import validate

ROOT = Path(__file__).resolve().parents[1]
QUEUE_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dispatch_bench_parts"

COLUMNS = (
    "jobs",
    "technicians",
    "workers",
    "time_limit_s",
    "first_plan_s",
    "wall_s",
    "objective",
    "p1_served",
    "unassigned",
    "groups",
    "peak_main_mb",
    "peak_worker_mb",
    "valid",
)


@dataclass(frozen=True)
class Measured:
    """What one solve in its own process reports."""

    first_plan_s: float | None
    wall_s: float
    objective: int
    p1_served: int
    p1_total: int
    unassigned: int
    groups: int
    peak_main_mb: float
    peak_worker_mb: float
    valid: bool
    history: tuple[tuple[float, int], ...]


class ChildPeaks:
    """The largest peak resident memory (``VmHWM``) of this process's children, sampled while they run.

    ``RUSAGE_CHILDREN`` will not do: a child started by fork and exec keeps, in its ``ru_maxrss``, the
    parent's size at the fork, so every pool worker of a large solver would look as large as the solver.
    """

    def __init__(self, every_s: float = 0.5) -> None:
        self.peak_kb = 0
        self._every_s = every_s
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> ChildPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        me = str(os.getpid())
        while not self._done.wait(self._every_s):
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    fields = dict(
                        line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
                    )
                except OSError:  # the process ended meanwhile
                    continue
                if fields.get("PPid", "").strip() == me and "VmHWM" in fields:
                    self.peak_kb = max(self.peak_kb, int(fields["VmHWM"].split()[0]))


def measure(problem: Problem, params: SolveParams, queue_url: str | None = None) -> Measured:
    """Solve and measure, inside the process that runs it (peak memory of it and its pool workers); with
    ``queue_url``, through the job queue there with ``params.workers`` worker processes."""
    from optimizer.solve import solve

    with ChildPeaks() as children:
        if queue_url is None:
            started = time.perf_counter()
            solution = solve(problem, params)
        else:
            from dispatch.services.part_queue import PartQueueExecutor

            with (
                queue_workers(queue_url, params.workers),
                PartQueueExecutor(queue_url, workers=params.workers) as executor,
            ):
                started = time.perf_counter()
                solution = solve(problem, params, part_executor=executor)
            print(
                f"# through the queue: {executor.submitted} parts submitted, {executor.retried} tried again",
                file=sys.stderr,
                flush=True,
            )
    wall_s = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes
    workers = children.peak_kb / 1024
    report = validate(problem, solution, params)
    p1 = {job.id for job in problem.jobs if job.priority == 1}
    return Measured(
        first_plan_s=solution.stats.time_to_first_solution_s,
        wall_s=wall_s,
        objective=report.objective.total,
        p1_served=sum(1 for job_id in solution.assigned_job_ids if job_id in p1),
        p1_total=len(p1),
        unassigned=len(solution.unassigned),
        groups=solution.stats.groups,
        peak_main_mb=own,
        peak_worker_mb=workers,
        valid=report.ok,
        history=solution.stats.objective_over_time,
    )


def measure_isolated(problem: Problem, params: SolveParams, queue_url: str | None = None) -> Measured:
    """``measure`` in a fresh spawned process."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(measure, problem, params, queue_url).result()


@contextlib.contextmanager
def queue_workers(database_url: str, n: int) -> Iterator[None]:
    """``n`` ``dispatch worker --parts-only`` processes of this source tree on ``database_url``, each ready
    (its queue worker started) before the solve begins; stopped by SIGTERM after it."""
    env = {**os.environ, "DISPATCH_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "dispatch.cli", "worker", "--parts-only"]
    workers = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(n)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            line = worker.stdout.readline()
            if "plan worker" not in line:
                raise RuntimeError(f"a queue worker did not start: {line.strip()}")
            threading.Thread(target=_relay, args=(worker.stdout,), daemon=True).start()
        time.sleep(2.0)  # the queue worker connects and listens after printing
        yield
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _relay(lines: Any) -> None:
    """A queue worker's output to this process's stderr (so its pipe never fills)."""
    for line in lines:
        print(f"# queue worker: {line.rstrip()}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def fresh_queue_database(url: str) -> Iterator[str]:
    """A new PostgreSQL database with PostGIS at ``url``, migrated; dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from dispatch.persistence.db import recreate_postgis_database, upgrade_database

    target = make_url(url)
    name = target.database
    if not name:
        raise SystemExit("--queue-database-url must name a database")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        recreate_postgis_database(admin, target)
        upgrade_database(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,2000,5000,10000", help="jobs per day, comma-separated")
    parser.add_argument("--limits", default="60,120,300", help="time limits in seconds, comma-separated")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, comma-separated")
    parser.add_argument("--technicians-per-job", type=float, default=0.1, help="workforce per job")
    parser.add_argument("--seed", type=int, default=7, help="seed of the demo generator and the search")
    parser.add_argument("--day", type=date.fromisoformat, default=DEFAULT_DAY, help="the day to plan")
    parser.add_argument(
        "--queue-workers",
        type=int,
        default=0,
        help="also run each size and limit through the job queue with this many worker processes (0: not)",
    )
    parser.add_argument(
        "--queue-database-url",
        default=QUEUE_DATABASE_URL,
        help="PostgreSQL (with PostGIS) database made afresh for the queue run, and dropped after",
    )
    return parser.parse_args(argv)


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out = csv.writer(sys.stdout, lineterminator="\n")
    rows: list[list[str]] = []
    histories: list[tuple[tuple[float, int], ...]] = []
    out.writerow(COLUMNS)
    with contextlib.ExitStack() as stack:
        queue_url = None
        if args.queue_workers > 0:
            queue_url = stack.enter_context(fresh_queue_database(args.queue_database_url))
        _run_sizes(args, out, rows, histories, queue_url)
    print()
    print(speedups(rows, histories))
    return 0


def _run_sizes(
    args: argparse.Namespace,
    out: Any,
    rows: list[list[str]],
    histories: list[tuple[tuple[float, int], ...]],
    queue_url: str | None,
) -> None:
    for jobs in _ints(args.sizes):
        technicians = max(1, round(jobs * args.technicians_per_job))
        began = time.perf_counter()
        problem = generated_day(jobs, technicians, args.seed, args.day)
        print(
            f"# {problem.name}: generated and mapped in {time.perf_counter() - began:.1f} s",
            file=sys.stderr,
            flush=True,
        )
        for limit in (float(x) for x in args.limits.split(",") if x):
            runs: list[tuple[int, str | None]] = [(workers, None) for workers in _ints(args.workers)]
            if queue_url is not None:
                runs.append((args.queue_workers, queue_url))
            for workers, url in runs:
                params = SolveParams(time_limit_s=limit, seed=args.seed, workers=workers)
                run = measure_isolated(problem, params, url)
                row = [
                    str(len(problem.jobs)),
                    str(len(problem.technicians)),
                    str(workers) if url is None else f"queue:{workers}",
                    f"{limit:g}",
                    "" if run.first_plan_s is None else f"{run.first_plan_s:.1f}",
                    f"{run.wall_s:.1f}",
                    str(run.objective),
                    f"{run.p1_served}/{run.p1_total}",
                    str(run.unassigned),
                    str(run.groups),
                    f"{run.peak_main_mb:.0f}",
                    f"{run.peak_worker_mb:.0f}",
                    str(run.valid).lower(),
                ]
                out.writerow(row)
                sys.stdout.flush()
                rows.append(row)
                histories.append(run.history)


def speedups(rows: list[list[str]], histories: list[tuple[tuple[float, int], ...]]) -> str:
    """Per size and limit, each worker count against one worker: the objective's gap, and how much sooner it
    reached the objective one worker ended with (one worker's time limit over the time it took; above 1 is
    faster)."""
    lines = ["jobs  limit_s  workers  objective_vs_1w_pct  reached_1w_final_at_s  speedup"]
    one_worker = {(r[0], r[3]): (r, h) for r, h in zip(rows, histories, strict=True) if r[2] == "1"}
    for row, history in zip(rows, histories, strict=True):
        base = one_worker.get((row[0], row[3]))
        if base is None or row[2] == "1":
            continue
        one, one_history = base
        gap = 100.0 * (int(row[6]) - int(one[6])) / max(1, int(one[6]))
        target = one_history[-1][1] if one_history else None
        reached = next((t for t, objective in history if target is not None and objective <= target), None)
        at = "never" if reached is None else f"{reached:.1f}"
        speedup = "" if reached is None or reached <= 0 else f"{float(one[5]) / reached:.2f}"
        lines.append(f"{row[0]:>5} {row[3]:>8} {row[2]:>8} {gap:>20.2f} {at:>22} {speedup:>8}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
