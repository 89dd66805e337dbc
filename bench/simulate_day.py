"""Live days that go wrong, run three ways: the morning plan as is, greedy dispatch, and ours.

    python bench/simulate_day.py [--days 20] [--scale 1] [--seed 1] [--arrivals 14] [--p1-share 0.4]
                                 [--plan-seconds 10] [--search-seconds 3] [--first-day 2026-03-02] [--jobs 1]
                                 [--policies morning,greedy,ours] [--tickets tickets.csv]

Each simulated day is a demo day (40 technicians and about 150 onsite jobs at ``--scale 1``; ``--scale 10``
is the national size) stored in the embedded database and planned in the morning by the product. Its
copy is then lived once per policy by the discrete-event simulator (``bench/_sim_engine.py``) through the
product's services: technicians report as their visits really go (durations with a fat right tail,
drives with noise), P1 and P2 tickets arrive through the day (``--arrivals`` on average), customers
cancel or are absent, parts are found missing, and one technician goes off sick at midday
(``bench/_sim_world.py``). The policies (``bench/_sim_policies.py``) face the very same events. The
table (``bench/_sim_metrics.py`` says how each figure is counted) compares them over all days.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import repeat
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import optimizer as opt
from bench._sim_engine import MAX_OVERTIME, DayRecord, DaySimulation
from bench._sim_metrics import TICKET_COLUMNS, DayFacts, PolicyFigures, table, ticket_rows
from bench._sim_policies import POLICY_NAMES, policies
from bench._sim_world import World, make_world
from data.arrivals import make_arrivals
from data.demo import DemoConfig, generate_demo, generate_history
from dispatch.domain.dataset import Dataset
from dispatch.domain.errors import DomainError
from dispatch.domain.plan_jobs import check_time_limit
from dispatch.domain.plans import Plan
from dispatch.domain.timezones import zone
from dispatch.persistence.dataset_store import save_dataset, save_history
from dispatch.persistence.db import make_engine, make_session_factory, session_scope, upgrade_database
from dispatch.services.durations import DurationModel, learn_durations
from dispatch.services.planning import plan_and_publish
from dispatch.services.published_plan import published_plan

PLANNED_BEFORE_SHIFTS = timedelta(minutes=30)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--arrivals", type=float, default=14.0, help="mean P1/P2 tickets arriving per day (x scale)"
    )
    parser.add_argument("--p1-share", type=float, default=0.4)
    parser.add_argument("--plan-seconds", type=float, default=10.0, help="the morning plan's time limit")
    parser.add_argument(
        "--search-seconds", type=_search_seconds, default=3.0, help="each re-plan search's time limit"
    )
    parser.add_argument(
        "--policies",
        type=_policy_names,
        default=POLICY_NAMES,
        help=f"which policies live each day, comma-separated among {', '.join(POLICY_NAMES)}",
    )
    parser.add_argument("--jobs", type=int, default=1, help="days simulated side by side, one process each")
    parser.add_argument("--first-day", type=date.fromisoformat, default=date(2026, 3, 2))
    parser.add_argument(
        "--mornings",
        type=Path,
        help="keep each day's planned morning in this folder and start from it when it is there, so that "
        "runs compare the live day on the same mornings (empty it when the morning planning changes)",
    )
    parser.add_argument(
        "--tickets",
        type=Path,
        help="also write a CSV of each ticket with onsite work: when due, reached and resolved, per policy",
    )
    return parser.parse_args(argv)


def _search_seconds(text: str) -> float:
    """A search's time limit, as the product accepts it."""
    try:
        return check_time_limit(float(text))
    except (ValueError, DomainError) as wrong:
        raise argparse.ArgumentTypeError(str(wrong)) from None


def _policy_names(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = [n for n in names if n not in POLICY_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown policy {', '.join(unknown) or '(none given)'}: choose among {', '.join(POLICY_NAMES)}"
        )
    return names


def weekdays(first: date, count: int) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def morning(dataset: Dataset, day: date) -> datetime:
    """When the day is planned: half an hour before the first shift anywhere starts."""
    starts = [
        datetime.combine(day, shift.start, zone(t.timezone)).astimezone(UTC)
        for t in dataset.technicians
        if (shift := t.calendar.shift_on(day)) is not None
    ]
    return min(starts) - PLANNED_BEFORE_SHIFTS


def plan_morning(
    path: Path, empty: Path, config: DemoConfig, dataset: Dataset, planned_at: datetime, seconds: float
) -> tuple[Plan, DurationModel]:
    """Store the day and the months before it in a copy of the empty database, plan it in the morning, and
    learn from the history how long visits take."""
    shutil.copy(empty, path)
    url = f"sqlite+pysqlite:///{path}"
    engine = make_engine(url, sqlite_begin="BEGIN IMMEDIATE")
    try:
        factory = make_session_factory(engine)
        history = generate_history(config, dataset)
        with session_scope(factory) as session:
            save_dataset(session, dataset)
            save_history(session, history.tickets, history.jobs, history.reports)
        with session_scope(factory) as session:
            durations = learn_durations(session, planned_at)
            plan = plan_and_publish(
                session, config.day, params=opt.SolveParams(time_limit_s=seconds), now=planned_at
            ).plan
            return plan, durations
    finally:
        engine.dispose()


def kept_morning(
    path: Path,
    empty: Path,
    config: DemoConfig,
    dataset: Dataset,
    planned_at: datetime,
    args: argparse.Namespace,
) -> tuple[Plan, DurationModel]:
    """The planned morning at ``path``: copied from ``--mornings`` if kept there, else planned (and kept)."""
    if args.mornings is None:
        return plan_morning(path, empty, config, dataset, planned_at, args.plan_seconds)
    kept = (
        args.mornings / f"{config.day}-seed{config.seed}-scale{config.scale:g}-{args.plan_seconds:g}s.sqlite3"
    )
    if not kept.exists():
        planned = plan_morning(path, empty, config, dataset, planned_at, args.plan_seconds)
        args.mornings.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, kept)
        return planned
    shutil.copy(kept, path)
    engine = make_engine(f"sqlite+pysqlite:///{path}", sqlite_begin="BEGIN IMMEDIATE")
    try:
        with session_scope(make_session_factory(engine)) as session:
            return published_plan(session, config.day).plan, learn_durations(session, planned_at)
    finally:
        engine.dispose()


