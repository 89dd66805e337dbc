"""One settings object, read from environment variables (prefix ``DISPATCH_``).

Nothing connects at import time: callers ask ``get_settings()`` and build engines from it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``DISPATCH_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="DISPATCH_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/dbname. "
            "Unset means the embedded default: a SQLite file under data_dir."
        ),
    )
    data_dir: Path = Field(default=Path(".dispatch"), description="Where the embedded database lives.")
    environment: str = Field(default="development", description="development, test or production.")
    demo_seed: int = Field(default=7, description="Seed of the demo data generator.")
    plan_time_limit_s: float = Field(default=10.0, gt=0, description="Solver time limit of a day plan.")

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file when none is configured."""
        if self.database_url:
            return self.database_url
        return f"sqlite+pysqlite:///{(self.data_dir / 'dispatch.sqlite3').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
