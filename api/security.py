"""Access tokens: HS256 JWTs naming the account, carried as a bearer token or in the session cookie.

The token says who the bearer is; every request still reads the account, so a deactivated login stops
working at once rather than when its token expires, and so does a token issued before a password reset
(it carries the account's ``password_stamp``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from dispatch.config import Settings
from dispatch.domain.accounts import Account, Role

ALGORITHM = "HS256"
SESSION_COOKIE = "dispatch_session"
AUDIENCE = "dispatch-api"
PASSWORD_STAMP_CLAIM = "pws"


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


def token_lifetime(account: Account, settings: Settings) -> timedelta:
    """A technician's login lasts a working day (``technician_session_hours``), so the phone does not log
    out on site; everyone else's lasts ``jwt_expiry_minutes``. Either stops at once if the account is
    disabled, since every request reads the account."""
    if account.role is Role.TECHNICIAN:
        return timedelta(hours=settings.technician_session_hours)
    return timedelta(minutes=settings.jwt_expiry_minutes)


def issue_token(account: Account, settings: Settings, *, now: datetime | None = None) -> IssuedToken:
    """A signed token for ``account`` that expires after its ``token_lifetime``."""
    issued = now or datetime.now(UTC)
    lifetime = token_lifetime(account, settings)
    claims = {
        "sub": account.id,
        "role": account.role.value,
        "aud": AUDIENCE,
        "iat": issued,
        "exp": issued + lifetime,
        PASSWORD_STAMP_CLAIM: account.password_stamp,
    }
    token = jwt.encode(claims, _signing_key(settings), algorithm=ALGORITHM)
    return IssuedToken(token=token, expires_in_s=int(lifetime.total_seconds()))


@dataclass(frozen=True, slots=True)
class TokenClaims:
    account_id: str
    password_stamp: str | None
    """The account's ``password_stamp`` when the token was issued (none in tokens issued before stamps)."""


def claims_in(token: str, settings: Settings) -> TokenClaims:
    """The account a valid token names and when it was issued; ``InvalidToken`` otherwise."""
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
    subject, stamp = claims["sub"], claims.get(PASSWORD_STAMP_CLAIM)
    if not isinstance(subject, str) or not subject:
        raise InvalidToken("the token names no account")
    if stamp is not None and not isinstance(stamp, str):
        raise InvalidToken("the token's password stamp is not text")
    return TokenClaims(account_id=subject, password_stamp=stamp)
