"""Concurrent assigners racing for one job on real PostgreSQL: exactly one wins, no rule is ever broken.

    python bench/race_assign.py [--rounds 1000] [--assigners 8] [--database-url URL]

A fresh PostGIS database (its name must contain "bench") gets the small demo day (12 technicians, 39 jobs),
planned and published. Each round has two races, each started from one barrier by ``--assigners`` threads
with their own database sessions:

- ``assign``: every assigner edits the same published version (as ``If-Match`` does) to give one routed
  job to a technician (``dispatch.services.plan_edits.assign_job``, the service behind
  ``POST /plans/{day}/assignments``): half to the job's own technician, half to others of its region.
  Exactly one edit is published; the others are refused as stale (412) or by a rule (409).
- ``overlap``: every assigner publishes, for a day of its own, a plan putting the same technician at the
  same hour. Only the database's exclusion constraint stands between them: exactly one may commit.

After each round the published plans are checked with queries of their own (joins on ``plans``, not the
copies the constraints use): a job twice on a day's published plan, or two overlapping published visits
of one technician, is a violating row. Prints one line per race kind and the verdict.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import optimizer as opt  # noqa: E402
from data.demo import DemoConfig, generate_demo  # noqa: E402
from dispatch.domain.errors import Conflict, Stale  # noqa: E402
from dispatch.domain.plans import Plan, PlanCost, PlannedRoute, PlannedVisit, PlanStatus, VisitKind  # noqa: E402
from dispatch.persistence.dataset_store import save_dataset  # noqa: E402
from dispatch.persistence.db import (  # noqa: E402
    make_engine,
    make_session_factory,
    session_scope,
    upgrade_database,
)
from dispatch.persistence.integrity import violated_rule  # noqa: E402
from dispatch.persistence.repositories import PlanRepository  # noqa: E402
from dispatch.services.plan_edits import assign_job  # noqa: E402
from dispatch.services.planning import plan_and_publish  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dispatch_race_bench"
DAY = date(2026, 11, 26)
"""A Thursday: every demo technician works."""
BEFORE_WORK = datetime(2026, 11, 26, 10, tzinfo=UTC)
"""The instant every edit is made at: before anyone's shift, so no visit has started."""
OVERLAP_DAYS_FROM = date(2030, 1, 1)
"""The overlap race's plans are for days far from the demo day, one day per assigner."""

VIOLATING_JOBS = text(
    "SELECT count(*) FROM (SELECT p.day, v.job_id FROM plan_visits v JOIN plans p ON p.id = v.plan_id "
    "WHERE p.status = 'published' AND v.job_id IS NOT NULL GROUP BY p.day, v.job_id "
    "HAVING count(*) > 1) AS twice"
)
VIOLATING_OVERLAPS = text(
    "WITH published AS (SELECT v.plan_id, v.sequence, v.technician_id, v.starts_at, v.ends_at "
    "FROM plan_visits v JOIN plans p ON p.id = v.plan_id "
    "WHERE p.status = 'published' AND v.starts_at < v.ends_at) "
    "SELECT count(*) FROM published a JOIN published b ON b.technician_id = a.technician_id "
    "AND (b.plan_id, b.sequence) > (a.plan_id, a.sequence) "
    "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
)


@dataclass
class RaceTally:
    """Outcomes of one kind of race over all rounds."""

    rounds: int = 0
    winners: Counter[int] = field(default_factory=Counter)
    """Rounds by their number of winners."""
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self, kind: str) -> str:
        by_winners = ", ".join(f"{n} winner(s): {count}" for n, count in sorted(self.winners.items()))
        outcomes = ", ".join(f"{name} {count}" for name, count in sorted(self.outcomes.items()))
        return (
            f"{kind:8s} rounds {self.rounds}; {by_winners}; outcomes: {outcomes}; "
            f"unexpected errors {len(self.errors)}; {self.seconds / max(self.rounds, 1) * 1000:.0f} ms/round"
        )


@dataclass
class RaceResult:
    assign: RaceTally = field(default_factory=RaceTally)
    overlap: RaceTally = field(default_factory=RaceTally)
    violating_rows: int = 0

    @property
    def holds(self) -> bool:
        """Exactly one winner in every race, no unexpected error, no violating row."""
        return (
            set(self.assign.winners) == {1}
            and set(self.overlap.winners) == {1}
            and not self.assign.errors
            and not self.overlap.errors
            and self.violating_rows == 0
        )


def prepare(url: str, time_limit_s: float = 2.0) -> None:
    """Migrate, load the small demo day and publish a plan of it (the database must be empty)."""
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            save_dataset(session, generate_demo(DemoConfig(seed=7, day=DAY, scale=0.3)))
        with session_scope(make_session_factory(engine)) as session:
            plan_and_publish(
                session, DAY, params=opt.SolveParams(time_limit_s=time_limit_s, workers=1), now=BEFORE_WORK
            )
    finally:
        engine.dispose()


