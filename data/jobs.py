"""Onsite jobs for the open tickets: how long, who may do them, with which parts, and when the site allows.

Durations (minutes, before a +-25% spread, rounded to 5 and kept in 30..180): network 60, pos 45,
desktop 45, printers 40, server 90, wireless 50, storage 90, cabling 75; maintenance takes 1.5-2.5 times
as long. The ticket's category is the required skill, mostly at level 1-3: level 4 or more is
rare on everyday trades (1% on desktop, printers and point of sale, 3% on networking, 8% on Wi-Fi and
cabling) and commoner on servers and storage (15%), which need at least 3 for P1/P2. About one job
in seven also needs a companion skill (network with cabling, server with storage, ...) at level 1-2.
A job needs the part its summary names, one unit (cheap parts sometimes 2-3).

Windows are intervals in which the visit may start, in UTC, on the planned day in the site's local time,
always inside the site's access hours and early enough to finish before the site closes:
the whole opening for ``onsite_required`` tickets; for ``scheduled`` ones an agreed appointment:
a maintenance window of 2-4 h between 07:00 and 17:00, "morning only", "after 14:00", or two slots
(09:00-11:00 and 14:00-16:00). About 3% of jobs are pinned to a technician the customer asked for:
the nearest qualified one in the site's region who works that day.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from data.catalogue import CataloguePart
from data.places import distance_m
from data.tickets import OpenTicket
from dispatch.domain.customers import Site
from dispatch.domain.jobs import Job, PartRequirement, SkillRequirement, TimeWindow
from dispatch.domain.technicians import Technician
from dispatch.domain.tickets import TicketKind, TicketState

BASE_MINUTES = {
    "network": 60,
    "pos": 45,
    "desktop": 45,
    "printers": 40,
    "server": 90,
    "wireless": 50,
    "storage": 90,
    "cabling": 75,
}
COMPANION_SKILL = {
    "network": "cabling",
    "cabling": "network",
    "server": "storage",
    "storage": "server",
    "pos": "network",
    "wireless": "network",
    "desktop": "printers",
    "printers": "desktop",
}
LEVEL_WEIGHTS = {
    "desktop": (0.30, 0.46, 0.23, 0.01, 0.0),
    "printers": (0.30, 0.46, 0.23, 0.01, 0.0),
    "pos": (0.30, 0.46, 0.23, 0.01, 0.0),
    "network": (0.25, 0.45, 0.27, 0.03, 0.0),
    "wireless": (0.20, 0.45, 0.27, 0.06, 0.02),
    "cabling": (0.20, 0.45, 0.27, 0.06, 0.02),
    "server": (0.15, 0.40, 0.30, 0.12, 0.03),
    "storage": (0.15, 0.40, 0.30, 0.12, 0.03),
}
"""Weights of required levels 1-5 per trade: level 4 or more is rare on everyday work, commoner on servers."""
COMPANION_SHARE = 0.15
PIN_SHARE = 0.03
MAINTENANCE_FACTOR = (1.5, 2.5)
"""Maintenance takes this many times as long as a repair in the same trade (drawn uniformly)."""
MIN_DURATION = timedelta(minutes=30)
MAX_DURATION = timedelta(minutes=180)


def make_jobs(
    rng: random.Random,
    *,
    tickets: list[OpenTicket],
    day: date,
    sites: dict[str, Site],
    technicians: list[Technician],
    parts: dict[str, CataloguePart],
) -> list[Job]:
    """One job per onsite ticket, each doable by at least one technician's skills."""
    jobs: list[Job] = []
    working = [t for t in technicians if t.calendar.shift_on(day) is not None]
    for item in tickets:
        if item.onsite:
            site = sites[item.ticket.site_id]
            job_id = f"JOB-{len(jobs) + 1:06d}"
            jobs.append(
                onsite_job(
                    rng,
                    item,
                    job_id,
                    day=day,
                    site=site,
                    technicians=technicians,
                    working=working,
                    parts=parts,
                )
            )
    return jobs


def onsite_job(
    rng: random.Random,
    item: OpenTicket,
    job_id: str,
    *,
    day: date,
    site: Site,
    technicians: list[Technician],
    working: list[Technician],
    parts: dict[str, CataloguePart],
) -> Job:
    """The onsite job of one ticket: duration, skills some technician holds, parts and windows on ``day``."""
    ticket = item.ticket
    duration = _duration(rng, ticket.category, ticket.kind)
    skills = _serviceable(_skills(rng, ticket.category, ticket.priority.rank), technicians)
    required_parts: tuple[PartRequirement, ...] = ()
    if item.part_sku is not None:
        cheap = not parts[item.part_sku].scarce
        quantity = rng.choice((1, 1, 1, 2, 3)) if cheap else 1
        required_parts = (PartRequirement(item.part_sku, quantity),)
    pinned = None
    if rng.random() < PIN_SHARE:
        pinned = _nearest_qualified(site, skills, working)
    return Job(
        id=job_id,
        ticket_id=ticket.id,
        site_id=site.id,
        duration=duration,
        priority=ticket.priority,
        required_skills=skills,
        required_parts=required_parts,
        windows=_windows(rng, site, day, duration, ticket.kind, ticket.state),
        sla_due=ticket.resolution_due,
        pinned_technician_id=pinned,
    )


