"""Overload is shed with a quick 503 and Retry-After, never queued; ``/health`` still answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from api.main import create_app
from dispatch.config import Settings

pytestmark = pytest.mark.postgis

Headers = dict[str, str]


async def _held_body(release: asyncio.Event, entered: asyncio.Event) -> AsyncIterator[bytes]:
    """A streamed request body whose end waits for ``release``: its request stays in flight until then."""
    yield b'{"id": "C-SLOW",'
    entered.set()
    await release.wait()
    yield b' "name": "Slow upload"}'


def test_requests_past_the_limit_answer_503_at_once_and_the_admitted_ones_complete(
    api_settings: Settings, dispatcher_headers: Headers
) -> None:
    """With room for 2 requests, 2 held uploads fill it: the next request is a 503 problem with
    Retry-After, /health answers 200 beside them, and both held uploads then complete (201)."""
    settings = api_settings.model_copy(update={"max_concurrent_requests": 2})
    app = create_app(settings)

    async def scenario() -> None:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
                release = asyncio.Event()
                entered = [asyncio.Event(), asyncio.Event()]
                headers = {**dispatcher_headers, "Content-Type": "application/json"}
                held = [
                    asyncio.create_task(
                        client.post(
                            "/customers",
                            content=_held_body(release, entered[n]),
                            headers=headers,
                        )
                    )
                    for n in range(2)
                ]
                for event in entered:
                    await asyncio.wait_for(event.wait(), 10)
                shed = await client.get("/customers", headers=dispatcher_headers)
                health = await client.get("/health")
                release.set()
                done = await asyncio.gather(*held)
                after = await client.get("/customers?page_size=1", headers=dispatcher_headers)
        assert shed.status_code == 503
        assert shed.headers["retry-after"] == "1"
        assert shed.headers["content-type"] == "application/problem+json"
        assert "limit of 2 requests at once" in shed.json()["detail"]
        assert health.status_code == 200
        assert sorted(answer.status_code for answer in done) == [201, 409]  # one id, two uploads
        assert after.status_code == 200

    asyncio.run(scenario())


def test_the_limit_is_a_setting_with_a_default() -> None:
    """``DISPATCH_MAX_CONCURRENT_REQUESTS`` sets it; 12 when unset; zero is refused."""
    assert Settings().max_concurrent_requests == 12
    assert Settings(max_concurrent_requests=5).max_concurrent_requests == 5
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        Settings(max_concurrent_requests=0)
