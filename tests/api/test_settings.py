"""Settings of the service: a production deployment refuses a missing, published or short signing key."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dispatch.config import Settings

FORMER_SOURCE_SECRET = "development-only-secret-change-me-in-production"


def test_production_refuses_a_missing_jwt_secret() -> None:
    """environment=production without DISPATCH_JWT_SECRET does not start."""
    with pytest.raises(ValidationError, match="DISPATCH_JWT_SECRET must be set"):
        Settings(environment="production")


@pytest.mark.parametrize("environment", ["production", "development", "test"])
def test_every_environment_refuses_the_key_once_published_in_the_source(environment: str) -> None:
    """The former source default is refused wherever it is configured: anyone could sign with it."""
    with pytest.raises(ValidationError, match="published"):
        Settings(environment=environment, jwt_secret=FORMER_SOURCE_SECRET)


def test_production_refuses_a_short_jwt_secret() -> None:
    """A production key under 32 characters is refused as guessable."""
    with pytest.raises(ValidationError, match="32 characters"):
        Settings(environment="production", jwt_secret="short-secret")


def test_production_accepts_a_private_secret_and_development_leaves_it_unset() -> None:
    """A long private key is accepted in production; development has none until the app makes one."""
    assert Settings(environment="production", jwt_secret="x" * 40).jwt_secret == "x" * 40
    assert Settings(environment="development").jwt_secret is None
    assert (Settings().api_host, Settings().api_port) == ("127.0.0.1", 8000)
