"""One settings object, read from environment variables (prefix ``DISPATCH_``).

Nothing connects at import time: callers ask ``get_settings()`` and build engines from it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger("dispatch.config")

PUBLISHED_JWT_SECRET_SHA256 = frozenset({"264231a88ea2d2aca5429ff47f4f121427a90ce90940a97b11cc93625531897e"})
"""SHA-256 of signing keys once written in this project's source: anyone can sign tokens with them."""
JWT_SECRET_FILE = "jwt-secret"
"""Where a development server keeps the signing key it generated, inside ``data_dir`` (mode 0600)."""
MIN_PRODUCTION_SECRET_LENGTH = 32


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
    provider_timezone: str = Field(
        default="America/Chicago",
        description=(
            "The zone whose date is the provider's 'today' (the demo's default day): the middle of the "
            "mainland, so the day planned is the day every technician's sheet calls today."
        ),
    )
    plan_time_limit_s: float = Field(default=10.0, gt=0, description="Solver time limit of a day plan.")
    plan_workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "Processes a day plan solves its independent groups in (a local pool; 1 solves them one after "
            "the other in the planning process)."
        ),
    )
    part_queue: bool = Field(
        default=False,
        description=(
            "On PostgreSQL, a plan job hands the parts of a day split in parts to the job queue (queue "
            "'parts', taken by `dispatch worker --parts` processes on any machine) instead of a local "
            "process pool; a part that fails or goes silent is tried once more, then keeps its constructed "
            "plan."
        ),
    )
    part_queue_workers: int = Field(
        default=2,
        ge=1,
        le=256,
        description=(
            "With part_queue, how many parts of one solve are out on the queue at once: the worker "
            "processes taking the 'parts' queue (more parts than workers would wait and overrun the time)."
        ),
    )
    part_queue_margin_s: float = Field(
        default=30.0,
        gt=0,
        description=(
            "With part_queue, how long past its time limit (counted from being queued) a part may go "
            "unanswered before it is tried again: time for a worker to take it and compile it."
        ),
    )
    max_jobs_per_solve: int = Field(
        default=20_000,
        ge=1,
        description=(
            "Jobs one solve may take; a day with more is refused with a request to plan it region by "
            "region (the solver's memory and time grow faster than the day)."
        ),
    )
    freeze_minutes: int = Field(
        default=60,
        ge=0,
        le=24 * 60,
        description=(
            "A re-plan keeps each working technician's next visit and any visit planned to start within "
            "this many minutes where it is, unless only moving it serves a P1: an hour by default, so the "
            "arrival window a customer sees an hour ahead is not moved by a re-plan."
        ),
    )
    promise_minutes: int = Field(
        default=90,
        ge=0,
        le=24 * 60,
        description=(
            "How long before a visit is expected its customer is told the arrival window, which is then "
            "a promise: shown as it was told, the visit kept where it is by re-plans and not begun before "
            "it opens. An hour and a half by default, so the window a customer holds an hour ahead is one "
            "they were told."
        ),
    )
    promise_round_minutes: int = Field(
        default=5,
        ge=0,
        le=60,
        description=(
            "How often the service tells customers whose visit has come within ``promise_minutes`` their "
            "window, and tells a new one where a promise would be broken; 0 runs no rounds."
        ),
    )
    window_confidence: float = Field(
        default=0.8,
        ge=0.5,
        le=0.99,
        description=(
            "The probability with which a customer's arrival window holds the visit's start: windows are as "
            "wide as they must be for it, from the learned durations of every visit and drive before it."
        ),
    )
    sla_reserve: float = Field(
        default=0.5,
        ge=0.0,
        lt=1.0,
        description=(
            "The share of the time a ticket's response is given (from its opening, or the first shift if "
            "later) that plans keep in hand for the day running late: at 0.5 a technician is planned to "
            "arrive for a response due two hours after opening within the first hour, so overruns and "
            "traffic before them still leave them in time. The aim stays put as the day goes on. Lateness "
            "is still counted and shown against the response's own due time."
        ),
    )
    overtime_minutes: int = Field(
        default=60,
        ge=0,
        le=240,
        description=(
            "How long past the end of their shift a technician may be planned to stay to keep urgent work "
            "in the day: overtime costs more than leaving a P3 for another day, so plans use it for a P1 "
            "or P2 and hardly anything else. 0 plans no overtime."
        ),
    )
    api_host: str = Field(default="127.0.0.1", description="Address ``dispatch serve`` listens on.")
    api_port: int = Field(default=8000, ge=1, le=65535, description="Port ``dispatch serve`` listens on.")
    jwt_secret: str | None = Field(
        default=None,
        description=(
            "HS256 key signing access tokens and session cookies; required in production (32 characters "
            "or more). Unset elsewhere: generated once and kept in data_dir/jwt-secret (tests: in memory)."
        ),
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
    trusted_proxies: str = Field(
        default="",
        description=(
            "Comma-separated addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For header "
            "names the client. Empty: the header is ignored and the peer address is the client, so no one "
            "escapes a rate limit by writing the header."
        ),
    )
    login_failures_per_account: int = Field(
        default=10, ge=1, description="Failed logins an email may have in the window before logins wait."
    )
    login_failures_per_client: int = Field(
        default=30, ge=1, description="Failed logins a client address may have in the window before it waits."
    )
    login_failure_window_s: int = Field(
        default=900, gt=0, description="The sliding window of login throttling; a lock ends when it passes."
    )
    password_hash_concurrency: int = Field(
        default_factory=lambda: max(1, (os.cpu_count() or 2) - 1),
        ge=1,
        description=(
            "Login attempts (throttle check, Argon2 password check, count) run at once per process; "
            "the others wait without holding a worker thread or a database connection. Default: one less "
            "than the machine's cores (at least one), so a burst of logins always leaves a core to "
            "everything else."
        ),
    )
    password_hash_wait_s: float = Field(
        default=5.0, gt=0, description="How long a login waits for a password check slot before a 503."
    )
    max_request_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body accepted; larger ones answer 413."
    )
    max_concurrent_requests: int = Field(
        default=12,
        ge=1,
        description=(
            "Requests one server process handles at once; past it a request is answered 503 with "
            "Retry-After at once instead of waiting in a queue (/health is exempt). Keep it under the "
            "database pool of a process (5 connections and 10 more on demand), so an admitted request "
            "never waits for a connection and /health always finds one."
        ),
    )
    database_pool_timeout_s: float = Field(
        default=5.0,
        gt=0,
        description=(
            "How long a request waits for a database connection from the pool before a 503: a full pool "
            "means the database is slow or gone, and a quick answer beats a long wait."
        ),
    )
    technician_session_hours: float = Field(
        default=12.0,
        gt=0,
        le=24,
        description="Lifetime of a technician's login: a working day, so the phone does not log out on site.",
    )
    map_tile_url: str = Field(
        default="",
        max_length=300,
        pattern=r"^(|https://[^\s'\";]+\{z\}[^\s'\";]*)$",
        description=(
            "Map tiles of the dispatchers' board, as a template such as "
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png (a public tile server in production). "
            "Empty: no tiles; the map draws routes and markers on a plain background."
        ),
    )
    map_tile_attribution: str = Field(
        default="", max_length=300, description="The tile source's attribution, shown on the map."
    )
    session_cookie_secure: bool = Field(
        default=True, description="Send the session cookie over HTTPS only (browsers exempt localhost)."
    )

    @model_validator(mode="after")
    def _refuse_guessable_secrets(self) -> Settings:
        """No deployment may sign tokens with a published key; production must bring a strong one."""
        if self.jwt_secret is not None and is_published_secret(self.jwt_secret):
            raise ValueError(
                "DISPATCH_JWT_SECRET is a key published in this project's source: set a private value, "
                "or leave it unset outside production to have one generated"
            )
        if self.environment == "production" and self.jwt_secret is None:
            raise ValueError("DISPATCH_JWT_SECRET must be set to a private value when environment=production")
        if self.environment == "production" and len(self.jwt_secret or "") < MIN_PRODUCTION_SECRET_LENGTH:
            raise ValueError(
                f"DISPATCH_JWT_SECRET must be at least {MIN_PRODUCTION_SECRET_LENGTH} characters "
                "in production"
            )
        self.trusted_proxy_networks  # noqa: B018 - refuse a malformed list at start, not on a request
        return self

    @property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """``trusted_proxies`` parsed; a bare address is a network of one."""
        try:
            return tuple(
                ipaddress.ip_network(entry.strip(), strict=False)
                for entry in self.trusted_proxies.split(",")
                if entry.strip()
            )
        except ValueError as error:
            raise ValueError(f"DISPATCH_TRUSTED_PROXIES: {error}") from None

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file when none is configured."""
        if self.database_url:
            return self.database_url
        return f"sqlite+pysqlite:///{(self.data_dir / 'dispatch.sqlite3').resolve()}"


def is_published_secret(secret: str) -> bool:
    """Whether ``secret`` is one of the keys this project's source once shipped."""
    return hashlib.sha256(secret.encode()).hexdigest() in PUBLISHED_JWT_SECRET_SHA256


