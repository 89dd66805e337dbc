"""Alembic migrations are the only way the schema is made: they must match the models exactly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from dispatch.persistence.db import downgrade_database, make_engine, owned_by_application, upgrade_database
from dispatch.persistence.models import Base

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def _drift(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": owned_by_application}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {name for name in inspect(engine).get_table_names() if owned_by_application(name, "table", {})}
    finally:
        engine.dispose()


def test_upgrade_head_matches_the_models_and_downgrade_base_empties(empty_database_url: str) -> None:
    """upgrade head on an empty database leaves no drift from the models; downgrade base removes it all."""
    assert _tables(empty_database_url) == set()

    upgrade_database(empty_database_url)
    assert _drift(empty_database_url) == []
    assert _tables(empty_database_url) == set(Base.metadata.tables) | {"alembic_version"}

    downgrade_database(empty_database_url)
    assert _tables(empty_database_url) == {"alembic_version"}

    upgrade_database(empty_database_url)
    assert _drift(empty_database_url) == []


def test_alembic_command_line_reads_the_url_from_settings(tmp_path: Path) -> None:
    """`alembic -c alembic.ini upgrade head` run elsewhere migrates the DISPATCH_DATABASE_URL database."""
    database = tmp_path / "nested" / "cli.sqlite3"
    url = f"sqlite+pysqlite:///{database}"
    environment = {**os.environ, "DISPATCH_DATABASE_URL": url}
    environment.pop("PYTHONPATH", None)
    completed = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(PROJECT_ROOT / "alembic.ini"), "upgrade", "head"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert _drift(url) == []
