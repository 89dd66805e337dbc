"""On-call duties refuse what makes no sense, and a technician is never on call twice at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dispatch.domain.errors import DomainError
from dispatch.domain.on_call import DEFAULT_CALL_OUT_COST, OnCallDuty, overlapping_duties

START = datetime(2026, 12, 5, 13, tzinfo=UTC)
DAY = timedelta(days=1)


def test_a_duty_defaults_to_the_named_call_out_cost() -> None:
    duty = OnCallDuty("T1", "east", START, START + DAY)
    assert duty.call_out_cost == DEFAULT_CALL_OUT_COST
    assert duty.overlaps(START + DAY - timedelta(seconds=1), START + 2 * DAY)
    assert not duty.overlaps(START + DAY, START + 2 * DAY)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"technician_id": ""}, "needs a technician"),
        ({"region": ""}, "covers a region"),
        ({"starts_at": START.replace(tzinfo=None)}, "time zone"),
        ({"ends_at": START}, "not after it starts"),
        ({"call_out_cost": -5}, "cannot be negative"),
    ],
)
def test_a_broken_duty_is_refused_with_a_reason(kwargs: dict[str, object], says: str) -> None:
    values: dict[str, object] = {
        "technician_id": "T1",
        "region": "east",
        "starts_at": START,
        "ends_at": START + DAY,
    }
    with pytest.raises(DomainError, match=says):
        OnCallDuty(**{**values, **kwargs})  # type: ignore[arg-type]


def test_overlapping_duties_of_one_technician_are_found() -> None:
    """Back-to-back duties are fine; a duty starting before the previous one ends is a clash; other
    technicians' duties never clash with it."""
    first = OnCallDuty("T1", "east", START, START + DAY)
    next_day = OnCallDuty("T1", "east", START + DAY, START + 2 * DAY)
    clash = OnCallDuty("T1", "east", START + 2 * DAY - timedelta(hours=1), START + 3 * DAY)
    other = OnCallDuty("T2", "east", START, START + DAY)
    assert overlapping_duties([clash, other, next_day, first]) == [(next_day, clash)]
