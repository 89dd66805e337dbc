"""Solomon and Gehring & Homberger VRPTW benchmark: our optimizer beside PyVRP and VROOM, in the same run.

    python bench/solomon.py --time-limit 30 [--instances C101,R101] [--solvers ours,pyvrp,vroom]
                            [--routes-out DIR] [--data DIR] [--jobs N] [--seed K]

Every solver gets the same integer data (distances and times times 1000, rounded so integer-feasible means
exactly feasible) and runs on one core. Every returned plan is scored the same way: exact Euclidean distance
in double precision, feasibility re-checked in doubles, gap to the best-known distance-only solution.
Prints CSV rows to stdout as results arrive, then a summary per solver and instance class.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project root importable (bench, optimizer)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import (
    Result,
    format_summary,
    summary_lines,
    write_csv_header,
    write_csv_row,
    write_routes,
)
from bench._score import score
from bench._vrplib import (
    DEFAULT_DATA_DIR,
    Instance,
    best_known_distance,
    best_known_tables,
    instance_names,
    read_instance,
)

SolverFunction = Callable[[Instance, float, int], list[list[int]]]
SOLVER_NAMES = ("ours", "pyvrp", "vroom")


def solver_function(name: str) -> SolverFunction:
    """The solver by name, imported only when asked for, so a missing peer only fails its own rows."""
    if name == "ours":
        from bench._ours import solve_ours

        return solve_ours
    if name == "pyvrp":
        from bench._peers import solve_pyvrp

        return solve_pyvrp
    if name == "vroom":
        from bench._peers import solve_vroom

        return solve_vroom
    raise ValueError(f"unknown solver {name!r}; choose from {', '.join(SOLVER_NAMES)}")


@dataclass(frozen=True)
class Task:
    """One solver on one instance."""

    solver: str
    instance_path: Path
    time_limit_s: float
    seed: int
    best_known: float | None


def run_task(task: Task) -> tuple[Result, list[list[int]]]:
    """Solve, time the whole call (model building included), and score the routes; errors become a row."""
    instance = read_instance(task.instance_path)
    started = time.perf_counter()
    try:
        routes = solver_function(task.solver)(instance, task.time_limit_s, task.seed)
        error = ""
    except Exception:
        routes, error = [], traceback.format_exc()
    wall_s = time.perf_counter() - started
    scored = score(instance, routes) if not error else None
    result = Result(
        solver=task.solver,
        instance=instance.name,
        group=instance.group,
        time_limit_s=task.time_limit_s,
        wall_s=wall_s,
        distance=scored.distance if scored else math.nan,
        vehicles=scored.vehicles if scored else 0,
        gap_pct=scored.gap_pct(task.best_known) if scored else None,
        feasible=scored.feasible if scored else False,
        error=error,
        problems="; ".join(scored.problems[:3]) if scored else "",
    )
    return result, routes


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--time-limit", type=float, required=True, help="seconds per instance and solver")
    parser.add_argument(
        "--instances", default="", help="comma-separated names (default: every .vrp in --data)"
    )
    parser.add_argument("--solvers", default=",".join(SOLVER_NAMES), help="comma-separated: ours,pyvrp,vroom")
    parser.add_argument("--routes-out", type=Path, default=None, help="write DIR/<solver>/<instance>.json")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="folder of .vrp/.sol files")
    parser.add_argument("--jobs", type=int, default=1, help="solves run at once, one core each")
    parser.add_argument("--seed", type=int, default=1, help="seed for the solvers that take one")
    args = parser.parse_args(argv)
    if args.time_limit <= 0:
        parser.error("--time-limit must be positive")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return args


def make_tasks(args: argparse.Namespace) -> tuple[list[Task], list[str]]:
    """The solver x instance grid, instance-major, with each instance's best-known distance."""
    data_dir: Path = args.data
    available = instance_names(data_dir)
    if not available:
        raise SystemExit(f"no .vrp instances in {data_dir}")
    by_upper = {name.upper(): name for name in available}
    wanted = [name.strip() for name in args.instances.split(",") if name.strip()] or available
    unknown = [name for name in wanted if name.upper() not in by_upper]
    if unknown:
        raise SystemExit(f"unknown instances {', '.join(unknown)} in {data_dir}")
    solvers = [name.strip() for name in args.solvers.split(",") if name.strip()]
    for name in solvers:
        if name not in SOLVER_NAMES:
            raise SystemExit(f"unknown solver {name!r}; choose from {', '.join(SOLVER_NAMES)}")
    table = best_known_tables(data_dir)
    tasks = []
    for name in (by_upper[w.upper()] for w in wanted):
        path = data_dir / f"{name}.vrp"
        bks = best_known_distance(read_instance(path), data_dir, table)
        if bks is None:
            print(f"warning: no best-known distance for {name}; its gap stays empty", file=sys.stderr)
        tasks += [Task(solver, path, args.time_limit, args.seed, bks) for solver in solvers]
    return tasks, solvers


def run_all(tasks: list[Task], jobs: int) -> list[tuple[Result, list[list[int]]]]:
    """Run the tasks `jobs` at a time (a fresh process each when parallel), reporting each as it ends."""
    if jobs == 1:
        return [_report_progress(run_task(task)) for task in tasks]
    context = multiprocessing.get_context("spawn")
    outcomes = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, max_tasks_per_child=1) as pool:
        futures: list[Future[tuple[Result, list[list[int]]]]] = [pool.submit(run_task, t) for t in tasks]
        for future in as_completed(futures):
            outcomes.append(_report_progress(future.result()))
    return outcomes


def _report_progress(outcome: tuple[Result, list[list[int]]]) -> tuple[Result, list[list[int]]]:
    result, _ = outcome
    write_csv_row(sys.stdout, result)
    if result.error or result.problems:
        detail = result.error.strip() or result.problems
        print(f"{result.solver} {result.instance}: {detail}", file=sys.stderr)
    return outcome


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tasks, solvers = make_tasks(args)
    write_csv_header(sys.stdout)
    outcomes = run_all(tasks, args.jobs)
    if args.routes_out is not None:
        for result, routes in outcomes:
            if not result.error:
                write_routes(args.routes_out, result.solver, result.instance, routes)
    print()
    print(format_summary(summary_lines((result for result, _ in outcomes), solvers)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
