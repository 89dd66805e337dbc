"""Request dependencies as ``Annotated`` aliases, so routes read like sentences.

``SessionDep`` is one unit of work per request (``dispatch.services.unit_of_work``): committed when the
route returns, rolled back when it raises, before the response is sent (so a failed commit is reported,
never hidden). Routes only hand it to services.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.security import APIKeyCookie, OAuth2PasswordBearer

from api.schemas.common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from api.security import SESSION_COOKIE, InvalidToken, claims_in
from dispatch.config import Settings
from dispatch.domain.accounts import Account, Role
from dispatch.services.accounts import active_account
from dispatch.services.audit import act_as
from dispatch.services.unit_of_work import Session, SessionFactory, unit_of_work

TOKEN_URL = "/auth/token"
ADMIN_NEEDED = "managing logins needs an admin dispatcher's account"

_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)
_session_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="Set by POST /auth/login for server-rendered pages."
)


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A session for this request's unit of work."""
    factory: SessionFactory = request.app.state.session_factory
    with unit_of_work(factory) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_now() -> datetime:
    """The instant a request happens at: when a report is stamped, the moment a re-plan starts from."""
    return datetime.now(UTC)


NowDep = Annotated[datetime, Depends(get_now)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


def get_current_user(
    session: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[str | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_session_cookie)],
) -> Account:
    """The active account named by the bearer token, else by the session cookie; 401 otherwise."""
    token = bearer or cookie
    if not token:
        raise _unauthorized("authentication required: send a bearer token or log in")
    try:
        claims = claims_in(token, settings)
    except InvalidToken:
        raise _unauthorized("the access token is invalid or has expired; log in again") from None
    account = active_account(session, claims.account_id, claims.password_stamp)
    if account is None:
        raise _unauthorized(
            "the account of this token no longer exists or is disabled, or its password was reset; "
            "log in again"
        )
    act_as(session, account)
    return account


CurrentUser = Annotated[Account, Depends(get_current_user)]


def get_page_user(
    session: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[str | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_session_cookie)],
) -> Account | None:
    """The logged-in account, or ``None`` for pages, which send a missing or expired session to log in."""
    try:
        return get_current_user(session, settings, bearer, cookie)
    except HTTPException as refused:
        if refused.status_code == status.HTTP_401_UNAUTHORIZED:
            return None
        raise


PageUser = Annotated[Account | None, Depends(get_page_user)]


def require_dispatcher(user: CurrentUser) -> Account:
    """The current user, if a dispatcher; 403 for anyone else."""
    if user.role is not Role.DISPATCHER:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs a dispatcher account")
    return user


def require_admin(user: CurrentUser) -> Account:
    """The current user, if a dispatcher who manages the logins; 403 for anyone else."""
    if user.role is not Role.DISPATCHER or not user.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, ADMIN_NEEDED)
    return user


def require_technician(user: CurrentUser) -> Account:
    """The current user, if a technician; 403 for anyone else."""
    if user.role is not Role.TECHNICIAN:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs a technician account")
    return user


def require_dispatcher_or_customer(user: CurrentUser) -> Account:
    """The current user, if a dispatcher or a customer user (who sees only their organisation's)."""
    if user.role not in (Role.DISPATCHER, Role.CUSTOMER):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs a dispatcher or customer account")
    return user


def require_customer(user: CurrentUser) -> Account:
    """The current user, if a customer user; 403 for anyone else."""
    if user.role is not Role.CUSTOMER:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs a customer user's account")
    return user


DispatcherUser = Annotated[Account, Depends(require_dispatcher)]
AdminUser = Annotated[Account, Depends(require_admin)]
ViewerUser = Annotated[Account, Depends(require_dispatcher_or_customer)]
CustomerUser = Annotated[Account, Depends(require_customer)]
TechnicianUser = Annotated[Account, Depends(require_technician)]


class PageParams:
    """``limit`` and ``offset`` of a listing, bounded so no request reads a whole table."""

    def __init__(
        self,
        limit: Annotated[
            int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
        ] = DEFAULT_PAGE_SIZE,
        offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
    ) -> None:
        self.limit = limit
        self.offset = offset


PageDep = Annotated[PageParams, Depends()]
