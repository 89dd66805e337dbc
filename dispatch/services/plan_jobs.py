"""Planning as a job: request a solve, run it in a worker with heartbeats, stop it early, recover lost ones.

A request writes a queued ``plan_jobs`` row, committed before the id goes to the queue
(``enqueue_plan_job`` runs after the request's commit), so a worker never looks for a missing row.
The worker claims the row (queued -> running) and solves with the optimizer's progress and stop hooks,
while a heartbeat thread writes progress every ``HEARTBEAT_S`` seconds and reads back whether a dispatcher
asked to stop. The solver's plan is validated before it is published, in the same transaction that marks
the job finished; any error marks the job failed and publishes nothing, so the plan published before stays
in force, and so does a solve that finds no plan at all. On PostgreSQL the worker holds the job's lease
(``dispatch.persistence.leases``) while it runs: when the worker dies, PostgreSQL frees the lease at once
and the next request or read marks the job failed, so the day can be planned again without waiting.
A running job whose heartbeat is older than ``STALE_AFTER`` (its worker hangs, or SQLite) is marked
failed the same way.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

import optimizer as opt
from dispatch.config import get_settings
from dispatch.domain.errors import Conflict, DomainError
from dispatch.domain.plan_jobs import PlanJob, PlanJobStatus, check_time_limit
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.leases import LeaseUnavailable, job_lease
from dispatch.persistence.repositories import JobRepository, PlanRepository
from dispatch.persistence.repositories.plan_jobs import PlanJobRepository
from dispatch.services.job_queue import (
    PLAN_QUEUE,
    InProcessQueue,
    PlanJobQueue,
    ProcrastinateQueue,
    Runner,
)
from dispatch.services.part_queue import PartQueueExecutor, PartSolver, run_part_task
from dispatch.services.plan_day import (
    PlanOutcome,
    StalePlan,
    improves_on_published,
    plan_day,
    publish_outcome,
    rebase,
)
from dispatch.services.plan_proposals import propose_outcome
from dispatch.services.published_plan import PlanView
from dispatch.services.rest_of_day import load_live_day

logger = logging.getLogger(__name__)

HEARTBEAT_S = 0.5
STALE_AFTER = timedelta(seconds=30)
"""A running job silent this long has lost its worker (60 missed heartbeats)."""

Planner = Callable[..., PlanOutcome]
_NO_PLAN = frozenset({opt.SolveStatus.NO_SOLUTION.value, opt.SolveStatus.INVALID_PROBLEM.value})
"""Solver statuses that carry no plan worth publishing: every job unassigned by failure, not by choice."""


def _now() -> datetime:
    return datetime.now(UTC)


def request_plan(
    session: Session,
    *,
    day: date,
    region: str | None,
    time_limit_s: float,
    requested_by: str | None,
    now: datetime | None = None,
    only_if_better: bool = False,
    preview: bool = False,
) -> PlanJob:
    """A new queued job (caller commits); ``Conflict`` while another solve of the day and region is live.

    ``only_if_better``: publish the solve's plan only if it beats the plan published by then.
    ``preview``: propose the plan to the dispatcher (``plan_proposals``) instead of publishing it."""
    now = now or _now()
    repository = PlanJobRepository(session)
    _give_up_lost(repository, now)
    job = PlanJob(
        id=str(uuid.uuid4()),
        day=day,
        region=region,
        time_limit_s=check_time_limit(time_limit_s),
        status=PlanJobStatus.QUEUED,
        requested_at=now,
        requested_by=requested_by,
        only_if_better=only_if_better,
        preview=preview,
    )
    repository.add(job)
    return job


def improve_later(
    session: Session,
    day: date,
    time_limit_s: float,
    requested_by: str | None,
    now: datetime,
    *,
    region: str | None = None,
) -> PlanJob | None:
    """A queued search for a better plan of ``day`` (of ``region`` only, if given: what happened there
    changes nothing elsewhere), published only if better (caller commits and enqueues); ``None`` when
    such a search is already waiting or running, which will do as well."""
    try:
        with session.begin_nested():
            return request_plan(
                session,
                day=day,
                region=region,
                time_limit_s=time_limit_s,
                requested_by=requested_by,
                now=now,
                only_if_better=True,
            )
    except Conflict:
        return None


def enqueue_plan_job(factory: sessionmaker[Session], queue: PlanJobQueue, plan_job_id: str) -> None:
    """Hand a committed job to the queue; if the queue refuses it, the job is marked failed."""
    try:
        queue.enqueue(plan_job_id)
    except Exception as error:
        logger.exception("plan job %s could not be queued", plan_job_id)
        with session_scope(factory) as session:
            repository = PlanJobRepository(session)
            repository.claim(plan_job_id, _now())
            repository.finish(
                plan_job_id, PlanJobStatus.FAILED, _now(), error=f"could not be queued: {error}"
            )


def plan_job_status(session: Session, plan_job_id: str) -> PlanJob:
    """The job as stored now, after giving up any job whose worker went silent."""
    now = _now()
    repository = PlanJobRepository(session)
    _give_up_lost(repository, now)
    return repository.require(plan_job_id)


def _give_up_lost(repository: PlanJobRepository, now: datetime) -> None:
    """Mark failed the running jobs whose worker is gone (lease free) or silent (heartbeat stale)."""
    repository.fail_orphaned(now)
    repository.fail_stale(now - STALE_AFTER, now)


def plan_of_job(session: Session, job: PlanJob) -> PlanView | None:
    """The plan ``job`` has stored (its best so far, or the one it published) with the jobs the plan's
    routes visit; ``None`` while it has none."""
    plan = PlanRepository(session).get(job.plan_id) if job.plan_id else None
    if plan is None:
        return None
    visited = JobRepository(session).get_many(plan.planned_job_ids)
    return PlanView(plan, {visit.id: visit for visit in visited})


def stop_plan_job(session: Session, plan_job_id: str) -> PlanJob:
    """Cancel a queued job, or ask a running one to stop and publish its best plan so far."""
    return PlanJobRepository(session).request_stop(plan_job_id, _now())


@dataclass
class _Progress:
    """The latest report of the solve, handed from the solver's thread to the heartbeat's."""

    latest: opt.SolveProgress | None = None


def run_plan_job(
    factory: sessionmaker[Session],
    plan_job_id: str,
    shutdown: threading.Event | None = None,
    *,
    planner: Planner | None = None,
    heartbeat_s: float = HEARTBEAT_S,
    clock: Callable[[], datetime] = _now,
) -> PlanJobStatus | None:
    """Claim, solve, validate and publish one job; the final status, or None if it was not ours to run.

    ``clock`` tells the moment of the day the job plans from (the wall clock; a simulated day's own); the
    job's own book-keeping (claimed, heartbeats, finished) always runs on the wall clock, which tells
    whether its worker lives. The job's lease is taken before it is claimed and held until its end is
    stored, so a running job always has a live worker holding its lease."""
    engine = factory.kw["bind"]
    try:
        with job_lease(engine, plan_job_id):
            return _run_leased(factory, plan_job_id, shutdown, planner, heartbeat_s, clock)
    except LeaseUnavailable as error:
        logger.error("%s", error)
        with session_scope(factory) as session:
            repository = PlanJobRepository(session)
            if repository.claim(plan_job_id, _now()):
                repository.finish(plan_job_id, PlanJobStatus.FAILED, _now(), error=str(error))
        return PlanJobStatus.FAILED


def _run_leased(
    factory: sessionmaker[Session],
    plan_job_id: str,
    shutdown: threading.Event | None,
    planner: Planner | None,
    heartbeat_s: float,
    clock: Callable[[], datetime],
) -> PlanJobStatus | None:
    with session_scope(factory) as session:
        repository = PlanJobRepository(session)
        if not repository.claim(plan_job_id, _now()):
            return None
        job = repository.require(plan_job_id)
    stop = threading.Event()
    progress = _Progress()
    beating = threading.Event()
    heart = threading.Thread(
        target=_beat,
        args=(factory, plan_job_id, progress, stop, beating, heartbeat_s),
        name=f"plan-job-heartbeat-{plan_job_id[:8]}",
        daemon=True,
    )
    heart.start()
    try:
        with session_scope(factory) as session:
            live = load_live_day(session, job.day, clock())
        plan = planner or default_planner()
        settings = get_settings()
        with _part_executor(factory) as part_executor:
            extra: dict[str, PartQueueExecutor] = {}
            if part_executor is not None:
                extra["part_executor"] = part_executor
            outcome = plan(
                live,
                region=job.region,
                params=opt.SolveParams(time_limit_s=job.time_limit_s, workers=settings.plan_workers),
                freeze=timedelta(minutes=settings.freeze_minutes),
                on_progress=lambda report: setattr(progress, "latest", report),
                should_stop=lambda: stop.is_set() or (shutdown is not None and shutdown.is_set()),
                **extra,
            )
    except Exception as error:
        beating.set()
        heart.join()
        logger.exception("plan job %s failed", plan_job_id)
        _finish_failed(factory, plan_job_id, error)
        return PlanJobStatus.FAILED
    beating.set()
    heart.join()
    if outcome.plan.solver_status in _NO_PLAN:
        _finish_failed(
            factory,
            plan_job_id,
            DomainError(
                f"the solver found no plan ({outcome.plan.solver_status}); the published plan is kept"
            ),
        )
        return PlanJobStatus.FAILED
    cut_short = stop.is_set() or (shutdown is not None and shutdown.is_set())
    status = PlanJobStatus.CANCELLED if cut_short else PlanJobStatus.SUCCEEDED
    try:
        with session_scope(factory) as session:
            if job.preview:
                outcome = _proposed(session, outcome, clock)
            elif job.only_if_better and not improves_on_published(session, outcome, clock()):
                outcome = _kept(session, outcome)
            else:
                outcome = _publish_rebased(session, outcome, clock)
            repository = PlanJobRepository(session)
            finished = repository.finish(
                plan_job_id,
                status,
                _now(),
                plan_id=outcome.plan.id,
                best_objective=outcome.plan.cost.total,
                assigned_count=len(outcome.plan.planned_job_ids),
                unassigned_count=len(outcome.plan.unplanned),
            )
            if not finished:  # given up as lost meanwhile: someone else may be planning the day now
                raise _GivenUp(plan_job_id)  # rolls the publication back
    except _GivenUp:
        return PlanJobStatus.FAILED
    except Exception as error:
        logger.exception("plan job %s could not publish its plan", plan_job_id)
        _finish_failed(factory, plan_job_id, error)
        return PlanJobStatus.FAILED
    return status


@contextmanager
def _part_executor(factory: sessionmaker[Session]) -> Iterator[PartQueueExecutor | None]:
    """The job queue's part executor when ``Settings.part_queue`` is on and the database is PostgreSQL;
    otherwise None (parts go to the local process pool)."""
    settings = get_settings()
    engine = factory.kw["bind"]
    if not settings.part_queue or engine.url.get_backend_name() != "postgresql":
        yield None
        return
    url = engine.url.render_as_string(hide_password=False)
    with PartQueueExecutor(
        url, workers=settings.part_queue_workers, margin_s=settings.part_queue_margin_s
    ) as executor:
        yield executor


def _publish_rebased(
    session: Session, outcome: PlanOutcome, clock: Callable[[], datetime], tries: int = 3
) -> PlanOutcome:
    """Publish the solved plan re-timed on the day as it stands now (reports and edits made during the
    solve are kept); a plan published in the very same moment makes it try again."""
    for attempt in range(tries):
        rebased = rebase(session, outcome, clock())
        try:
            with session.begin_nested():
                return publish_outcome(session, rebased, "a plan job's solve")
        except StalePlan:
            if attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


def _proposed(session: Session, outcome: PlanOutcome, clock: Callable[[], datetime]) -> PlanOutcome:
    """Store the solved plan, timed on the day as it stands now, as a proposal for the dispatcher."""
    rebased = rebase(session, outcome, clock())
    return dataclasses.replace(rebased, plan=propose_outcome(session, rebased))


def _kept(session: Session, outcome: PlanOutcome) -> PlanOutcome:
    """The outcome naming the plan published now, which the solve did not beat."""
    current = PlanRepository(session).published(outcome.plan.day)
    return outcome if current is None else dataclasses.replace(outcome, plan=current)


class _GivenUp(Exception):
    """The job was marked failed while its solve ran; its plan must not be published."""


def default_planner() -> Planner:
    """The planner of a job: the day's pipeline, from where the day stands."""
    return plan_day


def _finish_failed(factory: sessionmaker[Session], plan_job_id: str, error: Exception) -> None:
    message = str(error) or type(error).__name__
    with session_scope(factory) as session:
        PlanJobRepository(session).finish(plan_job_id, PlanJobStatus.FAILED, _now(), error=message[:2000])


def _beat(
    factory: sessionmaker[Session],
    plan_job_id: str,
    progress: _Progress,
    stop: threading.Event,
    done: threading.Event,
    every_s: float,
) -> None:
    """Write progress and the time of life every ``every_s``; raise ``stop`` when a dispatcher asks."""
    while not done.wait(every_s):
        report = progress.latest
        try:
            with session_scope(factory) as session:
                asked = PlanJobRepository(session).beat(
                    plan_job_id,
                    _now(),
                    progress=report.time_fraction if report else 0.0,
                    best_objective=report.best_objective if report else None,
                    solutions_found=report.solutions_found if report else 0,
                    assigned_count=report.assigned_jobs if report else None,
                    unassigned_count=report.unassigned_jobs if report else None,
                    p1_assigned_count=report.p1_assigned if report else None,
                    groups_done=report.groups_done if report else None,
                    groups_total=report.groups_total if report else None,
                )
        except Exception:  # a missed beat is retried on the next; a long outage makes the job stale
            logger.warning("heartbeat of plan job %s failed", plan_job_id, exc_info=True)
            continue
        if asked:
            stop.set()


def plan_queue_for(
    database_url: str, factory: sessionmaker[Session], *, clock: Callable[[], datetime] = _now
) -> PlanJobQueue:
    """Procrastinate on PostgreSQL (solved by ``dispatch worker``); a worker thread here on SQLite, planning
    from the moment ``clock`` tells (the service's own clock)."""

    run = _runner(factory, clock)
    if make_url(database_url).get_backend_name() == "postgresql":
        return ProcrastinateQueue(database_url, run)

    def pending() -> list[str]:
        with session_scope(factory) as session:
            return PlanJobRepository(session).queued_ids()

    return InProcessQueue(run, pending)


def run_worker(
    database_url: str,
    *,
    stop: threading.Event | None = None,
    wait: bool = True,
    clock: Callable[[], datetime] = _now,
    queues: Sequence[str] = (PLAN_QUEUE,),
    solve_part: PartSolver | None = None,
) -> None:
    """What ``dispatch worker`` does: take plan jobs from procrastinate and solve them, one at a time;
    with ``queues`` naming ``parts`` too (or only), the parts of large days' solves
    (``dispatch.services.part_queue``; ``solve_part`` replaces the optimizer's part solver, for tests).

    Start as many as wanted, on as many machines as reach the database; stop one with Ctrl+C or SIGTERM
    (it finishes the solve in hand first), or by setting ``stop`` when run in a thread.
    """
    if make_url(database_url).get_backend_name() != "postgresql":
        raise DomainError(
            "dispatch worker needs PostgreSQL (set DISPATCH_DATABASE_URL); "
            "with the embedded SQLite database, dispatch serve solves plan jobs in-process"
        )
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    try:
        queue = ProcrastinateQueue(database_url, _runner(factory, clock), _part_runner(factory, solve_part))
        queue.run_worker(stop=stop, wait=wait, queues=queues)
    finally:
        engine.dispose()


def _part_runner(factory: sessionmaker[Session], solve: PartSolver | None) -> Callable[[str, int], None]:
    def run(part_task_id: str, attempt: int) -> None:
        run_part_task(factory, part_task_id, attempt, solve)

    return run


def _runner(factory: sessionmaker[Session], clock: Callable[[], datetime]) -> Runner:
    def run(plan_job_id: str, shutdown: threading.Event) -> None:
        run_plan_job(factory, plan_job_id, shutdown, clock=clock)

    return run
