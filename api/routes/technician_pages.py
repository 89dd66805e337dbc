"""Technicians' pages: the login form and today's job sheet, readable on a phone and kept offline.

The service worker is served from ``/tech/`` so that it may control the job sheet page.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from api.caches import SheetCacheDep, SheetPagesDep
from api.deps import CurrentUser, PageUser, SessionDep
from api.pages import PAGE_HEADERS, STATIC_DIR, templates
from api.schemas.common import RecordId
from api.schemas.progress import JobSheetOut
from dispatch.domain.accounts import Role
from dispatch.domain.errors import RecordNotFound

router = APIRouter(tags=["technicians"])

SHEET_PATH = "/tech/sheet"
LOGIN_PATH = "/tech/login"
STATIC_FILES = {
    "app.css": "text/css",
    "sheet.js": "text/javascript",
    "track.js": "text/javascript",
    "login.js": "text/javascript",
    "icon.svg": "image/svg+xml",
    "board.css": "text/css",
    "board.js": "text/javascript",
    "board-map.js": "text/javascript",
    "accounts.js": "text/javascript",
}
REASONS = (
    ("part_missing", "Part missing"),
    ("customer_absent", "Customer absent"),
    ("needs_second_visit", "Needs a second visit"),
)

DayQuery = Annotated[date | None, Query(description="The day of the sheet; today at the technician's base.")]


@router.get(LOGIN_PATH, response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request) -> HTMLResponse:
    """The login form; it posts to ``/auth/login``, which sets the session cookie and opens the sheet."""
    return templates.TemplateResponse(request, "login.html", {"next": SHEET_PATH}, headers=PAGE_HEADERS)


@router.get(SHEET_PATH, response_class=HTMLResponse, include_in_schema=False)
def sheet_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    sheets: SheetCacheDep,
    pages: SheetPagesDep,
    day: DayQuery = None,
) -> Response:
    """The logged-in technician's own job sheet (there is no way to ask for someone else's).

    Without a valid session (none, or expired) the phone is sent to the login page, which comes back
    here; the reports queued on the phone are kept meanwhile.
    """
    if user is None:
        return RedirectResponse(
            LOGIN_PATH, status_code=status.HTTP_303_SEE_OTHER, headers={"Cache-Control": "no-store"}
        )
    if user.role is not Role.TECHNICIAN or user.technician_id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs a technician account")
    found = sheets.lookup(session, user.technician_id, day)
    if found is None:
        raise RecordNotFound(f"technicians: no record {user.technician_id!r}")
    headers = {**PAGE_HEADERS, "Cache-Control": "private, no-cache"}
    page = pages.get(found)
    if page is None:
        context = {
            "request": request,
            "sheet": found.sheet,
            "day": found.day,
            "name": found.technician.name,
            "reasons": REASONS,
        }
        page = templates.get_template("sheet.html").render(context)
        pages.put(found, page)
    return HTMLResponse(page, headers=headers)


@router.get("/technicians/{technician_id}/sheet", response_model=JobSheetOut)
def sheet_json(
    technician_id: RecordId,
    user: CurrentUser,
    session: SessionDep,
    sheets: SheetCacheDep,
    day: DayQuery = None,
) -> JobSheetOut:
    """A technician's sheet as JSON: technicians get only their own (others' are 404), dispatchers any."""
    if user.role is Role.TECHNICIAN and user.technician_id != technician_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no job sheet for this technician and day")
    found = sheets.lookup(session, technician_id, day)
    if found is None or found.sheet is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no job sheet for this technician and day")
    return JobSheetOut.model_validate(found.sheet)


@router.get("/tech/sw.js", include_in_schema=False)
def service_worker() -> FileResponse:
    """The service worker keeping the last sheet and the assets for when the connection drops."""
    return FileResponse(
        STATIC_DIR / "sw.js", media_type="text/javascript", headers={"Cache-Control": "no-cache"}
    )


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> Response:
    """Stylesheet, scripts and icon: a fixed list of files, so no path can reach outside the folder."""
    media_type = STATIC_FILES.get(name)
    if media_type is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such file")
    return FileResponse(STATIC_DIR / name, media_type=media_type, headers={"Cache-Control": "no-cache"})
