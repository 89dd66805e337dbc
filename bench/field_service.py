"""Field-service benchmark: a generated nationwide day planned by our optimizer and by VROOM, same run.

    python bench/field_service.py --jobs 1000 --technicians 100 --time-limit 60 [--solvers ours,vroom]
                                  [--seed K] [--day 2026-03-10] [--region east] [--tight]

The demo generator builds the provider (sites, technicians with skills, van stock and lunch breaks, SLA
tiers); the day's first N onsite jobs become the Problem through the same mapper the product uses
(`dispatch.services.plan_problem.build_problem`). Both planners get that Problem; VROOM gets what it can
express of it (see bench/_vroom_field.py). Both plans are scored the same way: the validator's verdict
and objective (default weights), travel hours, SLA hit rate by priority, P1 jobs served.

``--tight`` narrows every job to a two-hour appointment window and makes parts scarce (each van keeps about
half of its SKUs, one unit of each), the kind of day where VROOM has been hardest to beat.

``--oversubscribed`` makes a tight, oversubscribed day instead: about twice the work the technicians can
do (service times scaled so), a fifth of the jobs P1 due 1.5-4 h after the day starts, one or two
appointment windows of 1-2 h per job, scarce van stock as ``--tight``, and no depot to restock from.
``--seeds 1,2,3,4,5`` plans one such day per seed and ends with a verdict per seed: whether we serve at
least as many P1 jobs as VROOM with a lower objective:

    python bench/field_service.py --jobs 250 --technicians 30 --region east --time-limit 30 \
        --oversubscribed --seeds 1,2,3,4,5
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import resource
import sys
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._field_score import FieldFigures, field_figures
from optimizer import Problem, SolveParams
from optimizer.solution import Solution
from optimizer.validate import ValidationReport, validate

SOLVER_NAMES = ("ours", "vroom")
DEFAULT_DAY = date(2026, 3, 10)
#: About 85% of the generator's tickets need a visit; ask for enough tickets to have N jobs.
ONSITE_SHARE = 0.8
#: A region holds roughly a third to an eighth of the nationwide provider; generate this much more.
REGION_INFLATION = 4

CSV_COLUMNS = (
    "solver",
    "instance",
    "time_limit_s",
    "wall_s",
    "first_plan_s",
    "peak_rss_mb",
    "objective",
    "travel_h",
    "vehicles",
    "unassigned",
    "p1_served",
    "p1_reachable",
    "sla_hit_p1_pct",
    "sla_hit_p2_pct",
    "sla_hit_p3_pct",
    "sla_hit_p4_pct",
    "gap_pct",
    "feasible",
)


def generated_day(jobs: int, technicians: int, seed: int, day: date, region: str | None = None) -> Problem:
    """The demo provider at this size, its first ``jobs`` onsite jobs on ``day``, as a Problem.

    With ``region``, a nationwide provider about four times larger is generated and only that region's
    technicians and jobs are kept (the first ``technicians`` and ``jobs`` of it): a regional dispatcher's day.
    """
    from data.demo import DemoConfig, generate_demo
    from dispatch.services.plan_problem import build_problem

    inflate = 1 if region is None else REGION_INFLATION
    config = DemoConfig(
        seed=seed,
        day=day,
        technicians=technicians * inflate,
        tickets=math.ceil(jobs * inflate / ONSITE_SHARE),
        sites=max(200, jobs * inflate),
        customers=max(50, jobs * inflate // 4),
        depots=max(3, technicians * inflate // 20),
    )
    dataset = generate_demo(config)
    in_region = {site.id for site in dataset.sites if region is None or site.region == region}
    dataset.technicians = [t for t in dataset.technicians if region is None or t.region == region]
    dataset.technicians = dataset.technicians[:technicians]
    chosen = [job.id for job in dataset.jobs if job.site_id in in_region][:jobs]
    kept = {t.id for t in dataset.technicians}
    # A pin to a technician this benchmark left out of the workforce is an artefact of the cut: drop it.
    dataset.jobs = [
        replace(job, pinned_technician_id=None) if job.pinned_technician_id not in kept else job
        for job in dataset.jobs
    ]
    if len(chosen) < jobs or len(dataset.technicians) < technicians:
        made = f"{len(chosen)} jobs and {len(dataset.technicians)} technicians"
        print(f"warning: the generator made only {made}", file=sys.stderr)
    planning = build_problem(dataset, day, region=region, job_ids=set(chosen))
    for skipped in planning.skipped:
        print(f"skipped {skipped.job_id}: {skipped.detail}", file=sys.stderr)
    problem = planning.problem
    where = "" if region is None else f"-{region}"
    name = f"demo{where}-{len(problem.jobs)}j-{len(problem.technicians)}t-seed{seed}"
    return replace(problem, name=name)


TIGHT_WINDOW_S = 2 * 3600
#: Share of a van's SKUs a tight day keeps (one unit each).
TIGHT_STOCK_KEPT = 0.5


def tightened(problem: Problem, seed: int) -> Problem:
    """The same day with two-hour appointment windows and scarce van stock (depots unchanged).

    Each job's window is a random two hours inside one of its windows (or inside the working day when it
    has none); each van keeps a random half of its SKUs, one unit of each.
    """
    import random

    from optimizer.problem import TimeWindow

    rng = random.Random(seed)
    day_start = min(t.shift.start_s for t in problem.technicians)
    day_end = max(t.shift.end_s for t in problem.technicians)
    jobs = []
    for job in problem.jobs:
        outer = rng.choice(job.windows) if job.windows else TimeWindow(day_start, day_end)
        latest = max(outer.start_s, outer.end_s - TIGHT_WINDOW_S)
        start = rng.randint(outer.start_s, latest)
        window = TimeWindow(start, min(outer.end_s, start + TIGHT_WINDOW_S))
        jobs.append(replace(job, windows=(window,)))
    technicians = [
        replace(
            t,
            van_stock={sku: 1 for sku, q in t.van_stock.items() if q > 0 and rng.random() < TIGHT_STOCK_KEPT},
        )
        for t in problem.technicians
    ]
    return replace(problem, name=f"{problem.name}-tight", jobs=tuple(jobs), technicians=tuple(technicians))


OVERSUBSCRIPTION = 2.0
"""Work (service plus a typical leg) over the technicians' working time on an oversubscribed day."""
P1_SHARE = 0.2
P1_DUE_AFTER_H = (1.5, 4.0)
WINDOW_H = (1.0, 2.0)


