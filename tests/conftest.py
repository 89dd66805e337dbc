"""Database fixtures for both back ends: the embedded SQLite default and PostgreSQL with PostGIS.

SQLite needs nothing. PostGIS uses ``DISPATCH_TEST_POSTGIS_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/dispatch_persist_test``): the fixture creates that
database fresh with the postgis extension and drops it afterwards. Unreachable PostGIS skips those
tests on a workstation and fails the run when ``CI=true``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from dispatch.persistence.db import make_engine, recreate_postgis_database, upgrade_database

POSTGIS_URL_VARIABLE = "DISPATCH_TEST_POSTGIS_URL"
DEFAULT_POSTGIS_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dispatch_persist_test"
DATABASE_PREFIX_VARIABLE = "DISPATCH_TEST_DATABASE_PREFIX"
"""Put before every test database's name, so people sharing one server keep their databases apart."""
SQLITE = pytest.param("sqlite", id="sqlite")
POSTGIS = pytest.param("postgis", marks=pytest.mark.postgis, id="postgis")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _maintenance_engine(url: URL) -> Engine:
    """An autocommit engine on the server's ``postgres`` database, to create and drop test databases."""
    return create_engine(
        url.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
        poolclass=NullPool,
    )


@pytest.fixture(scope="session")
def postgis_server_url() -> URL:
    """The PostGIS test URL, once the server is known to answer and to offer the postgis extension."""
    url = make_url(os.environ.get(POSTGIS_URL_VARIABLE, DEFAULT_POSTGIS_URL))
    engine = _maintenance_engine(url)
    problem = None
    try:
        with engine.connect() as connection:
            available = connection.scalar(
                text("SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")
            )
            if not available:
                problem = "the server has no postgis extension (install postgresql-15-postgis-3)"
    except OperationalError as error:
        problem = f"cannot connect: {str(error.orig).strip().splitlines()[0]}"
    finally:
        engine.dispose()
    if problem is not None:
        message = (
            f"PostGIS at {url.render_as_string(hide_password=True)}: {problem}. "
            f"Start PostgreSQL with PostGIS or set {POSTGIS_URL_VARIABLE} to a server URL "
            "whose database the tests may create and drop."
        )
        if _in_ci():
            pytest.fail(f"CI=true requires PostGIS. {message}", pytrace=False)
        pytest.skip(message)
    return url


def _database_prefix() -> str:
    """The chosen prefix, then the test worker's name when the tests run in parallel processes."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return os.environ.get(DATABASE_PREFIX_VARIABLE, "") + (f"{worker}_" if worker else "")


@contextmanager
def fresh_postgis_database(server_url: URL) -> Iterator[str]:
    """Create the test database anew with the postgis extension; drop it when done."""
    assert server_url.database, "the PostGIS test URL must name a database"
    name = _database_prefix() + server_url.database
    server_url = server_url.set(database=name)
    admin = _maintenance_engine(server_url)
    try:
        recreate_postgis_database(admin, server_url)
        yield server_url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each database test on both back ends; a test marked ``postgis`` runs on PostGIS only."""
    if "empty_database_url" not in metafunc.fixturenames:
        return
    postgis_only = metafunc.definition.get_closest_marker("postgis") is not None
    back_ends = [POSTGIS] if postgis_only else [SQLITE, POSTGIS]
    metafunc.parametrize("empty_database_url", back_ends, indirect=True, scope="module")


@pytest.fixture(scope="module")
def empty_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database with no tables, fresh for each test module: a SQLite file, or a new PostGIS database."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])
        yield f"sqlite+pysqlite:///{folder / 'dispatch.sqlite3'}"
        return
    with fresh_postgis_database(request.getfixturevalue("postgis_server_url")) as url:
        yield url


@pytest.fixture(scope="module")
def database_url(empty_database_url: str) -> str:
    """A database migrated to the latest schema, on each back end in turn."""
    upgrade_database(empty_database_url)
    return empty_database_url


@pytest.fixture(scope="module")
def engine(database_url: str) -> Iterator[Engine]:
    """The application's engine on the migrated test database."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test; its own rollbacks go to a savepoint."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()
