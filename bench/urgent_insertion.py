"""Emergencies on a live day: how fast an urgent P1 is placed and published, and what it disturbs.

    python bench/urgent_insertion.py [--technicians 100] [--jobs 1000] [--trials 20] [--seed 7]
                                     [--plan-time-limit 30] [--improve-s 30] [--database-url URL]

A nationwide demo day is stored (embedded SQLite in a temporary folder, or the PostgreSQL database at
``--database-url``, whose name must contain "bench": it is dropped and made anew), planned, and lived
until midday Eastern (17:00 UTC): every visit planned to end by then is reported done, and each
technician's next visit is reported en route. Then ``--trials`` P1 tickets arrive five minutes apart at
random customer sites, and each is placed through the product's own service (the one behind
``POST /plans/{day}/urgent-jobs``): the time from the call to the committed, published plan, and the
visits it moves. Beside it, in the same run, the peer a dispatcher would otherwise use: a full re-plan
of the rest of the day after the first emergency, with its time and the visits it moves. Last, the
background search runs once on the day with all emergencies in, and both plans are costed the same way
on the same facts.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import optimizer as opt
from data.demo import DemoConfig, generate_demo
from dispatch.domain.contracts import Priority
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import Job, JobStatus
from dispatch.domain.progress import ReportKind
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState
from dispatch.persistence.dataset_store import save_dataset
from dispatch.persistence.db import make_engine, make_session_factory, session_scope, upgrade_database
from dispatch.persistence.repositories import JobRepository, PlanRepository, TicketRepository
from dispatch.services.plan_day import costs_as_they_will_run, plan_day, publish_outcome
from dispatch.services.planning import plan_and_publish
from dispatch.services.progress import ReportRequest, report_progress
from dispatch.services.rest_of_day import load_live_day
from dispatch.services.urgent import place_urgent_job

DAY = date(2026, 12, 10)
"""A Thursday: the whole workforce is on shift."""
MIDDAY = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
"""Noon Eastern, eleven Central, ten Mountain, nine Pacific: half the morning done across the country."""
ONSITE_SHARE = 0.85


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--technicians", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--plan-time-limit", type=float, default=30.0, help="the morning plan's solve")
    parser.add_argument("--replan-time-limit", type=float, default=10.0, help="the peer's full re-plan")
    parser.add_argument("--improve-s", type=float, default=30.0, help="the background search")
    parser.add_argument("--database-url", default=None, help="PostgreSQL database to drop and fill")
    return parser.parse_args(argv)


def dataset(args: argparse.Namespace) -> Dataset:
    """The demo provider at the size asked, every technician and job kept."""
    made = generate_demo(
        DemoConfig(
            seed=args.seed,
            day=DAY,
            technicians=args.technicians,
            tickets=math.ceil(args.jobs / ONSITE_SHARE),
            sites=max(200, args.jobs),
            customers=max(50, args.jobs // 4),
            depots=max(3, args.technicians // 20),
        )
    )
    return made


def live_the_morning(factory: object, day: date) -> tuple[int, int]:
    """Report every visit planned to end by midday done, and each technician's next visit en route."""
    done = en_route = 0
    with session_scope(factory) as session:  # type: ignore[arg-type]
        plan = PlanRepository(session).published(day)
        assert plan is not None
        for route in plan.routes:
            visits = [v for v in sorted(route.visits, key=lambda v: v.sequence) if v.job_id is not None]
            for visit in visits:
                assert visit.job_id is not None
                if visit.end <= MIDDAY:
                    for kind, at in (
                        (ReportKind.EN_ROUTE, visit.arrival - timedelta(seconds=visit.travel_s)),
                        (ReportKind.ARRIVED, visit.arrival),
                        (ReportKind.COMPLETED, visit.end),
                    ):
                        _report(session, route.technician_id, visit.job_id, kind, at)
                    done += 1
                    continue
                _report(session, route.technician_id, visit.job_id, ReportKind.EN_ROUTE, MIDDAY)
                en_route += 1
                break
    return done, en_route


def _report(session: object, technician_id: str, job_id: str, kind: ReportKind, at: datetime) -> None:
    request = ReportRequest(f"bench-{job_id}-{kind.value}", job_id, kind)
    report_progress(session, technician_id=technician_id, request=request, now=at)  # type: ignore[arg-type]


