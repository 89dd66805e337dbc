"""Which database errors mean "the database cannot be reached now" rather than "this request is wrong".

A restart, a dropped connection or a full pool is transient: the caller should answer 503 and let the
client come back. Every other operational error (a missing table, a bad statement) is a bug and stays one.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "57P", "53300")
"""PostgreSQL's connection exceptions, administrator or crash shutdown, and too many connections."""
_SQLITE_BUSY = ("database is locked", "database is busy")


def is_unavailable(error: SQLAlchemyError) -> bool:
    """Whether ``error`` says the database is unreachable, restarting, busy or out of connections."""
    if isinstance(error, PoolTimeout | InterfaceError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None:
        return str(sqlstate).startswith(_UNAVAILABLE_SQLSTATE_PREFIXES)
    if type(original).__module__.startswith("psycopg"):
        return True  # no SQLSTATE: the server never answered (refused, reset, shut down while connecting)
    return any(phrase in str(original) for phrase in _SQLITE_BUSY)