def with_jwt_secret(settings: Settings) -> Settings:
    """``settings`` with a signing key: the configured one, else a private one (never one from the source).

    Tests get a random key per application; other environments (production has refused already) read the
    key kept in ``data_dir``, generating it on first start, so logins survive a restart.
    """
    if settings.jwt_secret is not None:
        return settings
    if settings.environment == "test":
        secret = secrets.token_urlsafe(48)
    else:
        secret = _stored_jwt_secret(settings.data_dir / JWT_SECRET_FILE)
    return settings.model_copy(update={"jwt_secret": secret})


def _stored_jwt_secret(path: Path) -> str:
    """The key kept at ``path``, made on first use with mode 0600.

    The new key is written to a private temporary file and linked into place, so two servers starting
    together agree on one key and neither ever reads a half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        secret = secrets.token_urlsafe(48)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secret + "\n")
        try:
            os.link(draft, path)
            logger.warning(
                "DISPATCH_JWT_SECRET is not set: generated a signing key and kept it in %s (mode 0600); "
                "set DISPATCH_JWT_SECRET to choose your own",
                path.resolve(),
            )
        except FileExistsError:
            pass  # another server made it first: use theirs
        finally:
            draft.unlink()
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < MIN_PRODUCTION_SECRET_LENGTH:
        raise ValueError(
            f"{path} holds no usable signing key: delete it to have a new one generated, "
            "or set DISPATCH_JWT_SECRET"
        )
    return secret


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