def _race(factory: sessionmaker[Session], attempts: Sequence[Callable[[Session], object]]) -> list[str]:
    """Run each attempt in a thread with its own committed unit of work, all released at once."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [""] * len(attempts)

    def run(index: int) -> None:
        barrier.wait()
        try:
            with session_scope(factory) as session:
                attempts[index](session)
            outcomes[index] = "won"
        except Stale:
            outcomes[index] = "stale"
        except Conflict:
            outcomes[index] = "refused"
        except IntegrityError as error:
            outcomes[index] = f"constraint:{violated_rule(error)}"
        except Exception as error:  # reported as an unexpected error, never hidden
            outcomes[index] = f"error:{type(error).__name__}: {error}"

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _tally(tally: RaceTally, outcomes: list[str], started: float) -> None:
    tally.rounds += 1
    tally.seconds += time.perf_counter() - started
    tally.winners[outcomes.count("won")] += 1
    for outcome in outcomes:
        if outcome.startswith("error:"):
            tally.errors.append(outcome)
            outcome = "error"
        tally.outcomes[outcome] += 1


def _assign_round(factory: sessionmaker[Session], round_no: int, assigners: int, tally: RaceTally) -> None:
    with session_scope(factory) as session:
        plan = PlanRepository(session).published(DAY)
        assert plan is not None, "the demo day has no published plan"
        region_of: dict[str, str] = {
            str(row[0]): str(row[1]) for row in session.execute(text("SELECT id, region FROM technicians"))
        }
    routed = [(job, route.technician_id) for route in plan.routes for job in route.job_ids]
    job_id, holder = routed[round_no % len(routed)]
    others = sorted(t for t, region in region_of.items() if region == region_of[holder] and t != holder)
    others = others or sorted(t for t in region_of if t != holder)
    # Half ask for the job's own technician (an edit that always passes the rules), half for others of
    # the region (which the rules may refuse): whatever the order, exactly one edit must win.
    targets = [holder if n % 2 == 0 else others[n // 2 % len(others)] for n in range(assigners)]

    def attempt(technician_id: str) -> Callable[[Session], object]:
        return lambda session: assign_job(
            session,
            DAY,
            job_id=job_id,
            technician_id=technician_id,
            pin=False,
            version=plan.id,
            params=opt.SolveParams(time_limit_s=1, workers=1),
            now=BEFORE_WORK,
        )

    started = time.perf_counter()
    _tally(tally, _race(factory, [attempt(t) for t in targets]), started)


def _one_visit_plan(plan_id: str, day: date, technician_id: str, job_id: str, at: datetime) -> Plan:
    """A published plan of ``day`` with one hour-long visit of ``technician_id`` at ``at``."""
    visit = PlannedVisit(
        sequence=0,
        kind=VisitKind.JOB,
        arrival=at,
        start=at,
        end=at + timedelta(hours=1),
        travel_s=0,
        distance_m=0,
        job_id=job_id,
    )
    route = PlannedRoute(
        technician_id=technician_id,
        start=at,
        end=visit.end,
        travel_s=0,
        distance_m=0,
        overtime_s=0,
        visits=(visit,),
    )
    return Plan(
        id=plan_id,
        day=day,
        region=None,
        created_at=at,
        status=PlanStatus.PUBLISHED,
        solver_status="race",
        solve_ms=0,
        cost=PlanCost(0, 0, 0, 0),
        routes=(route,),
        unplanned=(),
    )


def _overlap_round(factory: sessionmaker[Session], round_no: int, assigners: int, tally: RaceTally) -> None:
    """Each assigner publishes a plan of a day of its own putting one technician at the same hour."""
    with session_scope(factory) as session:
        technician_id, job_id = session.execute(
            text("SELECT technician_id, job_id FROM plan_visits WHERE job_id IS NOT NULL LIMIT 1")
        ).one()
    at = datetime.combine(OVERLAP_DAYS_FROM, datetime.min.time(), UTC) + timedelta(hours=12)
    days = [OVERLAP_DAYS_FROM + timedelta(days=n) for n in range(assigners)]

    def attempt(n: int) -> Callable[[Session], object]:
        plan = _one_visit_plan(f"race-{round_no}-{n}", days[n], technician_id, job_id, at)

        def publish(session: Session) -> None:
            assert PlanRepository(session).publish(plan, replaces=None)
            session.flush()

        return publish

    started = time.perf_counter()
    outcomes = _race(factory, [attempt(n) for n in range(assigners)])
    _tally(tally, outcomes, started)
    with session_scope(factory) as session:  # make room for the next round
        session.execute(text("DELETE FROM plans WHERE solver_status = 'race'"))


def violating_rows(engine: Engine) -> int:
    """Published rows breaking either rule, found without the constraints' own columns."""
    with engine.connect() as connection:
        return int(connection.scalar(VIOLATING_JOBS) or 0) + int(connection.scalar(VIOLATING_OVERLAPS) or 0)


def run_races(url: str, *, rounds: int, assigners: int, progress: bool = False) -> RaceResult:
    """``rounds`` of both races on the prepared database at ``url``."""
    engine = make_engine(url, pool_size=assigners + 2)
    factory = make_session_factory(engine)
    result = RaceResult()
    began = time.perf_counter()
    try:
        for round_no in range(rounds):
            _assign_round(factory, round_no, assigners, result.assign)
            _overlap_round(factory, round_no, assigners, result.overlap)
            result.violating_rows += violating_rows(engine)
            if progress and (round_no + 1) % 10 == 0:
                print(
                    f"  ... {round_no + 1} rounds, {time.perf_counter() - began:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        engine.dispose()
    return result


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--assigners", type=int, default=8)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from bench._load_day import recreate_database

    recreate_database(args.database_url)
    prepare(args.database_url)
    started = time.perf_counter()
    result = run_races(args.database_url, rounds=args.rounds, assigners=args.assigners, progress=True)
    print(f"race_assign: {args.rounds} rounds of {args.assigners} concurrent assigners on PostgreSQL")
    print(result.assign.line("assign"))
    print(result.overlap.line("overlap"))
    print(f"violating rows after every round: {result.violating_rows}")
    for error in result.assign.errors[:5] + result.overlap.errors[:5]:
        print(f"  unexpected: {error}")
    print(f"wall time {time.perf_counter() - started:.0f} s")
    print(
        "verdict: "
        + ("PASS" if result.holds else "FAIL")
        + " (exactly one winner in every race, no unexpected error, 0 violating rows)"
    )
    return 0 if result.holds else 1


if __name__ == "__main__":
    raise SystemExit(main())
