"""The unit of work services share: one transaction, committed when it succeeds, rolled back when it fails.

Callers outside the services (the API) hold a ``Session`` only to hand it to services: they never query
it. What the storage refuses leaves here as a domain error in the user's words (a duplicate id is a
``Conflict``, a record naming one that does not exist an ``InvalidReference``), never as the database's;
a database that cannot be reached (a restart, a dropped connection, a full pool) is ``StorageUnavailable``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dispatch.domain.errors import (
    Conflict,
    DomainError,
    InvalidReference,
    StorageRuleBroken,
    StorageUnavailable,
    Unstorable,
)
from dispatch.persistence.availability import is_unavailable
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.integrity import ClashKind, explain_integrity_error

__all__ = ["Session", "SessionFactory", "Storage", "database_answers", "open_storage", "unit_of_work"]

logger = logging.getLogger(__name__)

DATABASE_RETRY_AFTER_S = 2
"""What a request that met an unreachable database is told to wait: a restart takes a few seconds."""

SessionFactory = sessionmaker[Session]
"""Opens the sessions of units of work (the app's, its plan worker's)."""

_REFUSALS: dict[ClashKind, type[DomainError]] = {
    ClashKind.DUPLICATE: Conflict,
    ClashKind.STILL_REFERENCED: Conflict,
    ClashKind.MISSING_REFERENCE: InvalidReference,
    ClashKind.BROKEN_RULE: StorageRuleBroken,
}


@dataclass(frozen=True, slots=True)
class Storage:
    """The database of one running service: its engine and the sessions opened on it."""

    engine: Engine
    sessions: SessionFactory

    def close(self) -> None:
        """Close every pooled connection (on shutdown)."""
        self.engine.dispose()


def open_storage(url: str, *, pool_timeout_s: float = 30.0) -> Storage:
    """Storage at ``url`` for a process whose threads write concurrently (the API and its plan worker):
    on SQLite each transaction waits for the write lock up front instead of failing on it later. A unit
    of work waits at most ``pool_timeout_s`` for a pooled connection before the storage counts as
    unavailable."""
    engine = make_engine(url, sqlite_begin="BEGIN IMMEDIATE", pool_timeout=pool_timeout_s)
    return Storage(engine, make_session_factory(engine))


@contextmanager
def unit_of_work(factory: SessionFactory) -> Iterator[Session]:
    """A session whose work is committed if the block succeeds and rolled back if it raises; a clash with
    the stored data (on a statement or on the commit) is raised as the domain error that explains it."""
    try:
        with session_scope(factory) as session:
            yield session
    except IntegrityError as clash:
        logger.info("storage refused a write: %s", clash.orig)
        explained = explain_integrity_error(clash, factory)
        raise _REFUSALS[explained.kind](explained.message) from clash
    except DataError as unfit:
        diagnostics = getattr(unfit.orig, "diag", None)
        reason = getattr(diagnostics, "message_primary", None) or "a value does not fit its storage"
        raise Unstorable(f"a value cannot be stored: {reason}") from unfit
    except SQLAlchemyError as failure:
        if not is_unavailable(failure):
            raise  # a bug, not an outage: it stays a 500
        raise StorageUnavailable(
            "the database is not reachable at the moment", DATABASE_RETRY_AFTER_S
        ) from failure


def database_answers(session: Session) -> bool:
    """Whether the database answers a trivial query through ``session``."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True
