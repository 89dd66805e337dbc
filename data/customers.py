"""Customers, their sites and contracts: the businesses the demo provider looks after.

Five segments, each with its kind of sites, footprint and usual SLA tier:

- retail chains: many shops across the country, open 07:00-22:00 every day; mostly Gold or Silver;
- restaurant groups: restaurants in one or two regions, 07:00-23:00 every day; Silver or Bronze;
- offices: a head office and branches (Mon-Fri 08:00-18:00), some with a data room (24x7);
- clinics: regional groups, Mon-Fri 07:00-19:00 and Saturday mornings; Silver or Gold;
- warehouses: distribution centres (Mon-Sat 06:00-22:00), some with a data room; Gold or Silver.

Customers get sites in proportion to a segment size weight; each site lies in a metro drawn with weight
``population ** 0.75`` (damped, so New York City does not take a sixth of all sites), from the whole
country for national customers or from one or two home regions for regional ones. The metros are the
ones the provider has technicians in; about ``REMOTE_SHARE`` of sites lie in the metro's outskirts
instead, small towns 110-250 km out, which a technician reaches only with a long drive, if at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TypeVar

from data.apportion import largest_remainders
from data.people import email_address, person_name, phone_number, street_line
from data.places import REGIONS, Metro, ZipArea, jitter, region_of
from data.sla_tiers import BRONZE, GOLD, SILVER
from dispatch.domain.contracts import Contract, SlaPolicy
from dispatch.domain.customers import Contact, Customer, Site
from dispatch.domain.geo import GeoPoint
from dispatch.domain.weekly_hours import DailyHours, WeeklyHours

METRO_WEIGHT_EXPONENT = 0.75
REMOTE_SHARE = 0.03
T = TypeVar("T")
_PLAIN_NAME_TRIES = 50
"""Random draws tried before a name takes more words (then a number), so a big provider never runs out."""


@dataclass(frozen=True, slots=True)
class SiteKind:
    """A kind of site: its name pattern, access hours, notes for the technician, and how much it breaks."""

    code: str
    label: str
    access_hours: WeeklyHours
    access_notes: tuple[str, ...]
    categories: tuple[tuple[str, float], ...]
    """Ticket categories (skill codes) with their weights at this kind of site."""


def _daily(start: time, end: time) -> WeeklyHours:
    return WeeklyHours(days=tuple((DailyHours(start, end),) for _ in range(7)))


SHOP = SiteKind(
    "shop",
    "Store",
    _daily(time(7), time(22)),
    (
        "Ask for the store manager at customer service.",
        "Use the rear delivery entrance; park in the back lot.",
        "Sign in at the service desk; tills can only be taken offline outside peak hours.",
    ),
    (
        ("pos", 0.40),
        ("network", 0.15),
        ("printers", 0.10),
        ("wireless", 0.15),
        ("desktop", 0.1),
        ("cabling", 0.1),
    ),
)
RESTAURANT = SiteKind(
    "restaurant",
    "Restaurant",
    _daily(time(7), time(23)),
    (
        "Staff entrance at the side; kitchen team opens at 07:00.",
        "Avoid the lunch rush 11:30-13:30 unless the tills are down.",
    ),
    (("pos", 0.50), ("network", 0.20), ("wireless", 0.15), ("printers", 0.10), ("cabling", 0.05)),
)
OFFICE = SiteKind(
    "office",
    "Office",
    WeeklyHours.weekdays(time(8), time(18)),
    (
        "Sign in at reception; photo ID required.",
        "Visitor parking on level 2; reception issues a badge.",
        "Comms room key held by facilities on the 1st floor.",
    ),
    (
        ("desktop", 0.30),
        ("printers", 0.20),
        ("network", 0.20),
        ("wireless", 0.10),
        ("server", 0.10),
        ("storage", 0.05),
        ("cabling", 0.05),
    ),
)
CLINIC = SiteKind(
    "clinic",
    "Clinic",
    WeeklyHours.weekdays(time(7), time(19), saturday=DailyHours(time(8), time(13))),
    (
        "Check in at the front desk; do not enter treatment rooms without staff.",
        "Patient privacy: screens must not be left unlocked while working.",
    ),
    (("desktop", 0.30), ("printers", 0.25), ("network", 0.20), ("wireless", 0.10), ("server", 0.15)),
)
WAREHOUSE = SiteKind(
    "warehouse",
    "Distribution Center",
    WeeklyHours(days=(*((DailyHours(time(6), time(22)),) for _ in range(6)), ())),
    (
        "Report to the gatehouse; hi-vis vest and safety boots required on the floor.",
        "Forklift traffic: stay inside the marked walkways.",
    ),
    (("wireless", 0.35), ("printers", 0.25), ("network", 0.20), ("server", 0.10), ("cabling", 0.10)),
)
DATA_ROOM = SiteKind(
    "data_room",
    "Data Room",
    WeeklyHours.always(),
    (
        "Escorted access only: call the NOC 30 minutes before arrival.",
        "Badge and biometric entry; change tickets must be approved before work starts.",
    ),
    (("server", 0.35), ("storage", 0.30), ("network", 0.25), ("cabling", 0.10)),
)


@dataclass(frozen=True, slots=True)
class Segment:
    """A kind of customer: how common, how big, which sites, how far it spreads, which tier it buys."""

    code: str
    share: float
    size_weight: float
    site_kinds: tuple[tuple[SiteKind, float], ...]
    national: bool
    tiers: tuple[tuple[SlaPolicy, float], ...]
    name_patterns: tuple[str, ...]
    domain_word: str


SEGMENTS: tuple[Segment, ...] = (
    Segment(
        "retail",
        0.30,
        9.0,
        ((SHOP, 1.0),),
        True,
        ((GOLD, 0.5), (SILVER, 0.4), (BRONZE, 0.1)),
        ("{a} {b} Stores", "{a} Market", "{b} & Co. Retail", "{a} Outfitters", "{a} Home & Garden"),
        "retail",
    ),
    Segment(
        "restaurant",
        0.20,
        5.0,
        ((RESTAURANT, 1.0),),
        False,
        ((SILVER, 0.6), (BRONZE, 0.3), (GOLD, 0.1)),
        ("{a} Grill Group", "{b} Kitchen Co.", "{a} Taco Holdings", "{b}'s Diners", "{a} Pizza Partners"),
        "dining",
    ),
    Segment(
        "office",
        0.22,
        1.8,
        ((OFFICE, 0.85), (DATA_ROOM, 0.15)),
        True,
        ((SILVER, 0.5), (BRONZE, 0.35), (GOLD, 0.15)),
        ("{b} & {c} LLP", "{a} Financial", "{a} Insurance Group", "{b} Engineering", "{a} Realty"),
        "corp",
    ),
    Segment(
        "clinic",
        0.14,
        3.0,
        ((CLINIC, 1.0),),
        False,
        ((SILVER, 0.6), (GOLD, 0.3), (BRONZE, 0.1)),
        ("{a} Family Health", "{b} Medical Group", "{a} Dental Partners", "{a} Urgent Care"),
        "health",
    ),
    Segment(
        "warehouse",
        0.14,
        2.2,
        ((WAREHOUSE, 0.85), (DATA_ROOM, 0.15)),
        True,
        ((GOLD, 0.6), (SILVER, 0.4)),
        ("{a} Logistics", "{b} Freight & Fulfillment", "{a} Distribution", "{a} Supply Co."),
        "logistics",
    ),
)

_NAME_WORDS = (
    "Summit",
    "Harbor",
    "Prairie",
    "Lone Star",
    "Evergreen",
    "Bluebonnet",
    "Cascade",
    "Keystone",
    "Liberty",
    "Pioneer",
    "Redwood",
    "Granite",
    "Magnolia",
    "Sierra",
    "Great Lakes",
    "Atlantic",
    "Frontier",
    "Heartland",
    "Canyon",
    "Riverbend",
    "Oakridge",
    "Silver Creek",
    "Northstar",
    "Sunbelt",
    "Bayside",
    "Copper",
    "Aspen",
)


@dataclass(frozen=True, slots=True)
class CustomerBook:
    """Customers with their contracts and sites, and what kind each site is (for tickets)."""

    customers: list[Customer]
    contracts: list[Contract]
    sites: list[Site]
    site_kinds: dict[str, SiteKind]
    contract_by_customer: dict[str, Contract]


def _weighted(rng: random.Random, options: tuple[tuple[T, float], ...]) -> T:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights, k=1)[0]


def _unique_name(rng: random.Random, segment: Segment, taken: set[str]) -> str:
    """A name no customer has yet: a pattern of the segment with name words, then with double words.

    A segment has only a few hundred single-word names ("Summit Logistics"); a nationwide provider with
    thousands of customers runs out of them, so after a few misses the words come in pairs ("Summit Harbor
    Logistics"), and in the end a number tells apart what is left ("Summit Harbor Logistics 2").
    """
    for _ in range(_PLAIN_NAME_TRIES):
        a, b, c = rng.sample(_NAME_WORDS, 3)
        name = rng.choice(segment.name_patterns).format(a=a, b=b.split()[0], c=c.split()[0])
        if name not in taken:
            return name
    for _ in range(_PLAIN_NAME_TRIES):
        a, a2, b, b2, c = rng.sample(_NAME_WORDS, 5)
        pattern = rng.choice(segment.name_patterns)
        name = pattern.format(a=f"{a} {a2}", b=f"{b.split()[0]} {b2.split()[0]}", c=c.split()[0])
        if name not in taken:
            return name
    number = 2
    while f"{name} {number}" in taken:
        number += 1
    return f"{name} {number}"


def _slug(name: str) -> str:
    """A mail domain label from the first two words of a name: ``Summit Harbor Stores``, ``summitharbor``."""
    return "".join(ch for ch in " ".join(name.split()[:2]).lower() if ch.isalnum())


def make_customers(
    rng: random.Random,
    *,
    customers: int,
    sites: int,
    metros: tuple[Metro, ...],
    outskirts: tuple[tuple[ZipArea, ...], ...],
    day: date,
) -> CustomerBook:
    """``customers`` customers sharing ``sites`` sites, each customer with one contract.

    ``outskirts[i]`` are the ZIP codes around ``metros[i]`` where its remote sites may lie.
    """
    segments = [_weighted(rng, tuple((s, s.share) for s in SEGMENTS)) for _ in range(customers)]
    sizes = [seg.size_weight * rng.uniform(0.4, 1.6) for seg in segments]
    site_counts = largest_remainders(sites, sizes, minimum=[1] * customers)
    metro_weights = [m.population**METRO_WEIGHT_EXPONENT for m in metros]
    # The first site of the first customers goes to the biggest metro of each region, so all four show up.
    region_leaders = [next(i for i, m in enumerate(metros) if m.region == r) for r in REGIONS]

    book = CustomerBook([], [], [], {}, {})
    taken: set[str] = set()
    leaders = list(region_leaders)
    for c_index, (segment, count) in enumerate(zip(segments, site_counts, strict=True)):
        customer_id = f"CUST-{c_index + 1:04d}"
        name = _unique_name(rng, segment, taken)
        taken.add(name)
        domain = f"{_slug(name)}.example"
        book.customers.append(Customer(id=customer_id, name=name))
        tier = _weighted(rng, segment.tiers)
        contract = Contract(
            id=f"CON-{c_index + 1:04d}",
            customer_id=customer_id,
            name=f"{name} {tier.tier.title()} support and maintenance",
            sla=tier,
            starts_on=day - timedelta(days=rng.randint(60, 1500)),
            ends_on=day + timedelta(days=rng.randint(30, 1100)),
        )
        book.contracts.append(contract)
        book.contract_by_customer[customer_id] = contract

        allowed = list(range(len(metros)))
        if not segment.national:
            home_regions = set(rng.sample(REGIONS, rng.choice((1, 1, 2))))
            allowed = [i for i in allowed if metros[i].region in home_regions]
        weights = [metro_weights[i] for i in allowed]
        for s_index in range(count):
            if leaders and s_index == 0:
                m_index = leaders.pop(0)
            else:
                m_index = rng.choices(allowed, weights=weights, k=1)[0]
            kind = _weighted(rng, segment.site_kinds)
            site_id = f"SITE-{len(book.sites) + 1:05d}"
            area = _site_area(rng, metros[m_index], outskirts[m_index])
            book.sites.append(_make_site(rng, site_id, customer_id, name, domain, kind, area, s_index))
            book.site_kinds[site_id] = kind
    return book


def pick_zip(rng: random.Random, metro: Metro, *, within: int) -> ZipArea:
    """One of the ``within`` ZIP codes nearest the metro centre."""
    return metro.zips[rng.randrange(min(within, len(metro.zips)))]


def _site_area(rng: random.Random, metro: Metro, outskirts: tuple[ZipArea, ...]) -> ZipArea:
    """A ZIP code near the metro centre, or now and then one in its outskirts."""
    if outskirts and rng.random() < REMOTE_SHARE:
        return outskirts[rng.randrange(len(outskirts))]
    return pick_zip(rng, metro, within=40)


def _make_site(
    rng: random.Random,
    site_id: str,
    customer_id: str,
    customer_name: str,
    domain: str,
    kind: SiteKind,
    area: ZipArea,
    index: int,
) -> Site:
    contact_name = person_name(rng)
    label = f"{kind.label} #{rng.randint(100, 999)}" if kind.code in ("shop", "restaurant") else kind.label
    if kind.code == "office" and index == 0:
        label = "Head Office"
    return Site(
        id=site_id,
        customer_id=customer_id,
        name=f"{customer_name} {area.city} {label}",
        address=street_line(rng),
        city=area.city,
        state=area.state,
        postcode=area.code,
        location=jitter(GeoPoint(area.lat, area.lon), rng),
        timezone=area.timezone,
        region=region_of(area.timezone),
        access_hours=kind.access_hours,
        access_notes=rng.choice(kind.access_notes),
        contact=Contact(
            name=contact_name,
            phone=phone_number(rng, area.area_codes),
            email=email_address(contact_name, domain),
        ),
    )
