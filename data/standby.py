"""The demo's standby agreement: a customer site guaranteed a skilled technician over the demo weekend.

The weekend is the one the demo day falls in, or the coming one for a weekday: Saturday 08:00 to Sunday
20:00 at the site. The site is the customer site nearest the centre of the metro with the most
technicians, and the skill is one every technician on call there that weekend has, at the lowest level
among them, so the on-call rota can keep the guarantee.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from data.places import Metro, distance_m
from data.rota import on_call_area
from dispatch.domain.customers import Site
from dispatch.domain.jobs import SkillRequirement
from dispatch.domain.on_call import OnCallDuty
from dispatch.domain.standby import StandbyAgreement
from dispatch.domain.technicians import Technician

SATURDAY = 5
START, END = time(8), time(20)
RESPONSE = timedelta(hours=2)


def demo_weekend(day: date) -> date:
    """The Saturday of the weekend ``day`` falls in, or of the coming weekend."""
    if day.weekday() == SATURDAY + 1:
        return day - timedelta(days=1)
    return day + timedelta(days=(SATURDAY - day.weekday()) % 7)


def make_standby(
    technicians: Sequence[Technician],
    sites: Sequence[Site],
    duties: Sequence[OnCallDuty],
    metros: Sequence[Metro],
    day: date,
) -> list[StandbyAgreement]:
    """One standby agreement over the demo weekend (none when nobody is on call in the busiest metro)."""
    if not technicians or not sites:
        return []
    areas = {t.id: on_call_area(t, metros) for t in technicians}
    busiest = Counter(areas.values()).most_common(1)[0][0]
    metro = next(m for m in metros if m.name == busiest)
    site = min(sites, key=lambda s: distance_m(s.location, metro.centre))
    zone = ZoneInfo(site.timezone)
    saturday = demo_weekend(day)
    starts = datetime.combine(saturday, START, zone)
    ends = datetime.combine(saturday + timedelta(days=1), END, zone)
    on_call = {
        d.technician_id for d in duties if areas.get(d.technician_id) == busiest and d.overlaps(starts, ends)
    }
    team = [t for t in technicians if t.id in on_call]
    if not team:
        return []
    shared = set.intersection(*(set(t.skills) for t in team))
    if not shared:
        return []
    skill = max(sorted(shared), key=lambda s: min(t.skills[s] for t in team))
    level = min(t.skills[skill] for t in team)
    return [
        StandbyAgreement(
            id=f"SB-{saturday:%Y%m%d}",
            customer_id=site.customer_id,
            site_id=site.id,
            starts_at=starts,
            ends_at=ends,
            required_skills=(SkillRequirement(skill, level),),
            response=RESPONSE,
        )
    ]
