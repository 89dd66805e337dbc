"""Planning jobs, technicians' locked days and pinned starts: rows in, domain objects out, never a commit.

Each state change of a job is one conditional UPDATE (``WHERE status = ...``), so a worker, a request to
stop and the recovery of a lost worker can race without a lock: whoever changes the row first wins and the
others see zero rows changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch.domain.errors import Conflict, RecordNotFound
from dispatch.domain.plan_jobs import DayLock, PlanJob, PlanJobStatus, scope_of
from dispatch.persistence.leases import lease_is_free
from dispatch.persistence.models import DayLockRow, JobPinRow, PlanJobRow, table_of

_JOBS = table_of(PlanJobRow)
_LOCKS = table_of(DayLockRow)
_PINS = table_of(JobPinRow)
_ACTIVE = (PlanJobStatus.QUEUED.value, PlanJobStatus.RUNNING.value)


class PlanJobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, job: PlanJob) -> None:
        """Store a new job; ``Conflict`` if one is already waiting or running for its day and scope."""
        try:
            with self.session.begin_nested():
                self.session.execute(insert(_JOBS).values(**_row(job)))
        except IntegrityError as error:
            where = f"region {job.region}" if job.region else "all regions"
            active = self.active(job.day, job.region)
            which = f" (plan job {active.id}, {active.status.value})" if active else ""
            raise Conflict(f"a solve for {job.day} ({where}) is already queued or running{which}") from error

    def get(self, job_id: str) -> PlanJob | None:
        row = self.session.execute(select(_JOBS).where(_JOBS.c.id == job_id)).mappings().first()
        return None if row is None else _job(row)

    def require(self, job_id: str) -> PlanJob:
        job = self.get(job_id)
        if job is None:
            raise RecordNotFound(f"no plan job {job_id}")
        return job

    def active(self, day: date, region: str | None) -> PlanJob | None:
        """The job waiting or running for ``day`` and ``region``, if any."""
        row = (
            self.session.execute(
                select(_JOBS).where(
                    _JOBS.c.day == day, _JOBS.c.scope == scope_of(region), _JOBS.c.status.in_(_ACTIVE)
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else _job(row)

    def queued_ids(self) -> list[str]:
        """Jobs waiting for a worker, oldest first."""
        found = self.session.execute(
            select(_JOBS.c.id)
            .where(_JOBS.c.status == PlanJobStatus.QUEUED.value)
            .order_by(_JOBS.c.requested_at)
        )
        return list(found.scalars())

    def claim(self, job_id: str, now: datetime) -> bool:
        """Queued -> running for the worker that asks first; False if it was stopped or taken."""
        return self._move(
            job_id,
            PlanJobStatus.QUEUED,
            status=PlanJobStatus.RUNNING.value,
            started_at=now,
            heartbeat_at=now,
        )

    def beat(
        self,
        job_id: str,
        now: datetime,
        *,
        progress: float,
        best_objective: int | None,
        solutions_found: int,
        assigned_count: int | None = None,
        unassigned_count: int | None = None,
        p1_assigned_count: int | None = None,
        groups_done: int | None = None,
        groups_total: int | None = None,
    ) -> bool:
        """Record a running job's progress; True if a dispatcher asked it to stop."""
        self.session.execute(
            update(_JOBS)
            .where(_JOBS.c.id == job_id, _JOBS.c.status == PlanJobStatus.RUNNING.value)
            .values(
                heartbeat_at=now,
                progress=min(1.0, max(0.0, progress)),
                best_objective=best_objective,
                solutions_found=solutions_found,
                assigned_count=assigned_count,
                unassigned_count=unassigned_count,
                p1_assigned_count=p1_assigned_count,
                groups_done=groups_done,
                groups_total=groups_total,
            )
        )
        asked = self.session.execute(select(_JOBS.c.cancel_requested).where(_JOBS.c.id == job_id)).scalar()
        return bool(asked)

    def finish(
        self,
        job_id: str,
        status: PlanJobStatus,
        now: datetime,
        *,
        plan_id: str | None = None,
        error: str | None = None,
        best_objective: int | None = None,
        assigned_count: int | None = None,
        unassigned_count: int | None = None,
    ) -> bool:
        """Running -> a final status; False if the job was no longer running (e.g. given up as lost)."""
        values: dict[str, Any] = {"status": status.value, "finished_at": now, "heartbeat_at": now}
        if plan_id is not None:
            values.update(
                plan_id=plan_id,
                progress=1.0,
                best_objective=best_objective,
                assigned_count=assigned_count,
                unassigned_count=unassigned_count,
            )
        if error is not None:
            values["error"] = error
        return self._move(job_id, PlanJobStatus.RUNNING, **values)

    def request_stop(self, job_id: str, now: datetime) -> PlanJob:
        """A queued job is cancelled at once; a running one is asked to stop and publish its best plan."""
        job = self.require(job_id)
        if job.status is PlanJobStatus.QUEUED and self._move(
            job_id, PlanJobStatus.QUEUED, status=PlanJobStatus.CANCELLED.value, finished_at=now
        ):
            return self.require(job_id)
        self.session.execute(
            update(_JOBS)
            .where(_JOBS.c.id == job_id, _JOBS.c.status == PlanJobStatus.RUNNING.value)
            .values(cancel_requested=True)
        )
        return self.require(job_id)

    def fail_stale(self, heartbeat_before: datetime, now: datetime) -> list[str]:
        """Running jobs whose worker has been silent since ``heartbeat_before`` are marked failed."""
        stale = list(
            self.session.execute(
                select(_JOBS.c.id).where(
                    _JOBS.c.status == PlanJobStatus.RUNNING.value, _JOBS.c.heartbeat_at < heartbeat_before
                )
            ).scalars()
        )
        for job_id in stale:
            self._move(
                job_id,
                PlanJobStatus.RUNNING,
                status=PlanJobStatus.FAILED.value,
                finished_at=now,
                error="the worker stopped reporting (crashed or was stopped); the published plan is kept",
            )
        return stale

    def fail_orphaned(self, now: datetime) -> list[str]:
        """Running jobs whose worker is gone (their lease is free) are marked failed at once (PostgreSQL;
        on SQLite, ``fail_stale`` alone finds them)."""
        bind = self.session.get_bind()
        if bind.dialect.name != "postgresql":
            return []
        running = _JOBS.c.status == PlanJobStatus.RUNNING.value
        orphaned = self.session.execute(
            update(_JOBS)
            .where(running, lease_is_free(_JOBS.c.id, running))
            .values(
                status=PlanJobStatus.FAILED.value,
                finished_at=now,
                error="the worker stopped (crashed or was killed) during the solve; the published plan stays",
            )
            .returning(_JOBS.c.id)
        )
        return list(orphaned.scalars())

    def _move(self, job_id: str, expected: PlanJobStatus, **values: Any) -> bool:
        changed = self.session.execute(
            update(_JOBS).where(_JOBS.c.id == job_id, _JOBS.c.status == expected.value).values(**values)
        )
        return bool(changed.rowcount)  # type: ignore[attr-defined]


