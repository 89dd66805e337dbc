"""A technician on a phone: log in, see the visits in order, report progress, move a customer's window."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from dispatch.services.accounts import (
    DEMO_DISPATCHER_EMAIL,
    DEMO_DISPATCHER_PASSWORD,
    DEMO_TECHNICIAN_PASSWORD,
)
from tests.browser.conftest import PHONE, PlannedDay

pytestmark = pytest.mark.postgis

SCREENSHOT_DIR = os.environ.get("DISPATCH_TEST_SCREENSHOTS")
"""Where to keep the 360 px screenshot of the sheet (the test's temporary folder when unset)."""


def _tracking_path(server: str, ticket_id: str) -> str:
    """A dispatcher makes the customer's link through the API."""
    token = httpx.post(
        f"{server}/auth/token", data={"username": DEMO_DISPATCHER_EMAIL, "password": DEMO_DISPATCHER_PASSWORD}
    ).json()["access_token"]
    answer = httpx.post(
        f"{server}/tickets/{ticket_id}/tracking-link", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 201, answer.text
    url: str = answer.json()["url"]
    return url[url.index("/track/") :]


def _window(page: Page, path: str) -> str:
    page.goto(path)
    return page.locator("#window-range").inner_text()


def _stop(page: Page, job_id: str) -> Locator:
    return page.locator(f'li.stop[data-job="{job_id}"]')


def _log_in(page: Page, server: str, email: str, password: str = DEMO_TECHNICIAN_PASSWORD) -> None:
    """Fill in and send the technicians' login form, as on the phone."""
    page.goto(f"{server}/tech/login")
    page.fill("#username", email)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_technician_reports_from_a_phone_and_the_customer_sees_the_window_move(
    server: str, browser: Browser, planned_day: PlannedDay, tmp_path: Path
) -> None:
    """Login, visits in route order, en route and arrived, a delay: the next customer's window moves later."""
    jobs = [v.job_id for v in planned_day.route.visits if v.job_id is not None]
    first, second = planned_day.earlier_job, planned_day.later_job

    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    customer = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    errors: list[str] = []
    try:
        page = phone.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        _log_in(page, server, planned_day.technician_email)
        page.wait_for_url("**/tech/sheet")
        page.goto(f"{server}/tech/sheet?day={planned_day.day.isoformat()}")
        shown = page.locator("li.stop[data-job]").evaluate_all("items => items.map(i => i.dataset.job)")
        assert shown == jobs

        shot = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
        shot.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot / "job_sheet_360.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the sheet must not scroll sideways at 360 px"

        ticket_of_second = page.locator(f'li.stop[data-job="{second}"]').get_attribute("data-ticket")
        assert ticket_of_second
        track = customer.new_page()
        track.on("pageerror", lambda error: errors.append(str(error)))
        track.clock.install()
        track_path = server + _tracking_path(server, ticket_of_second)
        before = _window(track, track_path)

        _stop(page, first).locator("button[data-kind=en_route]").click()
        expect(_stop(page, first).locator(".badge.status")).to_have_text("en route")
        _stop(page, first).locator("button[data-kind=arrived]").click()
        expect(_stop(page, first).locator(".badge.status")).to_have_text("on site")
        arrived = _window(track, track_path)

        _stop(page, first).locator("details.more summary").click()
        _stop(page, first).locator("form.late input[name=late_by_min]").fill("90")
        _stop(page, first).locator("form.late button").click()
        expect(_stop(page, first).locator(".message")).to_have_text("Delay reported")
        track.clock.run_for(31_000)  # the open page refreshes itself every 30 seconds
        expect(track.locator("#window-range")).not_to_have_text(arrived)
        delayed = track.locator("#window-range").inner_text()

        assert before and arrived
        assert delayed > arrived, f"the window should move later: {arrived} then {delayed}"
        assert track.locator("#technician").inner_text().startswith("Your technician: ")
        track.screenshot(path=str(shot / "tracking_360.png"))
        page.reload()
        expect(_stop(page, second).locator(".moved")).to_contain_text("now ~")
        assert errors == [], "no script may fail on the sheet or the tracking page"
    finally:
        phone.close()
        customer.close()


def test_the_sheet_stays_visible_offline_and_queued_reports_send_when_back_online(
    server: str, browser: Browser, planned_day: PlannedDay
) -> None:
    """Offline: the last sheet still opens and a report waits; online again, it is sent and applied."""
    jobs = [v.job_id for v in planned_day.route.visits if v.job_id is not None]
    last = jobs[-1]
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        _log_in(page, server, planned_day.technician_email)
        page.wait_for_url("**/tech/sheet")
        sheet = f"{server}/tech/sheet?day={planned_day.day.isoformat()}"
        page.goto(sheet)
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now controlled by the service worker, which keeps this sheet

        phone.set_offline(True)
        page.reload()
        expect(page.locator(f'li.stop[data-job="{last}"]')).to_be_visible()
        _stop(page, last).locator("button[data-kind=en_route]").click()
        expect(page.locator("#connection")).to_contain_text("1 report waiting to send")

        phone.set_offline(False)
        expect(_stop(page, last).locator(".badge.status")).to_have_text("en route", timeout=20_000)
        expect(page.locator("#connection")).to_have_text("")
    finally:
        phone.close()


def test_a_wrong_password_is_said_on_the_login_page(
    server: str, browser: Browser, planned_day: PlannedDay
) -> None:
    """A wrong password leaves the technician on the login page with a message, without a session."""
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        _log_in(page, server, planned_day.technician_email, "not-the-password")
        expect(page.locator("p.error")).to_have_text("Wrong email or password.")
        assert page.url.endswith("/tech/login")
        assert not [c for c in phone.cookies() if c.get("name") == "dispatch_session"]
    finally:
        phone.close()


_FORGET_KEPT_SHEETS = """async () => {
  const cache = await caches.open("dispatch-sheet-v1");
  const isSheet = (request) => new URL(request.url).pathname === "/tech/sheet";
  for (let tries = 0; tries < 50 && !(await cache.keys()).some(isSheet); tries++) {
    await new Promise((done) => setTimeout(done, 100));
  }
  await Promise.all((await cache.keys()).filter(isSheet).map((request) => cache.delete(request)));
  return (await cache.keys()).filter(isSheet).length;
}"""


def test_offline_with_no_sheet_kept_the_phone_says_so(
    server: str, browser: Browser, planned_day: PlannedDay
) -> None:
    """Offline and nothing kept: the service worker's own 503 page, not the browser's network error."""
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        _log_in(page, server, planned_day.technician_email)
        page.wait_for_url("**/tech/sheet")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now controlled by the service worker, which keeps this sheet
        assert page.evaluate(_FORGET_KEPT_SHEETS) == 0

        phone.set_offline(True)
        answer = page.goto(f"{server}/tech/sheet?day={planned_day.day.isoformat()}")
        assert answer is not None and answer.status == 503
        expect(page.locator("body")).to_have_text("Offline and no sheet kept yet.")
    finally:
        phone.close()
