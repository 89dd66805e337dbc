"""The demo's standby agreement: over the demo weekend, for a skill the on-call technicians share, kept."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from data.demo import DemoConfig, generate_demo
from data.standby import demo_weekend
from dispatch.services.standby_cover import CoverCheck


@pytest.mark.parametrize(
    ("day", "saturday"),
    [
        (date(2026, 12, 6), date(2026, 12, 5)),  # a Sunday: its own weekend
        (date(2026, 12, 5), date(2026, 12, 5)),
        (date(2026, 12, 2), date(2026, 12, 5)),  # a Wednesday: the coming one
    ],
)
def test_the_demo_weekend_is_the_one_the_day_falls_in_or_the_coming_one(day: date, saturday: date) -> None:
    assert demo_weekend(day) == saturday


def test_the_sunday_demo_has_standby_over_its_weekend_covered_by_the_on_call_technicians() -> None:
    dataset = generate_demo(DemoConfig(seed=7, day=date(2026, 12, 6), scale=0.3))
    (agreement,) = dataset.standby_agreements
    site = next(s for s in dataset.sites if s.id == agreement.site_id)
    zone = ZoneInfo(site.timezone)
    assert agreement.starts_at == datetime(2026, 12, 5, 8, tzinfo=zone)
    assert agreement.ends_at == datetime(2026, 12, 6, 20, tzinfo=zone)
    segments = CoverCheck(dataset, ()).segments(agreement)
    assert not [s for s in segments if s.is_gap]
    on_call = {
        d.technician_id for d in dataset.on_call_duties if d.overlaps(agreement.starts_at, agreement.ends_at)
    }
    assert {s.technician_id for s in segments} <= on_call
