"""The FastAPI application: ``create_app(settings)`` builds it; nothing is created at import time.

The lifespan opens the database engine and session factory, starts the plan queue and the rounds of arrival
promises, and stops and disposes of them on shutdown.
Run it with ``dispatch serve`` (or ``uvicorn --factory api.main:create_app``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from api.body_limit import BodySizeLimit
from api.clients import HashingSlots
from api.deps import get_now
from api.docs_pages import install_docs
from api.errors import install_problem_handlers
from api.load_shedding import ConcurrencyLimit
from api.openapi import problem_aware_openapi
from api.pages import STATIC_DIR
from api.routes import ROUTERS
from dispatch.config import Settings, get_settings, with_jwt_secret
from dispatch.services.plan_jobs import plan_queue_for
from dispatch.services.promise_rounds import PromiseRounds
from dispatch.services.unit_of_work import open_storage

LEAFLET_URL = "/static/vendor/leaflet"
"""The map library of the dispatchers' board, served from the project's own copy."""

DESCRIPTION = """Field-service dispatch for one IT support provider (one organisation per deployment).

Dispatchers manage all data and plans; technicians see their own job sheets; customers follow
a ticket by its tracking link. Log in at `POST /auth/token` (OAuth2 password flow) or
`POST /auth/login` (session cookie for pages). Errors are RFC 9457 problem details.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new application for ``settings`` (default: read from the environment)."""
    the_settings = with_jwt_secret(settings or get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The in-process plan worker (SQLite) writes while requests do: transactions wait their turn.
        storage = open_storage(
            the_settings.effective_database_url, pool_timeout_s=the_settings.database_pool_timeout_s
        )
        app.state.engine = storage.engine
        app.state.session_factory = storage.sessions
        app.state.plan_queue = plan_queue_for(
            the_settings.effective_database_url,
            app.state.session_factory,
            clock=lambda: app.dependency_overrides.get(get_now, get_now)(),  # the requests' own clock
        )
        app.state.plan_queue.start()
        promise_rounds = PromiseRounds(
            app.state.session_factory,
            lambda: app.dependency_overrides.get(get_now, get_now)(),
            timedelta(minutes=the_settings.promise_round_minutes),
        )
        promise_rounds.start()
        try:
            yield
        finally:
            promise_rounds.stop()
            app.state.plan_queue.stop()
            storage.close()

    app = FastAPI(
        title="Field-service dispatch",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = the_settings
    app.state.hashing_slots = HashingSlots(
        the_settings.password_hash_concurrency, the_settings.password_hash_wait_s
    )
    install_problem_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=the_settings.max_request_body_bytes)
    app.add_middleware(GZipMiddleware, minimum_size=1024)  # event streams are never compressed
    # Added last, so it runs first: a shed request costs no body reading and no thread.
    app.add_middleware(ConcurrencyLimit, limit=the_settings.max_concurrent_requests)
    app.openapi = problem_aware_openapi(app)  # type: ignore[method-assign]
    for router in ROUTERS:
        app.include_router(router)
    install_docs(app)
    app.mount(LEAFLET_URL, StaticFiles(directory=STATIC_DIR / "vendor" / "leaflet"), name="leaflet")
    return app
