"""An admin dispatcher at a desk (1280x800) makes a technician's login from the logins page."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, ViewportSize, expect

from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.persistence.repositories import TechnicianRepository
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD
from tests.browser.conftest import PlannedDay

pytestmark = pytest.mark.postgis

DESK: ViewportSize = {"width": 1280, "height": 800}
NEW_TECHNICIAN = ("T-HIRED", "Newly Hired", "newly.hired@fieldops.example")
PASSWORD = "first day on the job 1"
SCREENSHOT_DIR = os.environ.get("DISPATCH_TEST_SCREENSHOTS")
"""Where to keep the page's screenshot (none is taken when unset)."""


@pytest.fixture(scope="module")
def hired_technician(database_url: str, planned_day: PlannedDay) -> str:
    """A stored technician without a login yet."""
    technician_id, name, email = NEW_TECHNICIAN
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            technicians = TechnicianRepository(session)
            model = technicians.require(planned_day.route.technician_id)
            technicians.add(dataclasses.replace(model, id=technician_id, name=name, email=email))
    finally:
        engine.dispose()
    return technician_id


@pytest.fixture
def desk(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESK)
    yield context
    context.close()


def test_an_admin_creates_a_technician_login_from_the_page(
    desk: BrowserContext, server: str, hired_technician: str
) -> None:
    """From the board's header to the logins page; the new login is listed and opens the API."""
    errors: list[str] = []
    page = desk.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server}/board/login")
    page.fill("#username", DEMO_DISPATCHER_EMAIL)
    page.fill("#password", DEMO_DISPATCHER_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/board")
    page.get_by_role("link", name="Logins").click()
    page.wait_for_url("**/board/accounts")
    _, name, email = NEW_TECHNICIAN
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name shown").fill(name)
    page.get_by_label("Role").select_option("technician")
    page.get_by_label("Technician", exact=True).select_option(hired_technician)
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_role("button", name="Create login").click()
    expect(page.locator("#notice")).to_contain_text("a password needs at least 10 characters")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create login").click()
    expect(page.locator("#live")).to_have_text(f"Login {email} created.")
    row = page.locator(f'tr[data-email="{email}"]')
    expect(row).to_contain_text(hired_technician)
    expect(row).to_contain_text("Active")
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / "accounts-desk.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= DESK["width"], f"the page scrolls sideways at {DESK['width']} px ({width} px wide)"
    login = httpx.post(f"{server}/auth/token", data={"username": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    assert errors == []
