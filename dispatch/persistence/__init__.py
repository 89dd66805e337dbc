"""Storage on PostGIS or on the embedded SQLite default: engines, migrations, repositories, spatial queries.

Repositories live in ``dispatch.persistence.repositories``; row classes in ``dispatch.persistence.models``.
"""

from dispatch.persistence.dataset_store import load_dataset, save_dataset
from dispatch.persistence.db import make_engine, make_session_factory, session_scope, upgrade_database
from dispatch.persistence.spatial import nearest_technicians, sites_in_region

__all__ = [
    "load_dataset",
    "make_engine",
    "make_session_factory",
    "nearest_technicians",
    "save_dataset",
    "session_scope",
    "sites_in_region",
    "upgrade_database",
]
