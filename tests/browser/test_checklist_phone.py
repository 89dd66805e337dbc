"""A technician works through a visit's checklist on a phone: completion is refused while required steps
are open, ticks and answers are saved at once (also offline), and the visit completes once they are done."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from data.procedures import demo_procedures
from dispatch.persistence.db import make_engine, make_session_factory, session_scope
from dispatch.services.accounts import (
    DEMO_DISPATCHER_EMAIL,
    DEMO_DISPATCHER_PASSWORD,
    DEMO_TECHNICIAN_PASSWORD,
)
from dispatch.services.procedures import add_procedures
from tests.browser.conftest import PlannedDay

pytestmark = pytest.mark.postgis

PHONE: ViewportSize = {"width": 390, "height": 844}
SCREENSHOT_DIR = os.environ.get("DISPATCH_TEST_SCREENSHOTS")
"""Where to keep the screenshots of the checklist (the test's temporary folder when unset)."""


@pytest.fixture(scope="module")
def with_procedures(database_url: str, planned_day: PlannedDay) -> PlannedDay:
    """The demo's procedures stored beside the planned demo day."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            add_procedures(
                session,
                demo_procedures(
                    ["network", "pos", "desktop", "printers", "server", "wireless", "storage", "cabling"]
                ),
            )
    finally:
        engine.dispose()
    return planned_day


def _stop(page: Page, job_id: str) -> Locator:
    return page.locator(f'li.stop[data-job="{job_id}"]')


def _queue_length(page: Page) -> int:
    length: int = page.evaluate("JSON.parse(localStorage.getItem('dispatch.reportQueue') || '[]').length")
    return length


def test_the_checklist_must_be_done_before_the_visit_completes(
    server: str, browser: Browser, with_procedures: PlannedDay, tmp_path: Path
) -> None:
    """Completed with steps open: refused with the open steps marked; ticked and answered (one of them
    offline): completed, and the dispatcher reads the answers."""
    day = with_procedures
    job = day.earlier_job
    shot = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
    shot.mkdir(parents=True, exist_ok=True)
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    errors: list[str] = []
    try:
        page = phone.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{server}/tech/login")
        page.fill("#username", day.technician_email)
        page.fill("#password", DEMO_TECHNICIAN_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/tech/sheet")
        sheet = f"{server}/tech/sheet?day={day.day.isoformat()}"
        page.goto(sheet)
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now controlled by the service worker, which keeps this sheet

        stop = _stop(page, job)
        steps = stop.locator("li.step")
        required = stop.locator('li.step[data-mandatory="yes"]')
        assert steps.count() >= 4 and required.count() >= 3
        expect(stop.locator(".checklist .tally")).to_contain_text(f"0 of {steps.count()} done")
        stop.locator("button[data-kind=en_route]").click()
        expect(stop.locator(".badge.status")).to_have_text("en route")
        stop.locator("button[data-kind=arrived]").click()
        expect(stop.locator(".badge.status")).to_have_text("on site")

        stop.locator("button[data-kind=completed]").click()
        expect(stop.locator(".message")).to_contain_text(
            f"Not yet: {required.count()} required steps are open"
        )
        expect(stop.locator("li.step.missing")).to_have_count(required.count())
        expect(stop.locator(".badge.status")).to_have_text("on site")
        stop.scroll_into_view_if_needed()
        _stop(page, job).screenshot(path=str(shot / "checklist_refused_390.png"))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the sheet must not scroll sideways at 390 px"

        codes = required.evaluate_all("items => items.map(i => [i.dataset.step, i.dataset.stepKind])")
        *online, (last_code, last_kind) = codes
        for code, kind in online:
            _work(stop, code, kind)
        _wait_until_sent(page)
        _wait_until_kept(page, done=len(online))

        phone.set_offline(True)
        page.reload()  # the kept sheet, from the service worker
        expect(_stop(page, job).locator('li.step[data-done="yes"]')).to_have_count(len(online))
        _work(_stop(page, job), last_code, last_kind)
        expect(page.locator("#connection")).to_contain_text("1 checklist step waiting to send")
        page.reload()  # still offline: the step waiting on the phone shows as done
        expect(_stop(page, job).locator(f'li.step[data-step="{last_code}"]')).to_have_attribute(
            "data-done", "yes"
        )
        _stop(page, job).screenshot(path=str(shot / "checklist_offline_390.png"))
        phone.set_offline(False)
        _wait_until_sent(page)

        stop = _stop(page, job)
        expect(stop.locator(".checklist .tally")).to_contain_text("ready to complete")
        stop.locator("button[data-kind=completed]").click()
        expect(stop.locator(".badge.status")).to_have_text("completed", timeout=20_000)
        page.reload()
        expect(_stop(page, job).locator("li.step input").first).to_be_disabled()
        _stop(page, job).scroll_into_view_if_needed()
        _stop(page, job).screenshot(path=str(shot / "checklist_completed_390.png"))
        assert errors == [], "no script may fail on the sheet"
    finally:
        phone.close()

    token = httpx.post(
        f"{server}/auth/token", data={"username": DEMO_DISPATCHER_EMAIL, "password": DEMO_DISPATCHER_PASSWORD}
    ).json()["access_token"]
    checklist = httpx.get(
        f"{server}/jobs/{job}/checklist", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert checklist["completed_by"] == day.route.technician_id and checklist["open_mandatory"] == []
    answered = [line["answer"] for line in checklist["steps"] if line["kind"] == "text" and line["mandatory"]]
    assert answered and all(answer.startswith("Answer for ") for answer in answered)


def _wait_until_sent(page: Page) -> None:
    """Every queued report and mark has reached the server."""
    expect(page.locator("#connection")).to_have_text("", timeout=20_000)
    assert _queue_length(page) == 0


def _wait_until_kept(page: Page, *, done: int) -> None:
    """The service worker's copy of the sheet shows ``done`` steps done (kept for offline use)."""
    script = (
        "caches.match(location.href).then(r => r ? r.text() : '')"
        '.then(t => (t.match(/data-done="yes"/g) || []).length)'
    )
    for _ in range(100):
        if page.evaluate(script) >= done:
            return
        page.wait_for_timeout(200)
    pytest.fail("the sheet kept for offline use never showed the steps done")


def _work(stop: Locator, code: str, kind: str) -> None:
    """Tick a step, or type its answer and save it, as on the phone; the step shows done at once."""
    step = stop.locator(f'li.step[data-step="{code}"]')
    if kind == "tick":
        step.locator("input[type=checkbox]").check()
    else:
        step.locator("input[name=answer]").fill(f"Answer for {code}")
        step.locator("button[type=submit]").click()
    expect(step).to_have_attribute("data-done", "yes")
