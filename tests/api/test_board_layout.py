"""What the board says of a visit at risk: which target, when due (naming the day when it is another), how
late or how much to spare, in words a dispatcher uses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from api.board import at_risk_sentence, duration_words
from dispatch.domain.contracts import Priority
from dispatch.services.plan_view import AtRiskView, Place, SlaOutlook

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