def typical_minutes(category: str, kind: TicketKind) -> float:
    """The middle of what a job of ``category`` and ``kind`` is planned to take (before rounding)."""
    minutes = float(BASE_MINUTES.get(category, 60))
    if kind is TicketKind.MAINTENANCE:
        minutes *= sum(MAINTENANCE_FACTOR) / 2
    return minutes


def planned_duration(rng: random.Random, category: str, kind: TicketKind) -> timedelta:
    """What a job of ``category`` and ``kind`` is planned to take: a spread around ``typical_minutes``,
    rounded to 5 minutes and kept in MIN_DURATION..MAX_DURATION."""
    return _duration(rng, category, kind)


def _duration(rng: random.Random, category: str, kind: TicketKind) -> timedelta:
    minutes = BASE_MINUTES.get(category, 60) * rng.uniform(0.75, 1.25)
    if kind is TicketKind.MAINTENANCE:
        minutes *= rng.uniform(*MAINTENANCE_FACTOR)
    rounded = timedelta(minutes=5 * round(minutes / 5))
    return min(MAX_DURATION, max(MIN_DURATION, rounded))


def _skills(rng: random.Random, category: str, rank: int) -> tuple[SkillRequirement, ...]:
    weights = LEVEL_WEIGHTS.get(category, LEVEL_WEIGHTS["network"])
    level = rng.choices((1, 2, 3, 4, 5), weights=weights, k=1)[0]
    if category in ("server", "storage") and rank <= 2:
        level = max(level, 3)
    required = [SkillRequirement(category, level)]
    companion = COMPANION_SKILL.get(category)
    if companion is not None and rng.random() < COMPANION_SHARE:
        required.append(SkillRequirement(companion, rng.randint(1, 2)))
    return tuple(required)


def _qualifies(technician: Technician, skills: tuple[SkillRequirement, ...]) -> bool:
    return all(technician.skills.get(r.skill, 0) >= r.min_level for r in skills)


def _serviceable(
    skills: tuple[SkillRequirement, ...], technicians: list[Technician]
) -> tuple[SkillRequirement, ...]:
    """The requirements, eased (companion dropped, then level lowered) until some technician qualifies."""
    candidates = [skills, skills[:1]]
    candidates += [
        (SkillRequirement(skills[0].skill, level),) for level in range(skills[0].min_level - 1, 0, -1)
    ]
    for candidate in candidates:
        if any(_qualifies(t, candidate) for t in technicians):
            return candidate
    raise ValueError(f"no technician holds skill {skills[0].skill!r} at all")


def _nearest_qualified(
    site: Site, skills: tuple[SkillRequirement, ...], working: list[Technician]
) -> str | None:
    qualified = [t for t in working if t.region == site.region and _qualifies(t, skills)]
    if not qualified:
        return None
    return min(qualified, key=lambda t: (distance_m(t.home, site.location), t.id)).id


def access_intervals(site: Site, day: date) -> list[tuple[datetime, datetime]]:
    """The site's open intervals on ``day`` as aware local datetimes (``end`` 00:00 means midnight)."""
    tz = ZoneInfo(site.timezone)
    intervals = []
    for hours in site.access_hours.days[day.weekday()]:
        start = datetime.combine(day, hours.start, tz)
        end_day = day + timedelta(days=1) if hours.end == time(0) else day
        intervals.append((start, datetime.combine(end_day, hours.end, tz)))
    return intervals


def _windows(
    rng: random.Random, site: Site, day: date, duration: timedelta, kind: TicketKind, state: TicketState
) -> tuple[TimeWindow, ...]:
    """Start windows inside the access hours of ``day``, each leaving time to finish before closing."""
    tz = ZoneInfo(site.timezone)
    opening = []
    for start, end in access_intervals(site, day):
        start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
        latest = max(start_utc + timedelta(minutes=5), end_utc - duration)
        opening.append((start_utc, latest))

    def at(hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tz).astimezone(UTC)

    wanted: list[tuple[datetime, datetime]]
    if kind is TicketKind.MAINTENANCE:
        length = timedelta(hours=rng.choice((2, 3, 4)))
        first = at(7)
        slots = int((at(17) - length - first) / timedelta(minutes=30))
        begin = first + timedelta(minutes=30 * rng.randint(0, max(0, slots)))
        wanted = [(begin, begin + length)]
    elif state is TicketState.SCHEDULED:
        style = rng.choice(("morning", "afternoon", "two_slots"))
        if style == "morning":
            wanted = [(at(0), at(12))]
        elif style == "afternoon":
            wanted = [(at(14), at(23, 59))]
        else:
            wanted = [(at(9), at(11)), (at(14), at(16))]
    else:
        wanted = list(opening)

    windows = _intersect(wanted, opening)
    if not windows:
        windows = opening
    return tuple(TimeWindow(start, end) for start, end in windows)


def _intersect(
    wanted: list[tuple[datetime, datetime]], allowed: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    result = []
    for w_start, w_end in wanted:
        for a_start, a_end in allowed:
            start, end = max(w_start, a_start), min(w_end, a_end)
            if end > start:
                result.append((start, end))
    return sorted(result)
