"""What the board says of a visit at risk: which target, when due (naming the day when it is another), how
late or how much to spare, in words a dispatcher uses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from api.board import at_risk_sentence, duration_words, layout
from dispatch.domain.contracts import Priority
from dispatch.services.plan_view import (
    AtRiskView,
    Kpis,
    Place,
    PlanDayView,
    SlaOutlook,
    TechnicianView,
    ViewFilters,
)

CHICAGO = ZoneInfo("America/Chicago")
END = datetime(2026, 1, 13, 18, 30, tzinfo=UTC)  # Tuesday 12:30 CST


def _item(target: str, due: datetime, spare_s: int) -> AtRiskView:
    return AtRiskView(
        job_id="J-1",
        ticket_id="T-1",
        priority=Priority.P1,
        place=Place("Acme Dental", "12 Main St", 41.9, -87.6, "America/Chicago"),
        technician_id="TECH-1",
        technician_name="Ana Diaz",
        arrival=END - timedelta(hours=1),
        end=END,
        response_due=due if target == "response" else None,
        sla_due=due if target == "resolution" else None,
        sla=SlaOutlook.LATE if spare_s < 0 else SlaOutlook.AT_RISK,
        target=target,
        due=due,
        spare_s=spare_s,
        candidates=(),
    )


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 min"),
        (45 * 60, "45 min"),
        (119 * 60, "119 min"),
        (120 * 60, "2 h"),
        (200 * 60, "3 h 20 min"),
        (47 * 3600 + 59 * 60, "47 h 59 min"),
        (48 * 3600, "2 days"),
        (2939 * 60, "2 days"),
        (3 * 86400 + 5 * 3600, "3 days 5 h"),
    ],
)
def test_durations_are_said_in_minutes_hours_or_days(seconds: int, words: str) -> None:
    assert duration_words(seconds) == words


def test_a_late_fix_names_the_due_time_and_how_late() -> None:
    due = END - timedelta(minutes=40)
    sentence = at_risk_sentence(_item("resolution", due, -40 * 60), CHICAGO)
    assert sentence == "Ends 12:30 with Ana Diaz; the fix is due 11:50 CST: 40 min late."


def test_a_response_due_another_day_names_that_day() -> None:
    due = END - timedelta(days=2)
    sentence = at_risk_sentence(
        _item("response", due, -int(timedelta(days=2, hours=-1).total_seconds())), CHICAGO
    )
    assert sentence == "Arrives 11:30 with Ana Diaz; the response is due Sun 12:30 CST: 47 h late."


def test_a_visit_with_little_to_spare_says_so() -> None:
    due = END + timedelta(minutes=50)
    assert at_risk_sentence(_item("resolution", due, 50 * 60), CHICAGO).endswith(
        "13:20 CST: 50 min to spare."
    )


def _view_with_shift(start: datetime, end: datetime) -> PlanDayView:
    home = Place("home", "1 Elm St", 41.9, -87.6, "America/Chicago")
    technician = TechnicianView(
        id="TECH-1",
        name="Ana Diaz",
        region="central",
        timezone="America/Chicago",
        home=home,
        skills={},
        shift=(start, end),
        lunch_window=None,
        locked=False,
        position=None,
        route=None,
        on_call=True,
    )
    kpis = Kpis({}, {}, {}, 0, 0, 0, 0, 0)
    return PlanDayView(
        day=SUNDAY,
        version="v1",
        created_at=start,
        now=start,
        display_timezone="America/Chicago",
        filters=ViewFilters(),
        regions=("central",),
        skills=(),
        tiers=(),
        technicians=(technician,),
        left_out=(),
        depots=(),
        kpis=kpis,
        changes=None,
        locked=frozenset(),
    )


SUNDAY = date(2026, 1, 11)


def test_an_on_call_duty_begun_the_evening_before_starts_the_board_at_midnight() -> None:
    """On call from Saturday 08:00 to Monday 08:00 (clipped to the horizon from Saturday 18:00 CST): the
    Sunday board runs from Sunday 00:00, with the duty shaded from there."""
    saturday_evening = datetime(2026, 1, 11, 0, 0, tzinfo=UTC)  # Saturday 18:00 CST
    timeline = layout(_view_with_shift(saturday_evening, saturday_evening + timedelta(hours=36)))
    assert timeline.start == datetime(2026, 1, 11, 0, 0, tzinfo=CHICAGO)
    assert timeline.ticks[0].label == "00:00" and timeline.lanes[0].shift_x == 0.0


def test_a_weekday_board_starts_at_the_hour_of_the_first_shift() -> None:
    seven = datetime(2026, 1, 12, 13, 0, tzinfo=UTC)  # Monday 07:00 CST
    timeline = layout(_view_with_shift(seven, seven + timedelta(hours=9)))
    assert timeline.start.astimezone(CHICAGO).hour == 7