class DayLockRepository:
    """Which technicians' days are kept as published when the rest is planned again."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self, lock: DayLock) -> None:
        if self.locked(lock.day) & {lock.technician_id}:
            return
        self.session.execute(
            insert(_LOCKS).values(
                technician_id=lock.technician_id,
                day=lock.day,
                locked_at=lock.locked_at,
                locked_by=lock.locked_by,
            )
        )

    def unlock(self, technician_id: str, day: date) -> None:
        self.session.execute(
            delete(_LOCKS).where(_LOCKS.c.technician_id == technician_id, _LOCKS.c.day == day)
        )

    def locked(self, day: date) -> set[str]:
        """Ids of the technicians whose ``day`` is locked."""
        return set(self.session.execute(select(_LOCKS.c.technician_id).where(_LOCKS.c.day == day)).scalars())


class PinnedStartRepository:
    """Start times a dispatcher pinned jobs at (the technician pinned is on the job itself)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def set(self, job_id: str, start: datetime | None) -> None:
        self.session.execute(delete(_PINS).where(_PINS.c.job_id == job_id))
        if start is not None:
            self.session.execute(insert(_PINS).values(job_id=job_id, starts_at=start))

    def all(self) -> dict[str, datetime]:
        rows = self.session.execute(select(_PINS.c.job_id, _PINS.c.starts_at))
        return {job_id: start for job_id, start in rows}


def _row(job: PlanJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "day": job.day,
        "region": job.region,
        "scope": scope_of(job.region, only_if_better=job.only_if_better),
        "time_limit_s": job.time_limit_s,
        "status": job.status.value,
        "requested_at": job.requested_at,
        "requested_by": job.requested_by,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "heartbeat_at": job.heartbeat_at,
        "progress": job.progress,
        "best_objective": job.best_objective,
        "solutions_found": job.solutions_found,
        "cancel_requested": job.cancel_requested,
        "error": job.error,
        "plan_id": job.plan_id,
        "assigned_count": job.assigned_count,
        "unassigned_count": job.unassigned_count,
        "only_if_better": job.only_if_better,
        "preview": job.preview,
        "p1_assigned_count": job.p1_assigned_count,
        "groups_done": job.groups_done,
        "groups_total": job.groups_total,
    }


def _job(row: RowMapping | Mapping[str, Any]) -> PlanJob:
    return PlanJob(
        id=row["id"],
        day=row["day"],
        region=row["region"],
        time_limit_s=row["time_limit_s"],
        status=PlanJobStatus(row["status"]),
        requested_at=row["requested_at"],
        requested_by=row["requested_by"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        heartbeat_at=row["heartbeat_at"],
        progress=row["progress"],
        best_objective=row["best_objective"],
        solutions_found=row["solutions_found"],
        cancel_requested=row["cancel_requested"],
        error=row["error"],
        plan_id=row["plan_id"],
        assigned_count=row["assigned_count"],
        unassigned_count=row["unassigned_count"],
        only_if_better=row["only_if_better"],
        preview=row["preview"],
        p1_assigned_count=row["p1_assigned_count"],
        groups_done=row["groups_done"],
        groups_total=row["groups_total"],
    )
