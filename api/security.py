"""Access tokens: HS256 JWTs naming the account, carried as a bearer token or in the session cookie.

The token says who the bearer is; every request still reads the account, so a deactivated login stops
working at once rather than when its token expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from dispatch.config import Settings
from dispatch.domain.accounts import Account

ALGORITHM = "HS256"
SESSION_COOKIE = "dispatch_session"
AUDIENCE = "dispatch-api"


class InvalidToken(Exception):
    """The token is missing, malformed, badly signed or expired."""


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_in_s: int


def _signing_key(settings: Settings) -> str:
    """The key of ``create_app``'s settings, which always carry one (see ``with_jwt_secret``)."""
    if settings.jwt_secret is None:
        raise RuntimeError("settings without a signing key: build them with dispatch.config.with_jwt_secret")
    return settings.jwt_secret


def issue_token(account: Account, settings: Settings, *, now: datetime | None = None) -> IssuedToken:
    """A signed token for ``account`` that expires after ``settings.jwt_expiry_minutes``."""
    issued = now or datetime.now(UTC)
    lifetime = timedelta(minutes=settings.jwt_expiry_minutes)
    claims = {
        "sub": account.id,
        "role": account.role.value,
        "aud": AUDIENCE,
        "iat": issued,
        "exp": issued + lifetime,
    }
    token = jwt.encode(claims, _signing_key(settings), algorithm=ALGORITHM)
    return IssuedToken(token=token, expires_in_s=int(lifetime.total_seconds()))


def account_id_in(token: str, settings: Settings) -> str:
    """The account id a valid token names; ``InvalidToken`` otherwise."""
    try:
        claims = jwt.decode(
            token,
            _signing_key(settings),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["sub", "exp", "iat", "aud"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject:
        raise InvalidToken("the token names no account")
    return subject
