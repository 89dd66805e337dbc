"""PostgreSQL advisory locks: a running plan job's lease, held by its worker on a connection of its own, and
the claim of one round of arrival promises.

PostgreSQL releases a session's advisory locks the moment the session ends, and the session ends when its
process dies (the kernel closes the socket, even on SIGKILL). So whether a running job's lease is still
held says at once whether its worker lives: no heartbeat timeout to wait for. The heartbeat stays for
workers that live but hang, and for SQLite, whose in-process worker dies with the server anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ColumnElement, Engine, case, false, func, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

LEASE_NAMESPACE = 0x706C616E
"""The first key of every plan-job lease (``pg_advisory_lock(int4, int4)``); the second is the job id's
``hashtext``, so leases never meet other advisory locks of the database."""
LEASE_WAIT = "5s"
"""How long a worker waits for its lease: only a checker's momentary look can be holding it."""


class LeaseUnavailable(Exception):
    """The lease of a job could not be taken; the job must not run unleased (it would look lost)."""


def uses_leases(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def job_lease(engine: Engine, job_id: str) -> Iterator[None]:
    """Hold the lease of ``job_id`` for the block (PostgreSQL; elsewhere nothing is held)."""
    if not uses_leases(engine):
        yield
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        try:
            connection.execute(text(f"SET lock_timeout = '{LEASE_WAIT}'"))
            connection.execute(
                text("SELECT pg_advisory_lock(:namespace, hashtext(:job_id))"),
                {"namespace": LEASE_NAMESPACE, "job_id": job_id},
            )
        except OperationalError as error:
            raise LeaseUnavailable(f"the lease of plan job {job_id} could not be taken: {error}") from error
        try:
            yield
        finally:
            connection.execute(
                text("SELECT pg_advisory_unlock(:namespace, hashtext(:job_id))"),
                {"namespace": LEASE_NAMESPACE, "job_id": job_id},
            )


def lease_is_free(job_id: ColumnElement[str], running: ColumnElement[bool]) -> ColumnElement[bool]:
    """SQL true for a running job whose lease nobody holds (its worker is gone); taken for the rest of
    the transaction, so the job's worker cannot be starting at that very moment. Only rows that are
    ``running`` are tried (a ``CASE`` fixes the order), so no other job's lease is ever touched."""
    tried = func.pg_try_advisory_xact_lock(LEASE_NAMESPACE, func.hashtext(job_id))
    return case((running, tried), else_=false())


PROMISE_ROUND_KEY = 0x70726F6D
"""The advisory lock one round of arrival promises holds (``pg_try_advisory_xact_lock(int4, int4)``)."""


def claim_round(session: Session) -> bool:
    """Whether this transaction may run the round of promises: on PostgreSQL, only one at a time among all
    the service's processes (the lock ends with the transaction); elsewhere always."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return True
    claimed = session.execute(
        text("SELECT pg_try_advisory_xact_lock(:namespace, :key)"),
        {"namespace": LEASE_NAMESPACE, "key": PROMISE_ROUND_KEY},
    ).scalar_one()
    return bool(claimed)
