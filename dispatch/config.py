"""One settings object, read from environment variables (prefix ``DISPATCH_``).

Nothing connects at import time: callers ask ``get_settings()`` and build engines from it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_JWT_SECRET = "development-only-secret-change-me-in-production"


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
    api_host: str = Field(default="127.0.0.1", description="Address ``dispatch serve`` listens on.")
    api_port: int = Field(default=8000, ge=1, le=65535, description="Port ``dispatch serve`` listens on.")
    jwt_secret: str = Field(
        default=DEVELOPMENT_JWT_SECRET,
        description="HS256 key signing access tokens and session cookies; must be set in production.",
    )
    jwt_expiry_minutes: int = Field(default=60, gt=0, description="Lifetime of an access token.")
    tracking_requests_per_minute: int = Field(
        default=30,
        ge=1,
        description=(
            "Tracking requests allowed per client address and minute: a customer's page polls twice a "
            "minute, so 30 leaves room and stops token guessing. Load benchmarks raise it."
        ),
    )
    session_cookie_secure: bool = Field(
        default=True, description="Send the session cookie over HTTPS only (browsers exempt localhost)."
    )

    @model_validator(mode="after")
    def _refuse_development_secret_in_production(self) -> Settings:
        """A deployment must not sign tokens with the key published in the source code."""
        if self.environment == "production" and self.jwt_secret == DEVELOPMENT_JWT_SECRET:
            raise ValueError("DISPATCH_JWT_SECRET must be set to a private value when environment=production")
        if self.environment == "production" and len(self.jwt_secret) < 32:
            raise ValueError("DISPATCH_JWT_SECRET must be at least 32 characters in production")
        return self

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
