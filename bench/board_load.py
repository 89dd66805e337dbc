"""The dispatcher's board in Chromium: first paint, interactive board, bytes, drag round trip.

    python bench/board_load.py [--scales 1,10] [--runs 5] [--drags 10] [--database-url URL]
                               [--plan-time-limit 10] [--chromium /usr/bin/chromium]

For each scale of the demo (1: about 40 technicians and 150 jobs; 10: about 400 and 1,500) a fresh
database (an embedded SQLite file in a temporary folder unless ``--database-url`` names an empty
PostgreSQL database) gets the demo day, planned and published, and the demo logins; the app runs under
uvicorn in its own process; Debian's Chromium (headless, 1280x800, cache disabled) logs in as the demo
dispatcher and opens the board ``--runs`` times, whole and (at scale 10) one region at a time.

Figures per page load (medians over the runs, with the slowest):
- ``first_paint_ms``   the navigation's first contentful paint;
- ``interactive_ms``   until the board's script is ready (drag, keys and live updates wired) and the map
  has drawn the day (``performance.mark`` ``board-ready`` and ``map-ready``, from navigation start);
- ``bytes``            every response's transfer size (page, styles, scripts, the plan view the map reads).
Then ``--drags`` times on the demo day: a planned job is taken out through the API, the board reloaded,
and the job dragged back onto its technician's row; ``drag_ms`` is from the drop to the board redrawn
with the saved plan (the API's answer alone is ``api_ms``). Targets: interactive under 1 s at scale 1
and under 3 s at scale 10 by region; drag round trip median under 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import ViewportSize

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench._load_server import free_loopback_port, running_server  # noqa: E402
from dispatch.config import Settings  # noqa: E402
from dispatch.services.accounts import DEMO_DISPATCHER_EMAIL, DEMO_DISPATCHER_PASSWORD  # noqa: E402

JWT_SECRET = "board-benchmark-secret-that-is-long-enough-for-hs256"
DESK: ViewportSize = {"width": 1280, "height": 800}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
TARGET_INTERACTIVE_MS = {1: 1000.0, 10: 3000.0}
TARGET_DRAG_MS = 300.0
VISIBLE_ROWS = 8
"""Technicians' rows on screen at 1280x800 without scrolling the page."""

_PAGE_FIGURES = """() => {
  const navigation = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const board = performance.getEntriesByName("board-ready")[0];
  const map = performance.getEntriesByName("map-ready")[0];
  const resources = performance.getEntriesByType("resource");
  const bytes = navigation.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0);
  return {
    first_paint_ms: paint ? paint.startTime : null,
    interactive_ms: Math.max(board ? board.startTime : 0, map ? map.startTime : 0),
    bytes: bytes,
    html_bytes: navigation.transferSize,
  };
}"""


def _next_weekday(after: date) -> date:
    day = after + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def prepare(url: str, day: date, scale: float, time_limit_s: float) -> str:
    """Load and plan the demo day at ``scale`` into ``url``; the plan's summary."""
    from dispatch.persistence.db import make_engine, make_session_factory, session_scope
    from dispatch.services.accounts import ensure_demo_accounts
    from dispatch.services.demo_data import load_demo
    from dispatch.services.planning import plan_day_command

    settings = Settings(database_url=url, environment="test", jwt_secret=JWT_SECRET)
    load_demo(settings, seed=None, day=day, scale=scale, replace=True)
    summary = plan_day_command(settings, day, region=None, time_limit_s=time_limit_s)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            ensure_demo_accounts(session)
    finally:
        engine.dispose()
    return summary


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if url is not None:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="board-bench-") as folder:
        yield f"sqlite+pysqlite:///{Path(folder) / 'dispatch.sqlite3'}"


@dataclass
class Loads:
    label: str
    first_paint_ms: list[float]
    interactive_ms: list[float]
    bytes: list[int]

    def row(self, scale: int) -> str:
        target = TARGET_INTERACTIVE_MS.get(scale)
        median = statistics.median(self.interactive_ms)
        verdict = "" if target is None else ("met" if median < target else "MISSED")
        return (
            f"{self.label},{len(self.interactive_ms)},{statistics.median(self.first_paint_ms):.0f},"
            f"{median:.0f},{max(self.interactive_ms):.0f},{statistics.median(self.bytes):.0f},"
            f"{target or ''},{verdict}"
        )


