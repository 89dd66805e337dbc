"""The demo's on-call rota: each metro covered outside weekday hours, shared fairly, nobody twice at once."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

from data.demo import DemoConfig, generate_demo, metros_for
from data.places import metros
from data.rota import ROTA_DAYS, on_call_area
from dispatch.domain.dataset import Dataset
from dispatch.domain.on_call import overlapping_duties
from tests.data.conftest import TUESDAY


def _covered(dataset: Dataset, region: str, instant: datetime) -> bool:
    return any(d.region == region and d.starts_at <= instant < d.ends_at for d in dataset.on_call_duties)


def test_every_region_is_on_call_every_night_and_weekend_hour(demo: Dataset) -> None:
    """Hour by hour through the week around the planned day, each region has someone on call whenever it is
    outside Monday-Friday 08:00-18:00 at the on-call technician's home."""
    regions = {t.region for t in demo.technicians}
    zones = {d.region: d.starts_at.tzinfo for d in demo.on_call_duties}
    assert set(zones) == regions
    start = datetime.combine(TUESDAY - timedelta(days=ROTA_DAYS - 1), datetime.min.time(), UTC)
    for hour in range(24 * (2 * ROTA_DAYS - 2)):
        instant = start + timedelta(hours=hour)
        for region in regions:
            local = instant.astimezone(zones[region])
            working_hours = local.weekday() < 5 and 8 <= local.hour < 18
            if not working_hours:
                assert _covered(demo, region, instant), (region, local.isoformat())


def test_the_rota_is_fair_and_nobody_is_on_call_twice_at_once(demo_10x: Dataset) -> None:
    """Within a metro, duty counts differ by at most one (counting those with none); no technician holds
    overlapping duties; the on-call technician covers their own region and is not on leave."""
    assert overlapping_duties(demo_10x.on_call_duties) == []
    technicians = {t.id: t for t in demo_10x.technicians}
    places = metros(metros_for(len(demo_10x.technicians)))
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for duty in demo_10x.on_call_duties:
        technician = technicians[duty.technician_id]
        assert technician.region == duty.region
        leave = {day for day, shift in technician.calendar.exceptions.items() if shift is None}
        assert duty.starts_at.date() not in leave and duty.ends_at.date() not in leave
        counts[on_call_area(technician, places)][duty.technician_id] += 1
    for area, per_technician in counts.items():
        team = [per_technician[t.id] for t in demo_10x.technicians if on_call_area(t, places) == area]
        assert max(team) - min(team) <= 1, area


def test_a_sunday_duty_goes_to_someone_off_that_day_in_every_metro() -> None:
    """On a weekend day every metro has its own technician on call, one who has the day off."""
    sunday = date(2026, 12, 6)
    dataset = generate_demo(DemoConfig(seed=7, day=sunday))
    technicians = {t.id: t for t in dataset.technicians}
    places = metros(metros_for(len(dataset.technicians)))
    sunday_duties = [d for d in dataset.on_call_duties if d.starts_at.date() == sunday]
    areas = {on_call_area(t, places) for t in dataset.technicians}
    assert {on_call_area(technicians[d.technician_id], places) for d in sunday_duties} == areas
    assert len(sunday_duties) == len(areas) > len({t.region for t in dataset.technicians})
    assert all(technicians[d.technician_id].calendar.shift_on(sunday) is None for d in sunday_duties)
