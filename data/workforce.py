"""The field workforce: technicians based where the work is, and the stores depots that feed their vans.

Technicians are shared out over the metros in proportion to the sites there (largest remainders, at least
one per region), so some small metros have no technician and their jobs are far from everyone, as on a
real day. Each holds 2-4 skills; every skill is held at level 4 or 5 by someone, so every job the
generator makes can be done by at least one technician.

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
from data.people import email_address, person_name, phone_number, street_line
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


def _sites_per_metro(metros: tuple[Metro, ...], sites: list[Site]) -> list[int]:
    """How many sites lie in each metro (a site belongs to the metro whose ZIP list holds its postcode)."""
    index = {z.code: i for i in reversed(range(len(metros))) for z in metros[i].zips}
    counts = Counter(index[s.postcode] for s in sites if s.postcode in index)
    return [counts.get(i, 0) for i in range(len(metros))]


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
    demand = _sites_per_metro(metros, sites)
    per_region = largest_remainders(
        count,
        [sum(d for d, m in zip(demand, metros, strict=True) if m.region == r) for r in REGIONS],
        minimum=[1 if count >= len(REGIONS) else 0 for _ in REGIONS],
    )
    homes: list[Metro] = []
    for region, region_count in zip(REGIONS, per_region, strict=True):
        members = [i for i, m in enumerate(metros) if m.region == region]
        split = largest_remainders(region_count, [float(demand[i]) for i in members])
        for i, n in zip(members, split, strict=True):
            homes.extend([metros[i]] * n)

    codes = [s.code for s in skills]
    weights = [skill_demand.get(code, 0.0) + 0.05 for code in codes]
    technicians: list[Technician] = []
    held: list[dict[str, int]] = []
    for _ in homes:
        n_skills = min(len(codes), rng.choice((2, 3, 3, 4)))
        chosen: list[str] = []
        while len(chosen) < n_skills:
            code = rng.choices(codes, weights=weights, k=1)[0]
            if code not in chosen:
                chosen.append(code)
        levels = {
            code: rng.randint(3, MAX_SKILL_LEVEL) if k == 0 else rng.randint(1, 4)
            for k, code in enumerate(chosen)
        }
        held.append(levels)
    _ensure_every_skill_has_an_expert(rng, held, codes)

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
                email=email_address(name, "fieldops.example"),
                phone=phone_number(rng, area.area_codes),
            )
        )
    return technicians


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
