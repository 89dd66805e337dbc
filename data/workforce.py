"""The field workforce: technicians based where the work is, and the stores depots that feed their vans.

Every metro with sites gets two technicians (one when the workforce is under four per metro), and the rest
are shared out in proportion to the sites (largest remainders), so the big metros have teams.

Most technicians are field generalists: desktop, printers, point of sale and networking at levels 2-3,
usually Wi-Fi and cabling at 2-3 too, often some server work. A minority (``SPECIALIST_SHARE`` of those
beyond the first two in a metro, so in the big metros) are specialists: one or two of server,
storage, Wi-Fi and cabling at level 4-5, with networking and a little generalist work besides. Each
metro's team is staffed to cover its everyday work: someone there holds each trade but storage at 3.
Every skill is held at level 4 or 5 by someone, so every job the generator makes can be done by at
least one technician; the few specialists are far from some specialist jobs, as on a real day.

E-mail addresses are logins, so a name that comes twice gets a number (``angela.moore2@``).

Shift patterns: most work Mon-Fri 08:00-17:00 with a 30-minute lunch starting between 11:30 and 13:30;
about a fifth work early, 07:00-15:30 (lunch from 11:00 to 13:00); about one in ten works Tuesday to
Saturday. About one in thirty is on leave on the planned day.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, time, timedelta

from data.apportion import largest_remainders
from data.catalogue import CataloguePart
from data.people import person_name, phone_number, street_line, unique_email_address
from data.places import REGIONS, Metro, jitter, region_of
from dispatch.domain.catalogue import MAX_SKILL_LEVEL, Skill
from dispatch.domain.customers import Site
from dispatch.domain.geo import GeoPoint
from dispatch.domain.technicians import Depot, LunchBreak, Shift, Technician, WorkingCalendar

STANDARD_SHIFT = Shift(time(8), time(17), LunchBreak(time(11, 30), time(13, 30), timedelta(minutes=30)))
EARLY_SHIFT = Shift(time(7), time(15, 30), LunchBreak(time(11), time(13), timedelta(minutes=30)))
MON_FRI = (STANDARD_SHIFT,) * 5 + (None, None)
EARLY_MON_FRI = (EARLY_SHIFT,) * 5 + (None, None)
TUE_SAT = (None,) + (STANDARD_SHIFT,) * 5 + (None,)
LEAVE_PROBABILITY = 1 / 30
EXPERT_LEVEL = 4

SPECIALIST_SKILLS = ("server", "storage", "wireless", "cabling")
MIN_TECHNICIANS_PER_METRO = 2
"""A metro's own cover: one technician off sick or on leave must not leave its customers with nobody."""
TEAM_TRADES = ("desktop", "printers", "pos", "network", "wireless", "cabling", "server")
TEAM_LEVEL = 3
"""Each metro's team holds every everyday trade at this level in someone: the provider staffs for its work."""
SPECIALIST_SHARE = 0.3
"""Chance that a technician beyond the first two in a metro is a specialist."""
GENERALIST_PROFILE: dict[str, tuple[float, tuple[float, ...]]] = {
    "desktop": (0.95, (0.0, 0.30, 0.60, 0.10, 0.0)),
    "printers": (0.90, (0.0, 0.30, 0.60, 0.10, 0.0)),
    "pos": (0.90, (0.0, 0.30, 0.60, 0.10, 0.0)),
    "network": (0.90, (0.0, 0.30, 0.55, 0.15, 0.0)),
    "wireless": (0.85, (0.05, 0.35, 0.55, 0.05, 0.0)),
    "cabling": (0.70, (0.10, 0.40, 0.50, 0.0, 0.0)),
    "server": (0.50, (0.15, 0.50, 0.35, 0.0, 0.0)),
    "storage": (0.25, (0.30, 0.50, 0.20, 0.0, 0.0)),
}
"""For a generalist, each skill's chance of being held and the weights of levels 1-5 when it is."""
SPECIALIST_SIDELINE: dict[str, tuple[float, tuple[float, ...]]] = {
    "network": (0.9, (0.0, 0.20, 0.50, 0.30, 0.0)),
    "desktop": (0.5, (0.10, 0.50, 0.40, 0.0, 0.0)),
    "printers": (0.3, (0.20, 0.50, 0.30, 0.0, 0.0)),
    "pos": (0.3, (0.20, 0.50, 0.30, 0.0, 0.0)),
    "server": (0.3, (0.0, 0.40, 0.60, 0.0, 0.0)),
    "storage": (0.2, (0.0, 0.50, 0.50, 0.0, 0.0)),
    "wireless": (0.4, (0.0, 0.40, 0.60, 0.0, 0.0)),
    "cabling": (0.4, (0.0, 0.40, 0.60, 0.0, 0.0)),
}
"""For a specialist, the other skills held besides the speciality, with the weights of levels 1-5."""


