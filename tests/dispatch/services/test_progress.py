"""Progress reports in the service: a twin waiting on the job's lock gets the first answer, stored once."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from dispatch.domain.jobs import JobStatus
from dispatch.domain.progress import ReportKind
from dispatch.persistence.models import VisitReportRow
from dispatch.persistence.repositories import JobRepository
from dispatch.services.progress import KeyReused, ReportRequest, report_progress
from tests.api.field_day import seed_field_day

pytestmark = pytest.mark.postgis

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def postgis_server_url(postgis_server_url: URL) -> URL:
    return postgis_server_url.set(database="dispatch_field_progress")


@pytest.fixture(scope="module")
def seeded(engine: Engine, database_url: str) -> Engine:
    seed_field_day(database_url)
    return engine


def test_a_twin_blocked_on_the_job_lock_replays_the_first_answer(seeded: Engine) -> None:
    """The first request holds the job's row; its twin waits, then answers the same without a second row."""
    request = ReportRequest(idempotency_key=str(uuid.uuid4()), job_id="J-F2", kind=ReportKind.EN_ROUTE)
    first_session = Session(seeded)
    first = report_progress(first_session, technician_id="T-MKE", request=request, now=NOW)
    twin_answer: list[dict[str, Any]] = []
    twin_started = threading.Event()

    def twin() -> None:
        with Session(seeded) as session:
            twin_started.set()
            twin_answer.append(report_progress(session, technician_id="T-MKE", request=request, now=NOW))
            session.commit()

    thread = threading.Thread(target=twin)
    thread.start()
    twin_started.wait()
    thread.join(timeout=1.0)
    assert thread.is_alive(), "the twin must wait for the first report's lock on the job"
    first_session.commit()
    first_session.close()
    thread.join(timeout=10)
    assert twin_answer == [first]
    with Session(seeded) as session:
        table = VisitReportRow.__table__
        count = session.scalar(
            select(func.count()).select_from(table).where(table.c.idempotency_key == request.idempotency_key)
        )
        assert count == 1
        assert JobRepository(session).require("J-F2").status is JobStatus.EN_ROUTE


def test_a_key_racing_in_for_another_visit_is_refused_by_the_unique_key(seeded: Engine) -> None:
    """One key on two jobs at once: the second insert meets the unique key, is refused, changes nothing."""
    key = str(uuid.uuid4())
    first_session = Session(seeded)
    report_progress(
        first_session,
        technician_id="T-MKE",
        request=ReportRequest(idempotency_key=key, job_id="J-F3", kind=ReportKind.EN_ROUTE),
        now=NOW,
    )
    outcome: list[BaseException] = []

    def rival() -> None:
        with Session(seeded) as session:
            try:
                report_progress(
                    session,
                    technician_id="T-MKE",
                    request=ReportRequest(idempotency_key=key, job_id="J-F4", kind=ReportKind.EN_ROUTE),
                    now=NOW,
                )
                session.commit()
            except KeyReused as refused:
                outcome.append(refused)
                session.rollback()

    thread = threading.Thread(target=rival)
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive(), "the rival must wait on the unique key held by the first insert"
    first_session.commit()
    first_session.close()
    thread.join(timeout=10)
    assert len(outcome) == 1
    with Session(seeded) as session:
        assert JobRepository(session).require("J-F4").status is JobStatus.PLANNED
        assert JobRepository(session).require("J-F3").status is JobStatus.EN_ROUTE
