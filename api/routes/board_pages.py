"""The dispatcher's board: the day's plan on a timeline, the jobs left out, the key figures, live.

The page is drawn on the server from the plan view (``dispatch.services.plan_view``); its script redraws
the board's body (``/board/fragment``) after an edit and whenever ``/board/events`` (server-sent events)
says the day changed: a new plan, a technician's report, a lock. Edits go through the public API
(``/plans/{day}/assignments`` and the rest) with the plan's version as ``If-Match``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from api.board import at_risk_sentence, layout
from api.board_proposal import marks, summarise
from api.board_standby import StandbyPanel, standby_panels
from api.deps import ADMIN_NEEDED, NowDep, PageUser, SessionDep, SettingsDep
from api.pages import PAGE_HEADERS, templates
from api.routes.plan_jobs import SessionFactoryDep
from api.routes.plan_view import ViewQueryDep
from api.schemas.plan_view import PlanDayViewOut
from dispatch.domain.accounts import Account, Role
from dispatch.domain.errors import Conflict, RecordNotFound
from dispatch.services.account_admin import list_accounts, technicians_without_login
from dispatch.services.board_events import day_stamp
from dispatch.services.demo_data import provider_today
from dispatch.services.plan_view import AtRiskView, PlanDayView, published_view

router = APIRouter(tags=["board"], include_in_schema=False)

BOARD_PATH = "/board"
ACCOUNTS_PATH = "/board/accounts"
ACCOUNTS_SHOWN = 500
"""Logins listed on the accounts page: a provider's staff fits on one page."""
LOGIN_PATH = "/board/login"
EVENT_POLL_S = 1.0
"""How often an open event stream looks at the day's stamp."""
KEEP_ALIVE_S = 15.0
NO_STORE = {"Cache-Control": "no-store"}

DayQuery = Annotated[date | None, Query(description="The day shown; today where the provider works.")]
ProposalQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="A proposed re-plan to show in place of the plan."),
]


def _see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=status.HTTP_303_SEE_OTHER, headers=NO_STORE)


def _dispatcher_or_none(user: Account | None) -> Account | None:
    """The dispatcher logged in; ``None`` without a session; 403 for a technician."""
    if user is not None and user.role is not Role.DISPATCHER:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the board needs a dispatcher account")
    return user


@router.get("/", response_class=HTMLResponse)
def home(user: PageUser) -> RedirectResponse:
    """Dispatchers to the board, technicians to their job sheet, anyone else to the board's login."""
    if user is None:
        return _see_other(LOGIN_PATH)
    return _see_other("/tech/sheet" if user.role is Role.TECHNICIAN else BOARD_PATH)


@router.get(LOGIN_PATH, response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    context = {"next": BOARD_PATH, "heading": "Dispatcher login"}
    return templates.TemplateResponse(request, "login.html", context, headers=PAGE_HEADERS)


def _context(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: datetime,
    query: ViewQueryDep,
    day: date | None,
    user: Account,
    proposal: str | None = None,
) -> dict[str, Any]:
    the_day = day or provider_today(settings)

    def view_of(proposal_id: str | None) -> PlanDayView | None:
        return published_view(
            session,
            the_day,
            now=now,
            filters=query.filters,
            provider_timezone=settings.provider_timezone,
            proposal_id=proposal_id,
        )

    proposal_gone = None
    try:
        view = view_of(proposal)
    except (RecordNotFound, Conflict) as refusal:  # decided meanwhile, perhaps by another dispatcher
        proposal_gone = str(refusal)
        view = view_of(None)
    timeline = summary = None
    offset = ""
    at_risk: list[tuple[AtRiskView, str]] = []
    standby: list[StandbyPanel] = []
    if view is not None:
        zone = ZoneInfo(view.display_timezone)
        summary = summarise(view, zone)
        at_risk = [(item, at_risk_sentence(item, zone)) for item in view.at_risk]
        names = {t.id: t.name for t in view.technicians}
        standby = standby_panels(view.standby, names, view.standby_terms, zone)
        timeline = layout(view, marks(summary))
        noon = datetime.combine(the_day, datetime.min.time().replace(hour=12), ZoneInfo(timeline.zone))
        offset = noon.strftime("%z")
        offset = f"{offset[:3]}:{offset[3:]}"
    return {
        "request": request,
        "day": the_day,
        "view": view,
        "view_json": None if view is None else _json_for_page(PlanDayViewOut.of(view).model_dump_json()),
        "timeline": timeline,
        "proposal": summary,
        "at_risk": at_risk,
        "standby": standby,
        "proposal_gone": proposal_gone,
        "filters": query.filters,
        "utc_offset": offset,
        "user": user,
    }


@router.get(BOARD_PATH, response_class=HTMLResponse)
def board_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    query: ViewQueryDep,
    day: DayQuery = None,
    proposal: ProposalQuery = None,
) -> Response:
    """The whole board; without a session, the dispatchers' login page first."""
    dispatcher = _dispatcher_or_none(user)
    if dispatcher is None:
        return _see_other(LOGIN_PATH)
    context = _context(request, session, settings, now, query, day, dispatcher, proposal)
    context |= {"tiles": settings.map_tile_url, "attribution": settings.map_tile_attribution}
    page = templates.get_template("board.html").render(context)
    return HTMLResponse(page, headers={**_headers_with_tiles(settings.map_tile_url), **NO_STORE})


