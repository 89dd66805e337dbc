"""CSV transfer between a directory and the database: imports are all-or-nothing."""

from __future__ import annotations

from pathlib import Path

from dispatch.config import Settings
from dispatch.domain.errors import DomainError


def import_csv_directory(settings: Settings, directory: Path, *, replace: bool) -> dict[str, int]:
    """Validate every file first, then load them in one transaction; any error loads nothing.

    Raises ``CsvValidationError`` for bad files, and ``DomainError`` when a row clashes with stored data
    (an id already taken): in both cases the database is left as it was.
    """
    from sqlalchemy.exc import IntegrityError

    from dispatch.csv_io import import_directory, read_dataset
    from dispatch.persistence.dataset_store import clear_dataset
    from dispatch.persistence.db import make_engine, make_session_factory, session_scope, upgrade_database

    read_dataset(directory)  # fail on bad files before touching the database at all
    url = settings.effective_database_url
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            if replace:
                clear_dataset(session)
            return import_directory(session, directory)
    except IntegrityError as exc:
        raise DomainError(
            f"nothing imported: {directory} clashes with stored data ({exc.orig}); "
            "use --replace to replace the stored data"
        ) from exc
    finally:
        engine.dispose()


def export_csv_directory(settings: Settings, directory: Path) -> dict[str, int]:
    """Write every stored entity as CSV files into ``directory`` (created if missing)."""
    from dispatch.csv_io import export_dataset
    from dispatch.persistence.dataset_store import load_dataset
    from dispatch.persistence.db import make_engine, make_session_factory, session_scope

    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            dataset = load_dataset(session)
    finally:
        engine.dispose()
    return export_dataset(dataset, directory)
