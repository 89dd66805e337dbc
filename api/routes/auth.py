"""Logging in and out: OAuth2 password flow for API clients, a session cookie for pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Response, status
from fastapi.responses import RedirectResponse

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.schemas.accounts import TokenOut, UserOut
from api.security import SESSION_COOKIE, issue_token
from dispatch.config import Settings
from dispatch.domain.accounts import Account
from dispatch.services.accounts import authenticate

router = APIRouter(prefix="/auth", tags=["auth"])

_WRONG_LOGIN = "wrong email or password"


def _login(session: SessionDep, email: str, password: str) -> Account:
    account = authenticate(session, email, password)
    if account is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, _WRONG_LOGIN, headers={"WWW-Authenticate": "Bearer"}
        )
    return account


def _set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.jwt_expiry_minutes * 60,
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


@router.post("/token", response_model=TokenOut, responses={401: {"description": "Wrong email or password"}})
def token(
    username: Email,
    password: Password,
    session: SessionDep,
    settings: SettingsDep,
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
) -> TokenOut:
    """OAuth2 password flow (RFC 6749 4.3): ``username`` is the email; answers a bearer token (JWT)."""
    issued = issue_token(_login(session, username, password), settings)
    return TokenOut(access_token=issued.token, expires_in=issued.expires_in_s)


@router.post(
    "/login",
    response_model=UserOut,
    responses={
        303: {"description": "Logged in; go to `next`"},
        401: {"description": "Wrong email or password"},
    },
)
def login(
    username: Email,
    password: Password,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
    next: Annotated[str | None, Form(max_length=2000, description="Local path to go to after login.")] = None,
) -> UserOut | RedirectResponse:
    """Form login for pages: sets a Secure, HttpOnly, SameSite=Lax cookie carrying the same JWT."""
    account = _login(session, username, password)
    issued = issue_token(account, settings)
    if next is not None and _is_local_path(next):
        redirect = RedirectResponse(next, status_code=status.HTTP_303_SEE_OTHER)
        _set_session_cookie(redirect, issued.token, settings)
        return redirect
    _set_session_cookie(response, issued.token, settings)
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