def _json_for_page(text: str) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` block (no ``</script>`` can end it)."""
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(safe)


def _headers_with_tiles(tile_url: str) -> dict[str, str]:
    """The pages' headers, with the map's tile server allowed to serve images when one is set."""
    if not tile_url:
        return dict(PAGE_HEADERS)
    origin = "/".join(tile_url.split("/")[:3]).replace("{s}", "*")
    policy = PAGE_HEADERS["Content-Security-Policy"].replace(
        "img-src 'self' data:", f"img-src 'self' data: {origin}"
    )
    return {**PAGE_HEADERS, "Content-Security-Policy": policy}


@router.get(ACCOUNTS_PATH, response_class=HTMLResponse)
def accounts_page(request: Request, user: PageUser, session: SessionDep) -> Response:
    """The logins, with forms to add, disable, enable and reset them (admin dispatchers only)."""
    admin = _dispatcher_or_none(user)
    if admin is None:
        return _see_other(LOGIN_PATH)
    if not admin.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, ADMIN_NEEDED)
    context = {
        "user": admin,
        "accounts": list_accounts(session, limit=ACCOUNTS_SHOWN, offset=0).items,
        "technicians": technicians_without_login(session),
    }
    return templates.TemplateResponse(request, "accounts.html", context, headers={**PAGE_HEADERS, **NO_STORE})


@router.get("/map", response_class=HTMLResponse)
def map_page() -> RedirectResponse:
    """The map is part of the board."""
    return _see_other(f"{BOARD_PATH}#map-panel")


@router.get(f"{BOARD_PATH}/fragment", response_class=HTMLResponse)
def board_fragment(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    query: ViewQueryDep,
    day: DayQuery = None,
    proposal: ProposalQuery = None,
) -> Response:
    """The board's body alone, for the page's script to redraw after an edit or an event."""
    dispatcher = _dispatcher_or_none(user)
    if dispatcher is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "your session has ended; log in again")
    context = _context(request, session, settings, now, query, day, dispatcher, proposal)
    page = templates.get_template("board_body.html").render(context)
    return HTMLResponse(page, headers={**PAGE_HEADERS, **NO_STORE})


@router.get(f"{BOARD_PATH}/events")
async def board_events(
    request: Request, user: PageUser, settings: SettingsDep, factory: SessionFactoryDep, day: DayQuery = None
) -> StreamingResponse:
    """Server-sent events: ``changed`` with the day's plan version whenever the day's stamp moves."""
    if _dispatcher_or_none(user) is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "log in as a dispatcher to follow the day")
    the_day = day or provider_today(settings)

    async def stream() -> AsyncIterator[str]:
        last: str | None = None
        quiet_s = 0.0
        yield f"retry: {int(EVENT_POLL_S * 3000)}\n\n"
        while not await request.is_disconnected():
            stamp = await run_in_threadpool(day_stamp, factory, the_day)
            if stamp.digest != last:
                data = json.dumps({"version": stamp.version, "stamp": stamp.digest, "first": last is None})
                yield f"event: changed\ndata: {data}\n\n"
                last = stamp.digest
                quiet_s = 0.0
            elif quiet_s >= KEEP_ALIVE_S:
                yield ": still here\n\n"
                quiet_s = 0.0
            await asyncio.sleep(EVENT_POLL_S)
            quiet_s += EVENT_POLL_S

    headers = {**NO_STORE, "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