def _sites_per_metro(metros: tuple[Metro, ...], sites: list[Site]) -> list[int]:
    """How many sites lie in each metro (a site belongs to the metro whose ZIP list holds its postcode)."""
    index = {z.code: i for i in reversed(range(len(metros))) for z in metros[i].zips}
    counts = Counter(index[s.postcode] for s in sites if s.postcode in index)
    return [counts.get(i, 0) for i in range(len(metros))]


def _technicians_per_metro(count: int, metros: tuple[Metro, ...], demand: list[int]) -> list[int]:
    """Two for each metro with sites (one, or region leaders first, when too few), the rest by sites."""
    leaders = [next((i for i, m in enumerate(metros) if m.region == r and demand[i]), None) for r in REGIONS]
    others = sorted((i for i in range(len(metros)) if demand[i]), key=lambda i: (-demand[i], i))
    staffed = list(dict.fromkeys([i for i in leaders if i is not None] + others))[:count]
    each = MIN_TECHNICIANS_PER_METRO if 2 * MIN_TECHNICIANS_PER_METRO * len(staffed) <= count else 1
    minimum = [each if i in staffed else 0 for i in range(len(metros))]
    return largest_remainders(count, [float(d) for d in demand], minimum=minimum)


def make_technicians(
    rng: random.Random,
    *,
    count: int,
    metros: tuple[Metro, ...],
    sites: list[Site],
    skills: tuple[Skill, ...],
    parts: tuple[CataloguePart, ...],
    skill_demand: dict[str, float],
    day: date,
) -> list[Technician]:
    """``count`` technicians based in the metros where the sites are."""
    homes: list[Metro] = []
    metro_cover: list[bool] = []
    team_sizes = _technicians_per_metro(count, metros, _sites_per_metro(metros, sites))
    for metro, n in zip(metros, team_sizes, strict=True):
        homes.extend([metro] * n)
        metro_cover.extend([k < MIN_TECHNICIANS_PER_METRO for k in range(n)])

    codes = [s.code for s in skills]
    held = [
        _generalist(rng, codes)
        if cover or rng.random() >= SPECIALIST_SHARE
        else _specialist(rng, codes, skill_demand)
        for cover in metro_cover
    ]
    start = 0
    for n in team_sizes:
        _cover_the_trades(rng, held[start : start + n], codes)
        start += n
    _ensure_every_skill_has_an_expert(rng, held, codes)

    technicians: list[Technician] = []
    emails: set[str] = set()
    for index, (metro, levels) in enumerate(zip(homes, held, strict=True)):
        area = metro.zips[rng.randrange(len(metro.zips))]
        name = person_name(rng)
        pattern = rng.choices((MON_FRI, EARLY_MON_FRI, TUE_SAT), weights=(0.7, 0.2, 0.1), k=1)[0]
        exceptions: dict[date, Shift | None] = {day: None} if rng.random() < LEAVE_PROBABILITY else {}
        technicians.append(
            Technician(
                id=f"TECH-{index + 1:04d}",
                name=name,
                home=jitter(GeoPoint(area.lat, area.lon), rng),
                home_address=f"{street_line(rng, commercial=False)}, {area.city}, {area.state} {area.code}",
                timezone=area.timezone,
                region=region_of(area.timezone),
                skills=dict(sorted(levels.items())),
                calendar=WorkingCalendar(weekly=pattern, exceptions=exceptions),
                van_stock=_van_stock(rng, parts, set(levels)),
                email=unique_email_address(name, "fieldops.example", emails),
                phone=phone_number(rng, area.area_codes),
            )
        )
    return technicians


def _level(rng: random.Random, weights: tuple[float, ...]) -> int:
    return rng.choices(range(1, MAX_SKILL_LEVEL + 1), weights=weights, k=1)[0]


def _draw(
    rng: random.Random, codes: list[str], profile: dict[str, tuple[float, tuple[float, ...]]]
) -> dict[str, int]:
    """Each known skill of ``profile``, held with its chance, at a level drawn from its weights."""
    levels: dict[str, int] = {}
    for code, (chance, weights) in profile.items():
        if code in codes and rng.random() < chance:
            levels[code] = _level(rng, weights)
    return levels