def live(
    path: Path, world: World, dataset: Dataset, args: argparse.Namespace
) -> list[tuple[str, DayRecord, float]]:
    """The day lived once per policy, each on its own copy of the morning's database."""
    results = []
    for policy in policies(args.policies):
        copy = path.with_name(f"{path.stem}-{policy.name.replace(' ', '-')}.sqlite3")
        shutil.copy(path, copy)
        engine = make_engine(f"sqlite+pysqlite:///{copy}", sqlite_begin="BEGIN IMMEDIATE")
        started = time.perf_counter()
        try:
            simulation = DaySimulation(
                world=world,
                policy=policy,
                factory=make_session_factory(engine),
                dataset=dataset,
                search_s=args.search_seconds,
            )
            record = simulation.run()
        finally:
            engine.dispose()
        results.append((policy.name, record, time.perf_counter() - started))
    return results


@dataclass(frozen=True, slots=True)
class SimulatedDay:
    """One day's facts and what each policy made of it."""

    facts: DayFacts
    lived: list[tuple[str, DayRecord, float]]
    summary: str


def simulate(day: date, seed: int, folder: Path, empty: Path, args: argparse.Namespace) -> SimulatedDay:
    """Generate, plan and live one day under every policy."""
    config = DemoConfig(seed=seed, day=day, scale=args.scale)
    dataset = generate_demo(config)
    arrivals = make_arrivals(
        config, dataset, mean=args.arrivals * args.scale, p1_share=args.p1_share, seed=seed
    )
    planned_at = morning(dataset, day)
    path = folder / f"day-{day}.sqlite3"
    started = time.perf_counter()
    plan, durations = kept_morning(path, empty, config, dataset, planned_at, args)
    planned = {
        v.job_id: (r.technician_id, v.start) for r in plan.routes for v in r.visits if v.job_id is not None
    }
    world = make_world(seed, day, dataset, arrivals, planned, durations)
    onsite = {j.ticket_id for j in dataset.jobs}
    tickets = [*(t for t in dataset.tickets if t.id in onsite), *(a.ticket for a in arrivals)]
    facts = DayFacts(
        tickets={t.id: t for t in tickets},
        morning_technician={job: technician for job, (technician, _) in planned.items()},
        reported_during_day=frozenset(a.ticket.id for a in arrivals),
        planned_at=planned_at,
        day_end=end_of_shifts(dataset, day) + MAX_OVERTIME,
    )
    summary = (
        f"{day}: {len(dataset.technicians)} technicians, {len(dataset.jobs)} jobs, {len(arrivals)} arriving; "
        f"morning plan {len(planned)} visits in {time.perf_counter() - started:.1f} s"
    )
    return SimulatedDay(facts, live(path, world, dataset, args), summary)


def end_of_shifts(dataset: Dataset, day: date) -> datetime:
    return max(
        datetime.combine(day, shift.end, zone(t.timezone)).astimezone(UTC)
        for t in dataset.technicians
        if (shift := t.calendar.shift_on(day)) is not None
    )


def run(args: argparse.Namespace, *, echo: bool = True) -> dict[str, PolicyFigures]:
    """Every day simulated (``--jobs`` at a time, each in its own process), the figures summed per policy."""
    figures: dict[str, PolicyFigures] = {}
    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory(prefix="simulated-days-") as name:
        folder = Path(name)
        empty = folder / "empty.sqlite3"
        upgrade_database(f"sqlite+pysqlite:///{empty}")
        days = [(day, args.seed + index) for index, day in enumerate(weekdays(args.first_day, args.days))]
        for simulated in _each_day(days, folder, empty, args):
            if echo:
                print(simulated.summary, flush=True)
            for policy, record, wall_s in simulated.lived:
                figures.setdefault(policy, PolicyFigures()).add_day(record, simulated.facts, wall_s)
                rows += ticket_rows(policy, record, simulated.facts)
                if echo:
                    print(
                        f"    {policy}: {wall_s:.1f} s ({record.search_wall_s:.0f} s searching, "
                        f"{record.service_wall_s:.0f} s in other service calls), "
                        f"{len(record.visits)} visits, {record.searches} searches, "
                        f"{len(record.refusals)} refusals; promises broken: {record.broken_because}",
                        flush=True,
                    )
    if args.tickets is not None:
        with args.tickets.open("w", newline="") as out:
            csv.writer(out).writerows([TICKET_COLUMNS, *rows])
    return figures


def _each_day(
    days: list[tuple[date, int]], folder: Path, empty: Path, args: argparse.Namespace
) -> Iterator[SimulatedDay]:
    """The days simulated in order, in this process or ``--jobs`` worker processes side by side."""
    if args.jobs <= 1:
        for day, seed in days:
            yield simulate(day, seed, folder, empty, args)
        return
    with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(simulate, *zip(*days, strict=True), repeat(folder), repeat(empty), repeat(args))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    figures = run(args)
    print()
    print(table(figures, args.days))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