def _log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/board/login")
    page.fill("#username", DEMO_DISPATCHER_EMAIL)
    page.fill("#password", DEMO_DISPATCHER_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/board")


def measure_loads(page: Any, base: str, day: date, label: str, query: str, runs: int) -> Loads:
    loads = Loads(label, [], [], [])
    for _ in range(runs):
        page.goto(f"{base}/board?day={day.isoformat()}{query}")
        page.wait_for_selector("#board[data-ready=yes]")
        page.wait_for_selector("#map[data-drawn=yes]", timeout=60_000)
        figures = page.evaluate(_PAGE_FIGURES)
        loads.first_paint_ms.append(figures["first_paint_ms"] or 0.0)
        loads.interactive_ms.append(figures["interactive_ms"])
        loads.bytes.append(figures["bytes"])
    return loads


def measure_drags(page: Any, base: str, day: date, drags: int) -> tuple[list[float], list[float]]:
    """Take a planned job out through the API, reload, drag it back onto its technician: ``drags`` times."""
    token = httpx.post(
        f"{base}/auth/token", data={"username": DEMO_DISPATCHER_EMAIL, "password": DEMO_DISPATCHER_PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    view = httpx.get(f"{base}/plans/{day}/view", headers=headers, timeout=60).json()
    # Rows near the top and urgent jobs (listed first when left out), so source and row are both on screen.
    ranked = sorted(
        (
            (s["priority"], t["id"], s["job_id"])
            for t in view["technicians"][:VISIBLE_ROWS]
            if t["route"]
            for s in t["route"]["stops"]
            if s["job_id"] and s["progress"] == "pending"
        ),
    )
    candidates = [(technician, job) for _, technician, job in ranked]
    round_trips: list[float] = []
    api: list[float] = []
    for technician_id, job_id in candidates[:drags]:
        version = httpx.get(f"{base}/plans/published", params={"day": day.isoformat()}, headers=headers)
        out = httpx.delete(
            f"{base}/plans/{day}/assignments/{job_id}",
            headers={**headers, "If-Match": version.headers["etag"]},
            timeout=60,
        )
        if out.status_code != 200:
            print(f"# skipped {job_id}: could not take it out ({out.status_code})", file=sys.stderr)
            continue
        page.goto(f"{base}/board?day={day.isoformat()}")
        page.wait_for_selector("#board[data-ready=yes]")
        card = page.locator(f'.job-card[data-job="{job_id}"]')
        lane = page.locator(f'.lane[data-technician="{technician_id}"] .lane-bar')
        card.scroll_into_view_if_needed()
        box = lane.bounding_box()
        if box is None or box["y"] < 0 or box["y"] + box["height"] > DESK["height"]:
            print(f"# skipped {job_id}: the row of {technician_id} is off screen", file=sys.stderr)
            continue
        card.drag_to(lane)
        for _ in range(600):
            if (
                page.locator("#board[data-last-round-trip-ms]").count()
                or page.locator("#notice").is_visible()
            ):
                break
            page.wait_for_timeout(100)
        if page.locator("#notice").is_visible():
            print(f"# {job_id} back to {technician_id} refused: {page.locator('#notice').inner_text()}")
            continue
        shown = page.locator("#board").get_attribute("data-last-round-trip-ms")
        answered = page.locator("#board").get_attribute("data-last-edit-ms")
        if shown is None or answered is None:
            print(f"# {job_id}: the drop onto {technician_id} sent no edit", file=sys.stderr)
            continue
        round_trips.append(float(shown))
        api.append(float(answered))
    return round_trips, api


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scales", default="1,10", help="demo scales, comma-separated (1 and 10 have targets)"
    )
    parser.add_argument("--runs", type=int, default=5, help="page loads per scale and view")
    parser.add_argument("--drags", type=int, default=10, help="drag round trips on the scale-1 day")
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--plan-time-limit", type=float, default=10.0, help="solver seconds per plan")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    day = _next_weekday(date.today())
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    print("view,runs,first_paint_ms,interactive_ms,slowest_ms,bytes,target_ms,verdict")
    drag_rows: list[str] = []
    for scale in scales:
        with database(args.database_url) as url:
            summary = prepare(url, day, scale, args.plan_time_limit * (3 if scale >= 10 else 1))
            print(
                f"# scale {scale}, {day}: " + " / ".join(line.strip() for line in summary.splitlines()[1:3])
            )
            port = free_loopback_port()
            environment = {
                "DISPATCH_DATABASE_URL": url,
                "DISPATCH_ENVIRONMENT": "test",
                "DISPATCH_JWT_SECRET": JWT_SECRET,
                "DISPATCH_SESSION_COOKIE_SECURE": "false",
            }
            base = f"http://127.0.0.1:{port}"
            with (
                running_server(PROJECT_ROOT, port, workers=1, environment=environment),
                sync_playwright() as p,
            ):
                browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS, headless=True)
                context = browser.new_context(viewport=DESK)
                page = context.new_page()
                client = context.new_cdp_session(page)
                client.send("Network.enable")
                client.send("Network.setCacheDisabled", {"cacheDisabled": True})
                _log_in(page, base)
                print(measure_loads(page, base, day, f"scale {scale} all regions", "", args.runs).row(scale))
                if scale >= 10:
                    for region in ("east", "central", "mountain", "pacific"):
                        loads = measure_loads(
                            page, base, day, f"scale {scale} {region}", f"&region={region}", args.runs
                        )
                        print(loads.row(scale))
                if scale == 1 and args.drags:
                    round_trips, api = measure_drags(page, base, day, args.drags)
                    if round_trips:
                        median = statistics.median(round_trips)
                        drag_rows.append(
                            f"scale {scale},{len(round_trips)},{median:.0f},{max(round_trips):.0f},"
                            f"{statistics.median(api):.0f},{TARGET_DRAG_MS:.0f},"
                            f"{'met' if median < TARGET_DRAG_MS else 'MISSED'}"
                        )
                browser.close()
    if drag_rows:
        print("drag,drags,drag_ms_median,drag_ms_slowest,api_ms_median,target_ms,verdict")
        print("\n".join(drag_rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
