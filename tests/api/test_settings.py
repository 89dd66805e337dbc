"""Settings of the service: a production deployment refuses the development signing key."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dispatch.config import DEVELOPMENT_JWT_SECRET, Settings


def test_production_refuses_the_default_jwt_secret() -> None:
    """environment=production with the published development key does not start."""
    with pytest.raises(ValidationError, match="DISPATCH_JWT_SECRET"):
        Settings(environment="production", jwt_secret=DEVELOPMENT_JWT_SECRET)


def test_production_refuses_a_short_jwt_secret() -> None:
    """A production key under 32 characters is refused as guessable."""
    with pytest.raises(ValidationError, match="32 characters"):
        Settings(environment="production", jwt_secret="short-secret")


def test_production_accepts_a_private_secret_and_development_keeps_the_default() -> None:
    """A long private key is accepted in production; development runs with the default key."""
    assert Settings(environment="production", jwt_secret="x" * 40).jwt_secret == "x" * 40
    assert Settings(environment="development").jwt_secret == DEVELOPMENT_JWT_SECRET
    assert (Settings().api_host, Settings().api_port) == ("127.0.0.1", 8000)
