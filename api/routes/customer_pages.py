"""Customer users' pages: their organisation's tickets, and a form to raise one online.

Server-rendered, like the technicians' pages; the form posts back here (the session cookie is
SameSite=Lax, so another site cannot post it) and the new ticket shows at the top of the list.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import CurrentUser, NowDep, PageUser, SessionDep
from api.pages import PAGE_HEADERS, templates
from dispatch.domain.accounts import Account, Role
from dispatch.domain.errors import DomainError
from dispatch.domain.intake import Impact
from dispatch.domain.listings import SiteFilter, TicketFilter
from dispatch.services.customer_scope import sites_seen_by, submit_online, tickets_seen_by

router = APIRouter(tags=["customer pages"])

LOGIN_PATH = "/customer/login"
TICKETS_PATH = "/customer/tickets"
SHOWN = 100
"""Tickets and sites a page lists at most (newest tickets first)."""
IMPACTS = (
    (Impact.STOPPED, "Our business cannot work"),
    (Impact.DEGRADED, "Work goes on, slower or with a workaround"),
    (Impact.ONE_USER, "One person or device, or a question"),
)
CATEGORIES = ("pos", "network", "desktop", "printers", "server", "wireless", "storage", "cabling")


@router.get(LOGIN_PATH, response_class=HTMLResponse, include_in_schema=False)
def customer_login_page(request: Request) -> HTMLResponse:
    """The login form for customer users; it comes back to their tickets."""
    context = {"next": TICKETS_PATH, "heading": "Customer login"}
    return templates.TemplateResponse(request, "login.html", context, headers=PAGE_HEADERS)


def _customer(user: Account | None) -> Account | RedirectResponse:
    if user is None:
        return RedirectResponse(LOGIN_PATH, status_code=status.HTTP_303_SEE_OTHER)
    if user.role is not Role.CUSTOMER:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs a customer user's account")
    return user


def _page(request: Request, session: SessionDep, user: Account, error: str | None, code: int) -> HTMLResponse:
    found = tickets_seen_by(session, user, TicketFilter(), limit=1_000, offset=0)
    tickets = sorted(found.items, key=lambda t: t.opened_at, reverse=True)[:SHOWN]
    sites = sites_seen_by(session, user, SiteFilter(), limit=SHOWN, offset=0).items
    zones = {site.id: site.timezone for site in sites}
    shown = [(t, _local(t.opened_at, zones.get(t.site_id))) for t in tickets]
    context = {
        "name": user.display_name,
        "tickets": shown,
        "sites": sites,
        "impacts": IMPACTS,
        "categories": CATEGORIES,
        "error": error,
    }
    return templates.TemplateResponse(
        request, "customer_tickets.html", context, status_code=code, headers=PAGE_HEADERS
    )


def _local(moment: datetime, zone: str | None) -> str:
    """When, at the site (UTC when the site is not among those listed)."""
    if zone is None:
        return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


@router.get(TICKETS_PATH, response_class=HTMLResponse, include_in_schema=False)
def customer_tickets_page(request: Request, user: PageUser, session: SessionDep) -> Response:
    """The organisation's tickets, newest first, and the form to raise one."""
    found = _customer(user)
    if isinstance(found, RedirectResponse):
        return found
    return _page(request, session, found, None, status.HTTP_200_OK)


@router.post(TICKETS_PATH, response_class=HTMLResponse, include_in_schema=False)
def customer_raise_ticket(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    now: NowDep,
    site_id: Annotated[str, Form(max_length=40)],
    category: Annotated[str, Form(max_length=80)],
    summary: Annotated[str, Form(max_length=4000)],
    impact: Annotated[Impact, Form()],
) -> Response:
    """Raise the ticket and show the list with it; a refusal is said on the form (422). Without a session
    it is refused (401) before the form is read."""
    found = _customer(user)
    if isinstance(found, RedirectResponse):
        return found
    try:
        submit_online(
            session, found, site_id=site_id, category=category, summary=summary, impact=impact, now=now
        )
    except DomainError as refused:
        return _page(request, session, found, str(refused), status.HTTP_422_UNPROCESSABLE_CONTENT)
    return RedirectResponse(TICKETS_PATH, status_code=status.HTTP_303_SEE_OTHER)
