"""Arrival estimates: the plan moved by delays, late arrivals and early finishes, bounded by time windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dispatch.domain.progress import ReportKind
from dispatch.services.eta import (
    WINDOW_WIDTH,
    PlannedStop,
    Progress,
    StopProgress,
    arrival_window,
    estimate_route,
)

NINE = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return NINE + timedelta(minutes=minutes)


def _route() -> list[PlannedStop]:
    """Three visits of an hour with 30 minutes' travel between them; the third opens at 12:00 sharp."""
    return [
        PlannedStop(1, _at(0), _at(0), _at(60), 1800, opens=_at(-60), job_id="A"),
        PlannedStop(2, _at(90), _at(90), _at(150), 1800, opens=_at(-60), job_id="B"),
        PlannedStop(3, _at(180), _at(180), _at(240), 1800, opens=_at(170), job_id="C"),
    ]


def test_without_reports_the_estimate_is_the_plan() -> None:
    """No report: every stop keeps its planned arrival, start and end."""
    estimates = estimate_route(_route(), [])
    assert [(e.arrival, e.start, e.end) for e in estimates] == [(s.arrival, s.start, s.end) for s in _route()]
    assert all(e.progress is StopProgress.PENDING for e in estimates)


def test_a_delay_report_moves_that_stop_and_every_later_one() -> None:
    """Late by 20 minutes for the first visit: all three start 20 minutes later."""
    estimates = estimate_route(_route(), [Progress("A", ReportKind.RUNNING_LATE, _at(-10), late_by_min=20)])
    assert [e.start for e in estimates] == [_at(20), _at(110), _at(200)]


def test_arriving_late_moves_the_later_stops() -> None:
    """Arriving 15 minutes after the planned arrival pushes the rest of the day back by 15 minutes."""
    reports = [
        Progress("A", ReportKind.EN_ROUTE, _at(-20)),
        Progress("A", ReportKind.ARRIVED, _at(15)),
    ]
    estimates = estimate_route(_route(), reports)
    assert estimates[0].progress is StopProgress.ON_SITE
    assert [e.start for e in estimates] == [_at(15), _at(105), _at(195)]


def test_finishing_late_moves_the_later_stops() -> None:
    """A visit that ends 25 minutes after its planned end moves the next stops by 25 minutes."""
    reports = [Progress("A", ReportKind.ARRIVED, _at(0)), Progress("A", ReportKind.COMPLETED, _at(85))]
    estimates = estimate_route(_route(), reports)
    assert estimates[0].progress is StopProgress.DONE
    assert [e.start for e in estimates[1:]] == [_at(115), _at(205)]


def test_finishing_early_moves_later_stops_earlier_but_never_before_their_window_opens() -> None:
    """Done 30 minutes early: the second visit comes 30 minutes earlier, the third no earlier than 12:00."""
    reports = [Progress("A", ReportKind.ARRIVED, _at(0)), Progress("A", ReportKind.COMPLETED, _at(30))]
    estimates = estimate_route(_route(), reports)
    assert estimates[1].start == _at(60)
    assert estimates[2].arrival == _at(150)
    assert estimates[2].start == _at(170)


def test_waiting_in_the_plan_absorbs_a_small_delay() -> None:
    """Ten minutes late where the plan waited twenty for a window: the waiting stop still starts on time."""
    stops = [
        PlannedStop(1, _at(0), _at(0), _at(60), 1800, opens=_at(-60), job_id="A"),
        PlannedStop(2, _at(90), _at(110), _at(170), 1800, opens=_at(110), job_id="B"),
    ]
    reports = [Progress("A", ReportKind.RUNNING_LATE, _at(-5), late_by_min=10)]
    assert estimate_route(stops, reports)[1].start == _at(110)


def test_en_route_report_estimates_arrival_from_the_travel_time() -> None:
    """Setting off for the second visit at 10:40 with 30 minutes' travel: arrival at 11:10."""
    reports = [
        Progress("A", ReportKind.ARRIVED, _at(0)),
        Progress("A", ReportKind.COMPLETED, _at(60)),
        Progress("B", ReportKind.EN_ROUTE, _at(100)),
    ]
    estimates = estimate_route(_route(), reports)
    assert estimates[1].arrival == _at(130)
    assert estimates[1].progress is StopProgress.EN_ROUTE
    assert estimates[2].start == _at(220)


def test_the_latest_delay_report_wins() -> None:
    """A second delay report replaces the first one rather than adding to it."""
    reports = [
        Progress("A", ReportKind.RUNNING_LATE, _at(-30), late_by_min=40),
        Progress("A", ReportKind.RUNNING_LATE, _at(-10), late_by_min=10),
    ]
    assert estimate_route(_route(), reports)[0].start == _at(10)


def test_arrival_window_is_thirty_minutes_on_five_minute_marks() -> None:
    """A start of 10:31 shows as 10:15-10:45; the window is WINDOW_WIDTH wide."""
    start = datetime(2026, 3, 10, 10, 31, 20, tzinfo=UTC)
    low, high = arrival_window(start)
    assert (low, high) == (
        datetime(2026, 3, 10, 10, 15, tzinfo=UTC),
        datetime(2026, 3, 10, 10, 45, tzinfo=UTC),
    )
    assert high - low == WINDOW_WIDTH
    assert arrival_window(datetime(2026, 3, 10, 10, 33, tzinfo=UTC))[0].minute == 20


def _route_with_pickup() -> list[PlannedStop]:
    """Visit A 9:00-10:00, then a ten-minute pickup (20 minutes' drive), then visit B (15 minutes on)."""
    return [
        PlannedStop(1, _at(0), _at(0), _at(60), 1800, opens=_at(-60), job_id="A"),
        PlannedStop(2, _at(80), _at(80), _at(90), 1200, opens=_at(-60)),
        PlannedStop(3, _at(105), _at(105), _at(165), 900, opens=_at(-60), job_id="B"),
    ]


def test_setting_off_for_a_visit_counts_the_pickup_on_the_way_from_that_moment() -> None:
    """Done early and en route to B at 9:40: the pickup is at 10:00-10:10, B reached at 10:25; the pickup
    never overlaps the visit it serves."""
    reports = [
        Progress("A", ReportKind.ARRIVED, _at(0)),
        Progress("A", ReportKind.COMPLETED, _at(40)),
        Progress("B", ReportKind.EN_ROUTE, _at(40)),
    ]
    done, pickup, visit = estimate_route(_route_with_pickup(), reports)
    assert (pickup.arrival, pickup.start, pickup.end) == (_at(60), _at(60), _at(70))
    assert (visit.arrival, visit.progress) == (_at(85), StopProgress.EN_ROUTE)
    assert done.end <= pickup.start and pickup.end <= visit.arrival


def test_a_pickup_before_a_visit_not_yet_set_off_for_follows_the_plan_moved_by_delays() -> None:
    reports = [Progress("A", ReportKind.ARRIVED, _at(0)), Progress("A", ReportKind.COMPLETED, _at(70))]
    _, pickup, visit = estimate_route(_route_with_pickup(), reports)
    assert (pickup.start, visit.start) == (_at(90), _at(115))