def oversubscribed(problem: Problem, seed: int) -> Problem:
    """The day made tight and oversubscribed (see the module's docstring), deterministically by ``seed``.

    A job's typical leg is the mean drive to its three nearest jobs; service times are scaled by one factor
    so that service plus legs come to ``OVERSUBSCRIPTION`` times the shifts less lunch.
    """
    import random

    import numpy as np

    from optimizer.problem import TimeWindow
    from optimizer.travel import problem_matrices

    rng = random.Random(f"oversubscribed:{seed}")
    day_start = min(t.shift.start_s for t in problem.technicians)
    day_end = max(t.shift.end_s for t in problem.technicians)
    matrices = problem_matrices(problem)
    rows = np.array(matrices.rows[-len(problem.jobs) :], dtype=np.int64)
    between = matrices.travel_time_s[np.ix_(rows, rows)].astype(np.float64)
    np.fill_diagonal(between, np.inf)
    legs = np.sort(between, axis=1)[:, :3].mean(axis=1) if len(rows) > 3 else np.zeros(len(rows))
    capacity = sum(
        t.shift.end_s - t.shift.start_s - (t.lunch.duration_s if t.lunch else 0) for t in problem.technicians
    )
    service = sum(job.service_s for job in problem.jobs)
    factor = max(0.25, (OVERSUBSCRIPTION * capacity - float(legs.sum())) / max(1, service))
    p1 = set(rng.sample(range(len(problem.jobs)), round(P1_SHARE * len(problem.jobs))))
    jobs = []
    for j, job in enumerate(problem.jobs):
        length = round(rng.uniform(*WINDOW_H) * 3600)
        sla_due_s: int | None
        if j in p1:
            due = day_start + round(rng.uniform(*P1_DUE_AFTER_H) * 3600)
            first = rng.randint(day_start, max(day_start, min(due, day_end) - length))
            priority, sla_due_s, can_wait = 1, due, False
        else:
            first = rng.randint(day_start, max(day_start, day_end - length))
            priority = job.priority if job.priority > 1 else rng.randint(2, 4)
            sla_due_s, can_wait = job.sla_due_s, job.can_wait
        windows = [TimeWindow(first, min(day_end, first + length))]
        second_length = round(rng.uniform(*WINDOW_H) * 3600)
        later = first + length + 3600
        if rng.random() < 0.5 and later + second_length <= day_end:
            start = rng.randint(later, day_end - second_length)
            windows.append(TimeWindow(start, start + second_length))
        jobs.append(
            replace(
                job,
                priority=priority,
                sla_due_s=sla_due_s,
                can_wait=can_wait,
                windows=tuple(windows),
                service_s=max(600, round(job.service_s * factor)),
            )
        )
    technicians = [
        replace(
            t, van_stock={sku: 1 for sku, q in sorted(t.van_stock.items()) if q > 0 and rng.random() < 0.5}
        )
        for t in problem.technicians
    ]
    return replace(
        problem,
        name=f"{problem.name}-oversubscribed",
        jobs=tuple(jobs),
        technicians=tuple(technicians),
        depots=(),
    )


