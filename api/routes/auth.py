"""Logging in and out: OAuth2 password flow for API clients, a session cookie for pages.

Logins are throttled per account and per client address (``dispatch.services.rate_limits``): a throttled
attempt is a 429 with ``Retry-After`` and costs no password hashing. A login attempt, from its throttle
check to its count, takes a slot of the app's ``HashingSlots``; the routes are ``async`` so that waiting
for one holds no worker thread.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response, status
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from api.clients import HashingSlots, SlotsBusy, client_address
from api.deps import CurrentUser, SettingsDep
from api.schemas.accounts import TokenOut, UserOut
from api.schemas.common import Problem
from api.security import SESSION_COOKIE, IssuedToken, issue_token
from dispatch.config import Settings
from dispatch.domain.accounts import Account
from dispatch.services.accounts import password_matches
from dispatch.services.rate_limits import check_login, record_login

router = APIRouter(prefix="/auth", tags=["auth"])

_WRONG_LOGIN = "wrong email or password"
_BUSY_RETRY_S = 1
_LOGIN_REFUSALS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "Wrong email or password"},
    429: {"model": Problem, "description": "Too many failed logins for this account or from this client"},
    503: {"model": Problem, "description": "Too many logins being checked at once; retry shortly"},
}


async def _login(request: Request, settings: Settings, email: str, password: str) -> Account:
    """The account these credentials open; 429 when throttled, 503 when no check slot frees, else 401.

    The whole attempt (throttle check, password check, count) holds one of the app's ``HashingSlots``,
    so a burst of logins does the work of only as many as there are slots at once, and the others
    wait on the event loop, holding no thread and no database connection: a flood of logins costs the
    rest of the service at most that many logins' work at a time.
    """
    factory = request.app.state.session_factory
    client = client_address(request)
    now = datetime.now(UTC)
    slots: HashingSlots = request.app.state.hashing_slots
    try:
        async with slots.slot():
            check = await run_in_threadpool(check_login, factory, settings, email, client, now)
            if check.retry_after_s:
                raise HTTPException(
                    status.HTTP_429_TOO_MANY_REQUESTS,
                    f"too many failed logins for this account or from this address: try again in "
                    f"{check.retry_after_s} s",
                    headers={"Retry-After": str(check.retry_after_s)},
                )
            opened = await slots.on_check_thread(password_matches, check.account, password)
            await run_in_threadpool(record_login, factory, settings, email, client, now, succeeded=opened)
    except SlotsBusy:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "too many logins are being checked right now: try again in a moment",
            headers={"Retry-After": str(_BUSY_RETRY_S)},
        ) from None
    if not opened or check.account is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, _WRONG_LOGIN, headers={"WWW-Authenticate": "Bearer"}
        )
    return check.account


def _set_session_cookie(response: Response, issued: IssuedToken, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=issued.expires_in_s,
        httponly=True,
        secure=settings.session_cookie_secure,
        samesite="lax",
        path="/",
    )


def _is_local_path(target: str) -> bool:
    """Only paths on this site may follow a login, never another site (no open redirect)."""
    return target.startswith("/") and not target.startswith("//") and "\\" not in target


Email = Annotated[str, Form(min_length=3, max_length=254, pattern=r"^[^\x00]*$", description="The email.")]
Password = Annotated[str, Form(min_length=1, max_length=1024, pattern=r"^[^\x00]*$")]


@router.post("/token", response_model=TokenOut, responses=_LOGIN_REFUSALS)
async def token(
    username: Email,
    password: Password,
    request: Request,
    settings: SettingsDep,
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
) -> TokenOut:
    """OAuth2 password flow (RFC 6749 4.3): ``username`` is the email; answers a bearer token (JWT)."""
    issued = issue_token(await _login(request, settings, username, password), settings)
    return TokenOut(access_token=issued.token, expires_in=issued.expires_in_s)


@router.post(
    "/login",
    response_model=UserOut,
    responses={303: {"description": "Logged in; go to `next`"}, **_LOGIN_REFUSALS},
)
async def login(
    username: Email,
    password: Password,
    request: Request,
    settings: SettingsDep,
    response: Response,
    next: Annotated[str | None, Form(max_length=2000, description="Local path to go to after login.")] = None,
) -> UserOut | RedirectResponse:
    """Form login for pages: sets a Secure, HttpOnly, SameSite=Lax cookie carrying the same JWT."""
    account = await _login(request, settings, username, password)
    issued = issue_token(account, settings)
    if next is not None and _is_local_path(next):
        redirect = RedirectResponse(next, status_code=status.HTTP_303_SEE_OTHER)
        _set_session_cookie(redirect, issued, settings)
        return redirect
    _set_session_cookie(response, issued, settings)
    return UserOut.of(account)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(response: Response, settings: SettingsDep) -> None:
    """Forget the session cookie (a bearer token simply stops being sent)."""
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=settings.session_cookie_secure, httponly=True, samesite="lax"
    )


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> UserOut:
    """The logged-in account."""
    return UserOut.of(user)
