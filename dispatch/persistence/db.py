"""Engines, sessions and schema upgrades for PostGIS and for the embedded SQLite default.

Nothing here runs at import time: callers pass the URL, normally ``get_settings().effective_database_url``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from dispatch.persistence.sqlite_spatial import register_spatial_functions

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Tables that PostGIS installs with its extension; migrations neither create nor drop them.
POSTGIS_TABLES = frozenset({"spatial_ref_sys", "geography_columns", "geometry_columns"})


def make_engine(url: str, *, sqlite_begin: str = "BEGIN", **engine_options: Any) -> Engine:
    """An engine for ``url``; on SQLite with foreign keys on, real transactions and our spatial functions.

    The SQLite file's directory is created if missing, so a fresh checkout needs no set-up.
    ``sqlite_begin="BEGIN IMMEDIATE"`` makes every SQLite transaction wait for the write lock up front: for
    a process whose threads write concurrently (the API with its in-process plan worker), where a deferred
    transaction that reads, then writes, could fail on a lock instead of waiting.
    """
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **engine_options)
    ensure_sqlite_directory(url)
    engine = create_engine(url, **engine_options)
    _prepare_sqlite(engine, sqlite_begin)
    return engine


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of a SQLite file URL if it is missing; other URLs are left alone."""
    parsed = make_url(url)
    database = parsed.database
    in_memory = not database or database == ":memory:" or database.startswith("file:")
    if parsed.get_backend_name() == "sqlite" and database and not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _prepare_sqlite(engine: Engine, begin: str = "BEGIN") -> None:
    """Per-connection SQLite settings.

    The Python driver's own transaction handling skips ``BEGIN`` before some statements and breaks
    savepoints, so SQLAlchemy is given control of ``BEGIN`` (the recipe from SQLAlchemy's SQLite notes).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()
        register_spatial_functions(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(begin)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit when the block succeeds, roll back when it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def owned_by_application(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic ``include_name`` hook: compare only our own tables, never those PostGIS brings."""
    return not (type_ == "table" and name in POSTGIS_TABLES)


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at the packaged migrations, so it works from any directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Bring the schema at ``url`` up to ``revision`` (``alembic upgrade head``), creating SQLite's folder."""
    ensure_sqlite_directory(url)
    command.upgrade(alembic_config(url), revision)


def downgrade_database(url: str, revision: str = "base") -> None:
    """Take the schema at ``url`` down to ``revision`` (``alembic downgrade base`` empties it)."""
    command.downgrade(alembic_config(url), revision)


def recreate_postgis_database(admin: Engine, url: URL) -> None:
    """Drop the database ``url`` names (closing its connections) and create it empty with PostGIS, through
    ``admin`` (an autocommit engine on the server's ``postgres`` database): a clean database for a test
    session or a benchmark run."""
    name = url.database
    if not name:
        raise ValueError(f"{url.render_as_string()} names no database")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    made = create_engine(url, poolclass=NullPool)
    try:
        with made.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    finally:
        made.dispose()
