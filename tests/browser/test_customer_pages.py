"""A customer user in a browser: log in, raise a ticket online, see it among their organisation's only."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from dispatch.services.accounts import (
    DEMO_CUSTOMER_EMAIL,
    DEMO_CUSTOMER_PASSWORD,
    DEMO_DISPATCHER_EMAIL,
    DEMO_DISPATCHER_PASSWORD,
)
from tests.browser.conftest import PHONE, PlannedDay

pytestmark = pytest.mark.postgis

SCREENSHOT_DIR = os.environ.get("DISPATCH_TEST_SCREENSHOTS")


def _api(server: str, email: str, password: str) -> dict[str, str]:
    token = httpx.post(f"{server}/auth/token", data={"username": email, "password": password})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_a_customer_user_raises_a_ticket_from_the_page_and_sees_only_their_own(
    server: str, browser: Browser, planned_day: PlannedDay, tmp_path: Path
) -> None:
    """The form raises a new online ticket at one of their sites; the list shows it first, and every
    ticket listed is at one of their sites (the dispatcher's API agrees)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{server}/customer/tickets")
        assert page.url.endswith("/customer/login")
        expect(page.locator("h2")).to_have_text("Customer login")
        page.fill("#username", DEMO_CUSTOMER_EMAIL)
        page.fill("#password", DEMO_CUSTOMER_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server}/customer/tickets")

        site_id = page.locator("#site_id").input_value()
        page.select_option("#category", "network")
        page.fill("#summary", "Card terminals lost their connection")
        page.check("input[name=impact][value=stopped]")
        page.click("form.raise button[type=submit]")
        page.wait_for_url(f"{server}/customer/tickets")
        first = page.locator("li.ticket").first
        expect(first.locator("h2")).to_have_text("Card terminals lost their connection")
        expect(first.locator(".badge.status")).to_have_text("new")
        shot = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
        page.screenshot(path=str(shot / "customer_tickets_360.png"), full_page=True)
        shown = set(page.locator("li.ticket .sku").all_inner_texts())
    finally:
        context.close()

    own = httpx.get(
        f"{server}/tickets",
        params={"limit": 500},
        headers=_api(server, DEMO_CUSTOMER_EMAIL, DEMO_CUSTOMER_PASSWORD),
    )
    assert own.status_code == 200, own.text
    own_ids = {t["id"] for t in own.json()["items"]}
    assert {text.split(" · ")[0] for text in shown} <= own_ids
    dispatcher = _api(server, DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD)
    site = httpx.get(f"{server}/sites/{site_id}", headers=dispatcher).json()
    everything = httpx.get(f"{server}/tickets", params={"limit": 500}, headers=dispatcher).json()["items"]
    sites_of_customer = {
        s["id"]
        for s in httpx.get(
            f"{server}/sites", params={"customer_id": site["customer_id"], "limit": 500}, headers=dispatcher
        ).json()["items"]
    }
    assert own_ids == {t["id"] for t in everything if t["site_id"] in sites_of_customer}
    assert len({t["site_id"] for t in everything}) > len(
        sites_of_customer & {t["site_id"] for t in everything}
    )
