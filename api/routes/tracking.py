"""Customers' tracking: dispatchers make a link per ticket; the link shows status, window and a first name.

The tracking routes need no login: the token is the credential. They send ``no-referrer`` so the token
never leaks to another site, ``no-store`` so no cache keeps it, and are rate-limited per client address,
counted in the database so that every worker process shares one count.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response, status
from fastapi.responses import HTMLResponse

from api.caches import SheetCacheDep
from api.clients import client_address
from api.deps import DispatcherUser, NowDep, SessionDep
from api.pages import PAGE_HEADERS, templates
from api.schemas.common import Problem, RecordId
from api.schemas.tracking import ArrivalWindowOut, TrackingLinkOut, TrackingOut
from dispatch.config import Settings
from dispatch.services.rate_limits import take_tracking_request
from dispatch.services.sheet_cache import SheetCache
from dispatch.services.tracking import LINK_LIFETIME, TrackingView, create_tracking_link, tracking_view

router = APIRouter(tags=["tracking"])

TRACKING_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex"}

Token = Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


def rate_limited(request: Request) -> None:
    """429 once a client has made too many tracking requests in the last minute (its own transaction)."""
    settings: Settings = request.app.state.settings
    wait_s = take_tracking_request(
        request.app.state.session_factory, settings, client_address(request), datetime.now(UTC)
    )
    if wait_s:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many requests: try again in {wait_s} s",
            headers={**TRACKING_HEADERS, "Retry-After": str(wait_s)},
        )


_NOT_FOUND = "this tracking link is unknown or has expired"
_TRACKING_RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"model": Problem, "description": "Unknown or expired link"},
    429: {"model": Problem, "description": "Too many requests from this client"},
}


def _view_or_404(session: SessionDep, sheets: SheetCache, token: str, now: datetime) -> TrackingView:
    view = tracking_view(session, token, now, sheets=sheets)
    if view is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND, headers=TRACKING_HEADERS)
    return view


def _out(view: TrackingView) -> TrackingOut:
    window = None
    if view.window_from is not None and view.window_to is not None and view.day is not None:
        window = ArrivalWindowOut(
            date=view.day,
            start=view.window_from.strftime("%H:%M"),
            end=view.window_to.strftime("%H:%M"),
            timezone=view.window_from.strftime("%Z"),
            promised=view.window_promised,
        )
    return TrackingOut(
        status=view.status, status_text=view.status_text, window=window, technician=view.technician_first_name
    )


@router.post(
    "/tickets/{ticket_id}/tracking-link",
    response_model=TrackingLinkOut,
    status_code=status.HTTP_201_CREATED,
    responses={404: {"model": Problem, "description": "No such ticket"}},
)
def create_link(
    ticket_id: RecordId, request: Request, user: DispatcherUser, session: SessionDep, now: NowDep
) -> TrackingLinkOut:
    """A new tracking link for the ticket's customer; the URL is shown only in this answer."""
    token = create_tracking_link(session, ticket_id=ticket_id, created_by=user.id, now=now)
    return TrackingLinkOut(
        url=str(request.url_for("track_page", token=token)), expires_at=now + LINK_LIFETIME
    )


@router.get(
    "/track/{token}.json",
    response_model=TrackingOut,
    dependencies=[Depends(rate_limited)],
    responses=_TRACKING_RESPONSES,
)
def track_json(
    token: Token, session: SessionDep, sheets: SheetCacheDep, response: Response, now: NowDep
) -> TrackingOut:
    """What the customer's page shows, as JSON (the page polls it)."""
    out = _out(_view_or_404(session, sheets, token, now))
    response.headers.update(TRACKING_HEADERS)
    return out


@router.get(
    "/track/{token}",
    response_class=HTMLResponse,
    dependencies=[Depends(rate_limited)],
    responses=_TRACKING_RESPONSES,
    name="track_page",
)
def track_page(
    token: Token, request: Request, session: SessionDep, sheets: SheetCacheDep, now: NowDep
) -> HTMLResponse:
    """The customer's page: status, arrival window, the technician's first name, nothing else."""
    headers = {**PAGE_HEADERS, **TRACKING_HEADERS}
    view = tracking_view(session, token, now, sheets=sheets)
    if view is None:
        return templates.TemplateResponse(
            request, "track_missing.html", {}, status_code=status.HTTP_404_NOT_FOUND, headers=headers
        )
    return templates.TemplateResponse(request, "track.html", {"track": _out(view)}, headers=headers)
