"""Rate limits counted in the database, so every worker process counts against one shared limit.

Each limit is a sliding window: a subject (a client address, a login email) may have ``limit`` hits in
any ``window``; past that it waits until its oldest hit leaves the window. Subjects are stored hashed.

Logins: failed attempts count per account (the email) and per client address. Once either is at its limit,
further attempts are refused before any password is hashed, whatever the password, until the window moves
on: a locked account is unlocked by time, never by a guess. A good login clears its account's failures,
not its client's. The functions taking a ``sessionmaker`` run their own short transaction, so a count is
kept even when the request that made it fails, and no connection is held while a password is hashed.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from dispatch.config import Settings
from dispatch.domain.accounts import Account
from dispatch.persistence.repositories.accounts import AccountRepository
from dispatch.persistence.repositories.rate_hits import RateHitRepository
from dispatch.services.unit_of_work import unit_of_work

TRACKING_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``limit`` hits per subject in any ``window``; ``scope`` keeps limits' counts apart."""

    scope: str
    limit: int
    window: timedelta


def _subject(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def retry_after_s(session: Session, limit: Limit, subject: str, now: datetime) -> int:
    """0 while ``subject`` is under ``limit``, else the seconds until its oldest hit leaves the window."""
    count, oldest = RateHitRepository(session).after(limit.scope, _subject(subject), now - limit.window)
    if count < limit.limit or oldest is None:
        return 0
    return max(1, math.ceil((oldest + limit.window - now).total_seconds()))


def record_hit(session: Session, limit: Limit, subject: str, now: datetime) -> None:
    """Count one hit of ``subject``; hits that have left the window are deleted on the way."""
    hits = RateHitRepository(session)
    hits.forget_until(limit.scope, now - limit.window)
    hits.add(limit.scope, _subject(subject), now)


def take(session: Session, limit: Limit, subject: str, now: datetime) -> int:
    """Count a request unless ``subject`` is at its limit; the seconds to wait when it is (not counted)."""
    wait_s = retry_after_s(session, limit, subject, now)
    if wait_s == 0:
        record_hit(session, limit, subject, now)
    return wait_s


def tracking_limit(settings: Settings) -> Limit:
    return Limit("tracking", settings.tracking_requests_per_minute, TRACKING_WINDOW)


def take_tracking_request(
    factory: sessionmaker[Session], settings: Settings, client: str, now: datetime
) -> int:
    """Count a tracking request of ``client``; the seconds to wait when it is over the limit."""
    with unit_of_work(factory) as session:
        return take(session, tracking_limit(settings), client, now)


def login_limits(settings: Settings) -> tuple[Limit, Limit]:
    """The per-account and the per-client limit on failed logins."""
    window = timedelta(seconds=settings.login_failure_window_s)
    return (
        Limit("login_account", settings.login_failures_per_account, window),
        Limit("login_client", settings.login_failures_per_client, window),
    )


@dataclass(frozen=True, slots=True)
class LoginCheck:
    """What a login attempt needs before its password is hashed: whether it must wait, and the account."""

    retry_after_s: int
    account: Account | None


def _email_key(email: str) -> str:
    return email.strip().lower()


def check_login(
    factory: sessionmaker[Session], settings: Settings, email: str, client: str, now: datetime
) -> LoginCheck:
    """The wait this attempt must honour (0: go ahead) and, when it may go ahead, the account it names."""
    by_account, by_client = login_limits(settings)
    with unit_of_work(factory) as session:
        wait_s = max(
            retry_after_s(session, by_account, _email_key(email), now),
            retry_after_s(session, by_client, client, now),
        )
        if wait_s:
            return LoginCheck(wait_s, None)
        account = None if "\x00" in email else AccountRepository(session).by_email(email)
        return LoginCheck(0, account)


def record_login(
    factory: sessionmaker[Session],
    settings: Settings,
    email: str,
    client: str,
    now: datetime,
    *,
    succeeded: bool,
) -> None:
    """Count a failure against the account and the client, or clear the account's failures after a success."""
    by_account, by_client = login_limits(settings)
    with unit_of_work(factory) as session:
        if succeeded:
            RateHitRepository(session).forget_subject(by_account.scope, _subject(_email_key(email)))
            return
        record_hit(session, by_account, _email_key(email), now)
        record_hit(session, by_client, client, now)
