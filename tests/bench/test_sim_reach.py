"""The soonest anyone could reach a new ticket: the bound the day simulator measures policies against."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench._sim_reach import Whereabouts, drive_s, soonest_arrival
from dispatch.domain.contracts import Priority
from dispatch.domain.geo import GeoPoint
from dispatch.domain.jobs import Job, SkillRequirement
from dispatch.domain.technicians import Technician, WorkingCalendar

NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
SITE = GeoPoint(40.75, -73.99)
NEAR = GeoPoint(40.76, -73.98)
FAR = GeoPoint(40.95, -73.70)
JOB = Job(
    "JOB-1", "TKT-1", "SITE-1", timedelta(hours=1), Priority.P1, required_skills=(SkillRequirement("net", 3),)
)


def technician(tech_id: str, *, level: int = 3, region: str = "NYC") -> Technician:
    return Technician(
        tech_id, tech_id, NEAR, "", "America/New_York", region, {"net": level}, WorkingCalendar((None,) * 7)
    )


def test_the_soonest_is_the_first_free_qualified_technician_who_can_still_do_the_visit() -> None:
    """The near technician on site till 17:00 arrives after the far one free now; the nearer ones who
    lack the skill level, belong to another region or whose day ends too soon do not count."""
    busy = Whereabouts(technician("T-BUSY"), NOW + timedelta(hours=2), NEAR, NOW + timedelta(hours=6))
    far = Whereabouts(technician("T-FAR"), NOW, FAR, NOW + timedelta(hours=6))
    team = [
        busy,
        far,
        Whereabouts(technician("T-LOW", level=2), NOW, NEAR, NOW + timedelta(hours=6)),
        Whereabouts(technician("T-AWAY", region="BOS"), NOW, NEAR, NOW + timedelta(hours=6)),
        Whereabouts(technician("T-DONE"), NOW, NEAR, NOW + timedelta(minutes=30)),
    ]
    assert drive_s(FAR, SITE) < 2 * 3600
    assert soonest_arrival(NOW, JOB, "NYC", SITE, team) == NOW + timedelta(seconds=drive_s(FAR, SITE))
    assert soonest_arrival(NOW, JOB, "NYC", SITE, [busy]) == busy.free_at + timedelta(
        seconds=drive_s(NEAR, SITE)
    )
    assert soonest_arrival(NOW, JOB, "NYC", SITE, team[2:]) is None