@dataclass(frozen=True)
class Run:
    """One planner's plan for the day and how long it took."""

    solver: str
    solution: Solution
    wall_s: float
    first_plan_s: float | None
    peak_rss_mb: float = 0.0


def run_solver(name: str, problem: Problem, params: SolveParams) -> Run:
    """Plan with one planner, timing the whole call (model building included)."""
    started = time.perf_counter()
    if name == "ours":
        from optimizer.solve import solve

        solution = solve(problem, params)
        first = solution.stats.time_to_first_solution_s
    elif name == "vroom":
        from bench._vroom_field import solve_with_vroom

        vroom_run = solve_with_vroom(problem, params)
        solution, first = vroom_run.solution, None
    else:
        raise ValueError(f"unknown solver {name!r}; choose from {', '.join(SOLVER_NAMES)}")
    wall_s = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes
    return Run(name, solution, wall_s, first if first is not None else wall_s, peak_mb)


def run_isolated(name: str, problem: Problem, params: SolveParams) -> Run:
    """`run_solver` in a fresh process, so each planner's peak memory and caches are its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(run_solver, name, problem, params).result()


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def csv_row(
    run: Run,
    problem: Problem,
    figures: FieldFigures,
    report: ValidationReport,
    time_limit_s: float,
    best: int,
) -> list[str]:
    objective = report.objective.total
    gap = 100.0 * (objective - best) / best if best > 0 else None
    return [
        run.solver,
        problem.name,
        f"{time_limit_s:g}",
        f"{run.wall_s:.2f}",
        f"{run.first_plan_s:.2f}" if run.first_plan_s is not None else "",
        f"{run.peak_rss_mb:.0f}",
        str(objective),
        f"{figures.travel_s / 3600:.2f}",
        str(figures.technicians_used),
        str(figures.unassigned),
        f"{figures.p1_served}/{figures.p1_total}",
        str(figures.p1_reachable),
        *(_pct(figures.sla_hit_pct(p)) for p in (1, 2, 3, 4)),
        f"{gap:.2f}" if gap is not None else "",
        str(report.ok).lower(),
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, required=True, help="onsite jobs on the day")
    parser.add_argument("--technicians", type=int, required=True, help="technicians in the workforce")
    parser.add_argument("--time-limit", type=float, required=True, help="seconds for our optimizer")
    parser.add_argument("--solvers", default=",".join(SOLVER_NAMES), help="comma-separated: ours,vroom")
    parser.add_argument("--seed", type=int, default=7, help="seed of the demo generator")
    parser.add_argument("--day", type=date.fromisoformat, default=DEFAULT_DAY, help="the day to plan")
    parser.add_argument("--region", default=None, help="keep one region: east, central, mountain or pacific")
    parser.add_argument("--tight", action="store_true", help="two-hour windows and scarce van stock")
    parser.add_argument(
        "--oversubscribed",
        action="store_true",
        help="twice the work, a fifth P1 due soon, 1-2 h windows, scarce stock, no depot",
    )
    parser.add_argument("--seeds", default=None, help="comma-separated seeds: one day each, then a verdict")
    args = parser.parse_args(argv)
    for name in args.solvers.split(","):
        if name not in SOLVER_NAMES:
            parser.error(f"unknown solver {name!r}; choose from {', '.join(SOLVER_NAMES)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    import csv

    args = parse_args(argv)
    seeds = [int(x) for x in args.seeds.split(",")] if args.seeds else [args.seed]
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(CSV_COLUMNS)
    verdicts: list[str] = []
    for seed in seeds:
        rows = plan_day(args, seed)
        out.writerows(rows)
        print()
        print(side_by_side(CSV_COLUMNS[3:], rows))
        print()
        verdicts.append(verdict(seed, rows))
    if len(seeds) > 1 or args.oversubscribed:
        print("seed  ours_p1  vroom_p1  ours_objective  vroom_objective  gap_pct  verdict")
        print("\n".join(verdicts))
    return 0


def plan_day(args: argparse.Namespace, seed: int) -> list[list[str]]:
    """Plan one generated day with every solver asked for; its CSV rows."""
    problem = generated_day(args.jobs, args.technicians, seed, args.day, args.region)
    if args.tight:
        problem = tightened(problem, seed)
    if args.oversubscribed:
        problem = oversubscribed(problem, seed)
    params = SolveParams(time_limit_s=args.time_limit, seed=seed, workers=1)
    runs: list[Run] = []
    failed: list[str] = []
    for name in args.solvers.split(","):
        try:
            runs.append(run_isolated(name, problem, params))
        except Exception:
            print(f"{name} failed:\n{traceback.format_exc()}", file=sys.stderr)
            failed.append(name)
    figures = [field_figures(problem, run.solution) for run in runs]
    reports = [validate(problem, run.solution, params) for run in runs]
    for run, report in zip(runs, reports, strict=True):
        _explain(run.solver, report)
    best = min((report.objective.total for report in reports), default=0)
    rows = [
        csv_row(run, problem, fig, report, args.time_limit, best)
        for run, fig, report in zip(runs, figures, reports, strict=True)
    ]
    empty = [""] * (len(CSV_COLUMNS) - 4)
    rows += [[name, problem.name, f"{args.time_limit:g}", *empty, "false"] for name in failed]
    return rows


def verdict(seed: int, rows: list[list[str]]) -> str:
    """One line: P1 jobs served and objectives of ours and VROOM, and whether ours wins on both."""
    by_solver = {row[0]: row for row in rows}
    ours, vroom = by_solver.get("ours"), by_solver.get("vroom")
    if ours is None or vroom is None or not ours[6] or not vroom[6]:
        return f"{seed:>4}  (needs both ours and vroom with a plan)"
    column = CSV_COLUMNS.index
    p1_ours = int(ours[column("p1_served")].split("/")[0])
    p1_vroom = int(vroom[column("p1_served")].split("/")[0])
    obj_ours, obj_vroom = int(ours[column("objective")]), int(vroom[column("objective")])
    gap = 100.0 * (obj_ours - obj_vroom) / max(1, obj_vroom)
    valid = ours[column("feasible")] == "true"
    won = valid and p1_ours >= p1_vroom and obj_ours < obj_vroom
    return f"{seed:>4}  {p1_ours:>7}  {p1_vroom:>8}  {obj_ours:>14}  {obj_vroom:>15}  {gap:>7.2f}  " + (
        "ours better" if won else "not better"
    )


def _explain(solver: str, report: ValidationReport) -> None:
    """Tell on stderr what the validator refused."""
    for violation in report.violations[:10]:
        print(f"{solver}: {violation.rule}: {violation.detail}", file=sys.stderr)
    if len(report.violations) > 10:
        print(f"{solver}: ... {len(report.violations) - 10} more violations", file=sys.stderr)


def side_by_side(columns: Sequence[str], rows: list[list[str]]) -> str:
    """The figures as a table with one column per planner, for reading rather than parsing."""
    offset = len(CSV_COLUMNS) - len(columns)
    width = max(len(c) for c in columns)
    header = "figure".ljust(width) + "".join(f"  {row[0]:>12}" for row in rows)
    lines = [header, "-" * len(header)]
    for index, column in enumerate(columns):
        lines.append(column.ljust(width) + "".join(f"  {row[offset + index]:>12}" for row in rows))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
