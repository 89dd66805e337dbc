"""The board's standby panel: each agreement's cover as lines in the board's time zone, gaps with why."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from api.board_standby import standby_panels
from dispatch.domain.standby import StandbyCoverSegment

EASTERN = ZoneInfo("America/New_York")


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=UTC)


def test_each_agreement_lists_who_covers_which_part_and_each_gap_with_its_reason() -> None:
    segments = [
        StandbyCoverSegment("SB-2", "T-8", _at(6, 13), _at(7, 1)),
        StandbyCoverSegment("SB-1", None, _at(5, 23), _at(6, 1), "nobody with pos level 5 is on duty", True),
        StandbyCoverSegment("SB-1", "T-7", _at(5, 13), _at(5, 23)),
    ]
    terms = {"SB-1": "Chicago flagship: pos level 5 on site within 2 h"}
    panels = standby_panels(segments, {"T-7": "Jamal Lee"}, terms, EASTERN)
    assert [p.agreement_id for p in panels] == ["SB-1", "SB-2"]
    first, second = panels
    assert first.gaps == 1 and second.gaps == 0
    assert first.terms == "Chicago flagship: pos level 5 on site within 2 h" and second.terms == ""
    assert [(line.who, line.when, line.gap) for line in first.lines] == [
        ("Jamal Lee (T-7)", "Sat 08:00 – Sat 18:00 EST", False),
        ("", "Sat 18:00 – Sat 20:00 EST", True),
    ]
    assert first.lines[1].reason == "nobody with pos level 5 is on duty"
    assert second.lines[0].who == "T-8"  # a technician the view does not name is shown by id
    assert second.lines[0].when == "Sun 08:00 – Sun 20:00 EST"
