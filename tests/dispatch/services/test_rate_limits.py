"""Rate limits counted in the database: sliding windows, per subject and scope, on both back ends."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from dispatch.config import Settings
from dispatch.persistence.db import make_session_factory, session_scope
from dispatch.persistence.models import RateHitRow
from dispatch.services.rate_limits import Limit, check_login, record_hit, record_login, take

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
THREE_PER_10_S = Limit("test", 3, timedelta(seconds=10))


def test_a_subject_gets_limit_hits_per_window_then_waits_for_the_oldest_to_leave(session: Session) -> None:
    """Three hits in ten seconds; the fourth waits until the first is ten seconds old, then goes."""
    for step in range(3):
        assert take(session, THREE_PER_10_S, "a", NOW + timedelta(seconds=step)) == 0
    assert take(session, THREE_PER_10_S, "a", NOW + timedelta(seconds=3)) == 7
    assert take(session, THREE_PER_10_S, "a", NOW + timedelta(seconds=10)) == 0


def test_the_window_slides_rather_than_resetting(session: Session) -> None:
    """Hits leave the count one by one as they age, not all at a boundary."""
    two = Limit("slide", 2, timedelta(seconds=10))
    assert take(session, two, "a", NOW) == 0
    assert take(session, two, "a", NOW + timedelta(seconds=5)) == 0
    assert take(session, two, "a", NOW + timedelta(seconds=11)) == 0
    assert take(session, two, "a", NOW + timedelta(seconds=11)) == 4


def test_subjects_and_scopes_are_counted_apart(session: Session) -> None:
    """One client's hits do not count against another, nor one limit's against another's."""
    one = Limit("one", 1, timedelta(minutes=1))
    other = Limit("other", 1, timedelta(minutes=1))
    assert take(session, one, "a", NOW) == 0
    assert take(session, one, "a", NOW) > 0
    assert take(session, one, "b", NOW) == 0
    assert take(session, other, "a", NOW) == 0


def test_refused_and_aged_hits_are_not_kept(session: Session) -> None:
    """A refused request is not stored, and hits past the window are deleted: the table stays small."""
    one = Limit("small", 1, timedelta(seconds=10))
    for second in range(5):
        take(session, one, "a", NOW + timedelta(seconds=second))
    assert (
        session.scalar(select(func.count()).select_from(RateHitRow).where(RateHitRow.scope == "small")) == 1
    )
    take(session, one, "b", NOW + timedelta(seconds=30))
    subjects = session.scalars(select(RateHitRow.subject).where(RateHitRow.scope == "small")).all()
    assert len(subjects) == 1 and "b" not in subjects, "stored hashed, and the old hit of 'a' is gone"


def test_login_failures_lock_an_account_until_the_window_passes_and_a_success_clears_them(
    engine: Engine,
) -> None:
    """Two failures lock the email (from any address) for the window; afterwards a good login clears it."""
    factory: sessionmaker[Session] = make_session_factory(engine)
    settings = Settings(
        environment="test",
        login_failures_per_account=2,
        login_failures_per_client=100,
        login_failure_window_s=60,
    )
    email = "locked@example.com"
    for second in range(2):
        assert check_login(factory, settings, email, "192.0.2.1", NOW).retry_after_s == 0
        record_login(factory, settings, email, "192.0.2.1", NOW + timedelta(seconds=second), succeeded=False)
    assert check_login(factory, settings, "LOCKED@example.com ", "192.0.2.99", NOW).retry_after_s == 60
    assert check_login(factory, settings, "other@example.com", "192.0.2.1", NOW).retry_after_s == 0
    later = NOW + timedelta(seconds=61)
    assert check_login(factory, settings, email, "192.0.2.1", later).retry_after_s == 0
    record_login(factory, settings, email, "192.0.2.1", later, succeeded=False)
    record_login(factory, settings, email, "192.0.2.1", later, succeeded=True)
    record_login(factory, settings, email, "192.0.2.1", later, succeeded=False)
    assert check_login(factory, settings, email, "192.0.2.1", later).retry_after_s == 0


def test_login_failures_from_one_address_lock_that_address_for_every_account(engine: Engine) -> None:
    """Guessing across many emails from one address is stopped by the per-client count."""
    factory: sessionmaker[Session] = make_session_factory(engine)
    settings = Settings(
        environment="test",
        login_failures_per_account=100,
        login_failures_per_client=3,
        login_failure_window_s=60,
    )
    for number in range(3):
        record_login(factory, settings, f"guess{number}@example.com", "198.51.100.4", NOW, succeeded=False)
    assert check_login(factory, settings, "fresh@example.com", "198.51.100.4", NOW).retry_after_s == 60
    assert check_login(factory, settings, "fresh@example.com", "198.51.100.5", NOW).retry_after_s == 0


def test_concurrent_hits_sweeping_the_same_old_rows_all_succeed(engine: Engine) -> None:
    """Eight workers counting at once, each sweeping the same expired hits: none fails, the old ones go."""
    factory: sessionmaker[Session] = make_session_factory(engine)
    limit = Limit("sweep", 1000, timedelta(minutes=1))
    with session_scope(factory) as session:
        for number in range(300):
            record_hit(session, limit, f"old{number}", NOW - timedelta(minutes=5))
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def count(worker: int) -> None:
        start.wait()
        try:
            with session_scope(factory) as session:
                record_hit(session, limit, f"new{worker}", NOW)
        except BaseException as error:  # a deadlock or lock timeout would land here
            failures.append(error)

    workers = [threading.Thread(target=count, args=(worker,)) for worker in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert failures == []
    with session_scope(factory) as session:
        left = session.scalars(select(RateHitRow.at).where(RateHitRow.scope == "sweep")).all()
    assert len(left) == 8 and all(at == NOW for at in left)
