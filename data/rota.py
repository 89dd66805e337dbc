"""The demo's on-call rota: every metro has someone to call out on weeknights and at weekends.

Weeknights run from 18:00 to 08:00 the next morning and weekend days from 08:00 to 08:00, in the on-call
technician's local time, so outside Monday-to-Friday working hours a metro (and so its region) is never
without cover. Cover is kept per metro, as a provider promising a P1 on site within hours must: one
technician on call for a whole region would spend the weekend on the motorway between its cities. The
rota spans ``ROTA_DAYS`` days either side of the planned day. Duties go round a metro's technicians
fairly: each goes to whoever has had the fewest so far (the longest ago breaking ties, then the id); a
weekend day goes to someone who has that day off where anyone does, and nobody on leave that day or the
next is on call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from data.places import Metro, distance_m
from dispatch.domain.on_call import OnCallDuty
from dispatch.domain.technicians import Technician

ROTA_DAYS = 7
WEEKNIGHT_START = time(18)
WEEKEND_START = time(8)
HANDOVER = time(8)
"""When the night's or the weekend day's duty hands over, the next morning."""
SATURDAY = 5


def on_call_area(technician: Technician, metros: Sequence[Metro]) -> str:
    """The metro whose rota the technician is on: the one whose centre is nearest their home."""
    return min(metros, key=lambda m: distance_m(m.centre, technician.home)).name


def make_rota(technicians: list[Technician], day: date, metros: Sequence[Metro]) -> list[OnCallDuty]:
    """Duties for each metro of ``technicians``, every day from ``ROTA_DAYS`` before ``day`` to after."""
    by_area: dict[str, list[Technician]] = defaultdict(list)
    for technician in technicians:
        by_area[on_call_area(technician, metros)].append(technician)
    duties: list[OnCallDuty] = []
    for area in sorted(by_area):
        team = sorted(by_area[area], key=lambda t: t.id)
        taken: dict[str, int] = dict.fromkeys((t.id for t in team), 0)
        last: dict[str, int] = dict.fromkeys((t.id for t in team), -1)
        for offset in range(-ROTA_DAYS, ROTA_DAYS + 1):
            duty_day = day + timedelta(days=offset)
            weekend = duty_day.weekday() >= SATURDAY
            chosen = _next_on_call(team, duty_day, weekend, taken, last)
            if chosen is None:
                continue
            taken[chosen.id] += 1
            last[chosen.id] = duty_day.toordinal()
            zone = ZoneInfo(chosen.timezone)
            start = WEEKEND_START if weekend else WEEKNIGHT_START
            duties.append(
                OnCallDuty(
                    technician_id=chosen.id,
                    region=chosen.region,
                    starts_at=datetime.combine(duty_day, start, zone),
                    ends_at=datetime.combine(duty_day + timedelta(days=1), HANDOVER, zone),
                )
            )
    return duties


def _next_on_call(
    team: list[Technician], duty_day: date, weekend: bool, taken: dict[str, int], last: dict[str, int]
) -> Technician | None:
    """The fairest pick among those not on leave: fewest duties, longest ago, lowest id."""
    # The duty runs into the next morning: nobody on leave either day.
    present = [
        t for t in team if not _on_leave(t, duty_day) and not _on_leave(t, duty_day + timedelta(days=1))
    ]
    if weekend:
        off = [t for t in present if t.calendar.shift_on(duty_day) is None]
        present = off or present
    if not present:
        return None
    return min(present, key=lambda t: (taken[t.id], last[t.id], t.id))


def _on_leave(technician: Technician, day: date) -> bool:
    """A dated day off (leave): whoever is away that day is not on call either."""
    exceptions = technician.calendar.exceptions
    return day in exceptions and exceptions[day] is None