def _generalist(rng: random.Random, codes: list[str]) -> dict[str, int]:
    """A field generalist: the everyday trades at 2-3, some Wi-Fi, cabling and server work lower down."""
    levels = _draw(rng, codes, GENERALIST_PROFILE)
    for code in [c for c in codes if c not in levels][: max(0, 2 - len(levels))]:
        levels[code] = _level(rng, (0.0, 0.5, 0.5, 0.0, 0.0))
    return levels


def _specialist(rng: random.Random, codes: list[str], skill_demand: dict[str, float]) -> dict[str, int]:
    """A specialist: one or two specialist trades at 4-5, networking and a little generalist work besides."""
    trades = [c for c in SPECIALIST_SKILLS if c in codes]
    if not trades:
        return _generalist(rng, codes)
    weights = [skill_demand.get(c, 0.0) + 0.05 for c in trades]
    drawn = rng.choices(trades, weights=weights, k=rng.choice((1, 1, 2)))
    specialities = list(dict.fromkeys(drawn))  # in drawing order: a set's order would follow the hash seed
    levels = _draw(rng, codes, {c: p for c, p in SPECIALIST_SIDELINE.items() if c not in specialities})
    for code in specialities:
        levels[code] = rng.randint(EXPERT_LEVEL, MAX_SKILL_LEVEL)
    for code in [c for c in codes if c not in levels][: max(0, 2 - len(levels))]:
        levels[code] = _level(rng, (0.0, 0.5, 0.5, 0.0, 0.0))
    return levels


def _cover_the_trades(rng: random.Random, team: list[dict[str, int]], codes: list[str]) -> None:
    """Raise one member of a metro's team to ``TEAM_LEVEL`` in each everyday trade nobody there holds so."""
    if not team:
        return
    for code in TEAM_TRADES:
        if code in codes and all(levels.get(code, 0) < TEAM_LEVEL for levels in team):
            team[rng.randrange(len(team))][code] = TEAM_LEVEL


def _ensure_every_skill_has_an_expert(
    rng: random.Random, held: list[dict[str, int]], codes: list[str]
) -> None:
    """Raise one technician per missing skill to expert level, preferring those with the fewest skills."""
    if not held:
        return
    for code in codes:
        if any(levels.get(code, 0) >= EXPERT_LEVEL for levels in held):
            continue
        holders = [i for i, levels in enumerate(held) if code in levels]
        candidates = holders or sorted(range(len(held)), key=lambda i: (len(held[i]), i))[:5]
        held[rng.choice(candidates)][code] = rng.randint(EXPERT_LEVEL, MAX_SKILL_LEVEL)


def _van_stock(rng: random.Random, parts: tuple[CataloguePart, ...], skills: set[str]) -> dict[str, int]:
    """Common parts of the technician's trades 1-3 each; scarce ones mostly none, sometimes one."""
    stock: dict[str, int] = {}
    for item in parts:
        own_trade = item.part.category in skills
        if item.scarce:
            quantity = 1 if own_trade and rng.random() < 0.35 else 0
        elif own_trade:
            quantity = rng.randint(1, 3) if rng.random() < 0.9 else 0
        else:
            quantity = 1 if rng.random() < 0.15 else 0
        if quantity:
            stock[item.part.sku] = quantity
    return stock


def make_depots(
    rng: random.Random,
    *,
    count: int,
    metros: tuple[Metro, ...],
    sites: list[Site],
    parts: tuple[CataloguePart, ...],
) -> list[Depot]:
    """``count`` depots with deep stock in the busiest metros, shared over the regions by their sites."""
    demand = _sites_per_metro(metros, sites)
    per_region = largest_remainders(
        count, [float(sum(d for d, m in zip(demand, metros, strict=True) if m.region == r)) for r in REGIONS]
    )
    hubs: list[Metro] = []
    for region, n in zip(REGIONS, per_region, strict=True):
        members = sorted(
            (i for i, m in enumerate(metros) if m.region == region),
            key=lambda i: (-demand[i], -metros[i].population),
        )
        hubs.extend(metros[i] for i in members[:n])
    depots = []
    for index, metro in enumerate(hubs):
        area = metro.zips[min(len(metro.zips) - 1, rng.randrange(10))]
        depots.append(
            Depot(
                id=f"DEPOT-{index + 1:03d}",
                name=f"{metro.name} Stores Depot",
                address=f"{street_line(rng)}, {area.city}, {area.state} {area.code}",
                location=jitter(GeoPoint(area.lat, area.lon), rng),
                timezone=area.timezone,
                stock={p.part.sku: rng.randint(4, 12) if p.scarce else rng.randint(20, 60) for p in parts},
                opening_hours_start=time(7),
                opening_hours_end=time(19),
            )
        )
    return depots