def new_emergency(session: object, data: Dataset, number: int, at: datetime, rng: random.Random) -> str:
    """A P1 ticket opened ``at`` at a random customer site, needing what a random onsite job needs."""
    model = rng.choice([j for j in data.jobs if j.required_skills])
    ticket = next(t for t in data.tickets if t.id == model.ticket_id)
    ticket_id, job_id = f"TK-URGENT-{number:03d}", f"JOB-URGENT-{number:03d}"
    TicketRepository(session).add(  # type: ignore[arg-type]
        Ticket(
            id=ticket_id,
            site_id=ticket.site_id,
            contract_id=ticket.contract_id,
            channel=Channel.TELEPHONE,
            kind=TicketKind.SUPPORT,
            priority=Priority.P1,
            category=ticket.category,
            summary="Emergency: tills down across the shop",
            opened_at=at,
            state=TicketState.ONSITE_REQUIRED,
            response_due=at + timedelta(hours=2),
            resolution_due=at + timedelta(hours=4),
        )
    )
    JobRepository(session).add(  # type: ignore[arg-type]
        Job(
            id=job_id,
            ticket_id=ticket_id,
            site_id=ticket.site_id,
            duration=timedelta(hours=1),
            priority=Priority.P1,
            required_skills=model.required_skills,
            required_parts=model.required_parts,
            sla_due=at + timedelta(hours=2),
            status=JobStatus.UNSCHEDULED,
        )
    )
    return job_id


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    folder = tempfile.TemporaryDirectory(prefix="urgent-bench-")
    url = args.database_url or f"sqlite+pysqlite:///{folder.name}/bench.sqlite3"
    if args.database_url:
        from bench._load_day import recreate_database

        recreate_database(url)
    upgrade_database(url)
    engine = make_engine(url, sqlite_begin="BEGIN IMMEDIATE")
    factory = make_session_factory(engine)
    data = dataset(args)
    with session_scope(factory) as session:
        save_dataset(session, data)
    started = time.perf_counter()
    with session_scope(factory) as session:
        morning = plan_and_publish(
            session,
            DAY,
            params=opt.SolveParams(time_limit_s=args.plan_time_limit),
            now=datetime(2026, 12, 10, 6, tzinfo=UTC),
        ).plan
    print(
        f"day {DAY} ({url.split(':', 1)[0]}): {len(data.technicians)} technicians, {len(data.jobs)} jobs; "
        f"morning plan {len(morning.planned_job_ids)} visits on {len(morning.routes)} routes "
        f"in {time.perf_counter() - started:.1f} s"
    )
    done, en_route = live_the_morning(factory, DAY)
    print(f"by {MIDDAY:%H:%M} UTC: {done} visits done, {en_route} technicians en route to their next")

    rng = random.Random(args.seed)
    timings: list[float] = []
    moved: list[int] = []
    placed = bumped = 0
    for trial in range(args.trials):
        at = MIDDAY + timedelta(minutes=5 * (trial + 1))
        with session_scope(factory) as session:
            job_id = new_emergency(session, data, trial, at, rng)
        started = time.perf_counter()
        with session_scope(factory) as session:
            placement = place_urgent_job(session, DAY, job_id, now=at)
        timings.append(time.perf_counter() - started)
        placed += placement.technician_id is not None
        bumped += len(placement.bumped)
        changes = placement.plan.changes
        assert changes is not None
        moved.append(
            sum(1 for m in changes.reassigned if m.job_id != job_id and m.job_id not in placement.bumped)
        )
        if trial == 0:
            peer = full_replan(factory, at, args.replan_time_limit)
    print(
        f"urgent P1 placed and published ({args.trials} trials): median {statistics.median(timings):.3f} s, "
        f"worst {max(timings):.3f} s; placed {placed} of {args.trials}, bumping {bumped} lower-priority "
        f"jobs; other visits moved to another technician: median {statistics.median(moved):.0f}, "
        f"worst {max(moved)}"
    )
    print(
        f"peer, a full re-plan of the rest of the day after the first emergency "
        f"({args.replan_time_limit:.0f} s solve): {peer[0]:.1f} s, {peer[1]} visits moved from one "
        f"technician to another, {peer[3]} put on or taken off a route, {peer[2]} customer windows moved"
    )
    improve(factory, MIDDAY + timedelta(minutes=5 * args.trials + 1), args.improve_s)
    engine.dispose()
    folder.cleanup()
    return 0


def full_replan(factory: object, now: datetime, time_limit_s: float) -> tuple[float, int, int, int]:
    """What a re-plan of the whole rest of the day costs in time and disturbance (rolled back after)."""
    started = time.perf_counter()
    with session_scope(factory) as session:  # type: ignore[arg-type]
        outcome = plan_day(
            load_live_day(session, DAY, now), params=opt.SolveParams(time_limit_s=time_limit_s)
        )
        published = publish_outcome(session, outcome)
        changes = published.plan.changes
        session.rollback()
    elapsed = time.perf_counter() - started
    assert changes is not None
    between = [m for m in changes.reassigned if m.technician_before and m.technician_after]
    return elapsed, len(between), len(changes.windows_moved), len(changes.reassigned) - len(between)


def improve(factory: object, now: datetime, time_limit_s: float) -> None:
    """The background search on the day with every emergency placed, costed against the published plan."""
    with session_scope(factory) as session:  # type: ignore[arg-type]
        live = load_live_day(session, DAY, now)
        outcome = plan_day(live, params=opt.SolveParams(time_limit_s=time_limit_s))
        published = live.state.published
        assert published is not None
        before, after = costs_as_they_will_run(session, outcome, now)
        better = after < before
        named = {*published.planned_job_ids, *(u.job_id for u in published.unplanned)}
        urgent = [j for j in named if j.startswith("JOB-URGENT")]
        served = sum(1 for j in urgent if j in set(outcome.plan.planned_job_ids))
        inserted = sum(1 for j in urgent if j in set(published.planned_job_ids))
        print(
            f"background search ({time_limit_s:.0f} s): objective {before:,} with the insertions "
            f"-> {after:,} after the search "
            f"({'published' if better else 'kept the inserted plan'}); "
            f"urgent P1 on routes {inserted} -> {served} of {len(urgent)} (both costed as they will now run)"
        )
        session.rollback()


if __name__ == "__main__":
    raise SystemExit(main())
