"""Technicians' reports replayed, duplicated and reordered, delivered concurrently on real PostgreSQL.

A hypothesis state machine writes reports (each with a fresh idempotency key) and delivers batches of
them, drawn with repeats from everything written so far and shuffled, each in a thread with its own
session and transaction, all released at once. Whatever the network does:

- the stored reports are exactly the distinct keys that were ever accepted (none lost, none twice);
- a key accepted once answers the same (the same report) every time after;
- no visit's status ever moves backwards.

Each example starts from a copy of a template database holding the published field day.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from dispatch.domain.errors import Conflict
from dispatch.domain.jobs import JobStatus
from dispatch.domain.progress import NotCompletedReason, ReportKind
from dispatch.persistence.db import make_engine, make_session_factory, session_scope, upgrade_database
from dispatch.persistence.models import JobRow, VisitReportRow, table_of
from dispatch.persistence.repositories import PlanRepository
from dispatch.services.progress import ReportRequest, report_progress
from tests.api.field_day import DAY, seed_field_day
from tests.conftest import fresh_postgis_database

pytestmark = [pytest.mark.postgis, pytest.mark.slow]

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
RANK = {
    JobStatus.UNSCHEDULED: 0,
    JobStatus.PLANNED: 0,
    JobStatus.EN_ROUTE: 1,
    JobStatus.ON_SITE: 2,
    JobStatus.COMPLETED: 3,
    JobStatus.INCOMPLETE: 3,
    JobStatus.CANCELLED: 3,
}
"""How far along each status is: a visit's rank never goes down."""
_REPORTS = table_of(VisitReportRow)
_JOBS = table_of(JobRow)


@pytest.fixture(scope="module")
def template(postgis_server_url: URL) -> Iterator[tuple[URL, str, list[tuple[str, str]]]]:
    """The server, a template database holding the published field day, and its plan's visits."""
    with fresh_postgis_database(postgis_server_url.set(database="dispatch_report_replays_template")) as url:
        upgrade_database(url)
        seed_field_day(url)
        engine = make_engine(url)
        with session_scope(make_session_factory(engine)) as session:
            plan = PlanRepository(session).published(DAY)
        engine.dispose()
        assert plan is not None
        visits = [(route.technician_id, job) for route in plan.routes for job in route.job_ids]
        name = make_url(url).database
        assert name
        yield make_url(url), name, visits
        _drop(make_url(url), f"{name}_copy")


def _drop(server: URL, name: str) -> None:
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_replayed_duplicated_and_reordered_reports_are_stored_once_and_never_go_back(
    template: tuple[URL, str, list[tuple[str, str]]],
) -> None:
    """The state machine below, a few examples of a few batches each (each example copies the template)."""
    ReportReplays.server, ReportReplays.template_name, ReportReplays.visits = template
    run_state_machine_as_test(
        ReportReplays,
        settings=settings(
            max_examples=10,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    assert sum(accepted for accepted, _ in ReportReplays.reached) >= 10, ReportReplays.reached
    assert any(rank == RANK[JobStatus.COMPLETED] for _, rank in ReportReplays.reached), ReportReplays.reached


class ReportReplays(RuleBasedStateMachine):
    """Reports written and delivered in concurrent, duplicated, shuffled batches."""

    server: URL
    template_name: str
    visits: list[tuple[str, str]]
    reached: ClassVar[list[tuple[int, int]]] = []
    """Per example: the keys accepted and the furthest status rank reached (to show the run did work)."""
    written = Bundle("written")

    def __init__(self) -> None:
        super().__init__()
        name = f"{self.template_name}_copy"
        _drop(self.server, name)
        admin = create_engine(
            self.server.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}"'))
        admin.dispose()
        self.engine = make_engine(
            self.server.set(database=name).render_as_string(hide_password=False), pool_size=10
        )
        self.factory = make_session_factory(self.engine)
        self.accepted: dict[tuple[str, str], dict[str, Any]] = {}
        """The first answer of each key accepted so far, by (technician, key)."""
        self.ranks = self._ranks()

    def _ranks(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(_JOBS.c.id, _JOBS.c.status)).all()
        return {job_id: RANK[JobStatus(status)] for job_id, status in rows}

    @initialize()
    def start(self) -> None:
        assert self.ranks

    @rule(
        target=written,
        visit=st.integers(0, 63),
        ending=st.sampled_from([ReportKind.COMPLETED, ReportKind.NOT_COMPLETED]),
        reason=st.sampled_from(NotCompletedReason),
        late_by_min=st.one_of(st.none(), st.integers(1, 90)),
    )
    def write_visit(
        self, visit: int, ending: ReportKind, reason: NotCompletedReason, late_by_min: int | None
    ) -> MultipleResults[tuple[str, ReportRequest]]:
        """A visit's reports as a phone queues them: set off, (running late,) arrived, and its end."""
        technician_id, job_id = self.visits[visit % len(self.visits)]
        kinds = [ReportKind.EN_ROUTE, ReportKind.ARRIVED, ending]
        if late_by_min is not None:
            kinds.insert(1, ReportKind.RUNNING_LATE)
        return multiple(
            *(
                (
                    technician_id,
                    ReportRequest(
                        idempotency_key=str(uuid.uuid4()),
                        job_id=job_id,
                        kind=kind,
                        reason=reason if kind is ReportKind.NOT_COMPLETED else None,
                        late_by_min=late_by_min if kind is ReportKind.RUNNING_LATE else None,
                    ),
                )
                for kind in kinds
            )
        )

    @rule(data=st.data(), batch=st.lists(written, min_size=1, max_size=10))
    def deliver(self, data: st.DataObject, batch: list[tuple[str, ReportRequest]]) -> None:
        """Deliver the batch (repeats included) in a shuffled order, all at once."""
        shuffled = data.draw(st.permutations(batch))
        barrier = threading.Barrier(len(shuffled))
        outcomes: list[dict[str, Any] | str] = [""] * len(shuffled)

        def send(index: int) -> None:
            technician_id, request = shuffled[index]
            barrier.wait()
            try:
                with session_scope(self.factory) as session:
                    outcomes[index] = report_progress(
                        session, technician_id=technician_id, request=request, now=NOW
                    )
            except Conflict as refused:
                outcomes[index] = f"refused: {refused}"
            except Exception as error:  # a bug: reported by the assertion below
                outcomes[index] = f"error: {type(error).__name__}: {error}"

        threads = [threading.Thread(target=send, args=(n,)) for n in range(len(shuffled))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for (technician_id, request), outcome in zip(shuffled, outcomes, strict=True):
            assert not (isinstance(outcome, str) and outcome.startswith("error")), outcome
            if isinstance(outcome, dict):
                first = self.accepted.setdefault((technician_id, request.idempotency_key), outcome)
                assert outcome == first, "a key answered two different ways"

    @invariant()
    def stored_reports_are_the_distinct_accepted_keys(self) -> None:
        with self.engine.connect() as connection:
            stored = connection.execute(select(_REPORTS.c.technician_id, _REPORTS.c.idempotency_key)).all()
        assert len(stored) == len(set(stored)) == len(self.accepted)
        assert {tuple(row) for row in stored} == set(self.accepted)

    @invariant()
    def no_status_moves_backwards(self) -> None:
        now = self._ranks()
        for job_id, rank in self.ranks.items():
            assert now[job_id] >= rank, f"{job_id} moved back from rank {rank} to {now[job_id]}"
        self.ranks = now

    def teardown(self) -> None:
        ReportReplays.reached.append((len(self.accepted), max(self.ranks.values(), default=0)))
        self.engine.dispose()
