"""Engines and sessions: the embedded default needs no set-up, and units of work commit or roll back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from dispatch.config import Settings
from dispatch.persistence.db import make_engine, make_session_factory, session_scope, upgrade_database
from dispatch.persistence.repositories import SkillRepository
from tests.dispatch.persistence.sample_data import SKILLS


def test_embedded_default_is_created_from_nothing(tmp_path: Path) -> None:
    """With no database configured, upgrade creates the data folder and the SQLite file under it."""
    settings = Settings(database_url=None, data_dir=tmp_path / "fresh" / ".dispatch")
    url = settings.effective_database_url
    assert url.startswith("sqlite")
    upgrade_database(url)
    assert (tmp_path / "fresh" / ".dispatch" / "dispatch.sqlite3").is_file()


def test_sqlite_connections_enforce_foreign_keys_and_know_the_spatial_functions(tmp_path: Path) -> None:
    """Every SQLite connection has foreign keys on and answers ST_Distance in metres."""
    engine = make_engine(f"sqlite+pysqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as connection:
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
        distance = connection.scalar(
            text("SELECT ST_Distance(ST_GeogFromText('POINT(0 0)'), ST_GeogFromText('POINT(0 1)'))")
        )
    engine.dispose()
    assert distance == pytest.approx(110_574.4, abs=0.5)


def test_session_scope_commits_on_success_and_rolls_back_on_error(tmp_path: Path) -> None:
    """A block that raises keeps nothing; a block that ends normally keeps its work."""
    url = f"sqlite+pysqlite:///{tmp_path / 'scope.sqlite3'}"
    upgrade_database(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with pytest.raises(RuntimeError), session_scope(factory) as session:
        SkillRepository(session).add(SKILLS[0])
        raise RuntimeError("the caller changed its mind")
    with session_scope(factory) as session:
        assert SkillRepository(session).all() == []
        SkillRepository(session).add(SKILLS[1])
    with factory() as session:
        assert SkillRepository(session).all() == [SKILLS[1]]
    engine.dispose()
