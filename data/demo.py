"""The nationwide demo: a deterministic, realistic IT support and maintenance provider and its day.

``generate_demo(DemoConfig(seed=7, day=date(2026, 3, 10)))`` returns a ``Dataset`` of domain objects.
The same config always gives the same data: every random choice comes from ``random.Random`` seeded
with the config's seed and the name of the stage, never from the global generator or the clock, so
changing how tickets are drawn does not move the sites.

``scale`` multiplies the counts of customers, sites, technicians, depots and tickets (not the
catalogue), so benchmarks can ask for 10x: 400 technicians, 2,000 sites, 1,500 tickets. The provider
works in the ``METROS_AT_SCALE_1`` biggest metros for its 40 technicians, more (by the square root of the
workforce, up to ``MAX_METROS``) when it grows, however the size is asked for (``scale`` or counts): so each
metro has technicians of its own and the big ones a team, and 2,000 technicians work across 85 metros
rather than 167 to a city; a few sites lie in the outskirts.

Every stage is linear in the size of the provider, so a day of 20,000 jobs and 2,000 technicians takes
seconds to generate.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from data import catalogue
from data.customers import CustomerBook, make_customers
from data.history import History, make_history
from data.jobs import make_jobs
from data.places import metros, outskirts
from data.rota import make_rota
from data.standby import make_standby
from data.tickets import make_tickets
from data.workforce import make_depots, make_technicians
from dispatch.domain.dataset import Dataset

METROS_AT_SCALE_1 = 12
WORKFORCE_AT_SCALE_1 = 40
MIN_METROS = 8
MAX_METROS = 120


@dataclass(frozen=True, slots=True)
class DemoConfig:
    """What to generate: the seed, the day to plan, and the sizes (multiplied by ``scale``)."""

    seed: int
    day: date
    technicians: int = 40
    depots: int = 3
    sites: int = 200
    tickets: int = 150
    customers: int = 50
    skills: int = 8
    parts: int = 30
    scale: float = 1.0

    def __post_init__(self) -> None:
        if self.scale <= 0:
            raise ValueError(f"scale must be positive, not {self.scale}")
        for name in ("technicians", "depots", "sites", "tickets", "customers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.scaled(self.customers) > self.scaled(self.sites):
            raise ValueError("every customer needs a site: ask for at least as many sites as customers")

    def scaled(self, count: int) -> int:
        """``count`` times ``scale``, at least 1."""
        return max(1, round(count * self.scale))


def metros_for(technicians: int) -> int:
    """How many metros a workforce of this size works in: 12 for 40, by the square root beyond."""
    grown = round(METROS_AT_SCALE_1 * math.sqrt(technicians / WORKFORCE_AT_SCALE_1))
    return min(MAX_METROS, max(MIN_METROS, grown))


def _rng(config: DemoConfig, stage: str) -> random.Random:
    return random.Random(f"fieldops-demo:{config.seed}:{stage}")


def _metro_count(config: DemoConfig) -> int:
    return metros_for(config.scaled(config.technicians))


def customer_book(config: DemoConfig) -> CustomerBook:
    """The demo's customers, contracts and sites, with what kind each site is (for tickets)."""
    metro_count = _metro_count(config)
    return make_customers(
        _rng(config, "customers"),
        customers=config.scaled(config.customers),
        sites=config.scaled(config.sites),
        metros=metros(metro_count),
        outskirts=outskirts(metro_count),
        day=config.day,
    )


def generate_demo(config: DemoConfig) -> Dataset:
    """A whole provider and its open workload on ``config.day``, as plain domain objects."""
    skills = catalogue.skills(config.skills)
    skill_codes = tuple(s.code for s in skills)
    parts = catalogue.parts(config.parts, skill_codes)
    places = metros(_metro_count(config))
    book = customer_book(config)
    demand: dict[str, float] = defaultdict(float)
    for kind in book.site_kinds.values():
        for code, weight in kind.categories:
            demand[code] += weight
    technicians = make_technicians(
        _rng(config, "technicians"),
        count=config.scaled(config.technicians),
        metros=places,
        sites=book.sites,
        skills=skills,
        parts=parts,
        skill_demand=dict(demand),
        day=config.day,
    )
    depots = make_depots(
        _rng(config, "depots"),
        count=config.scaled(config.depots),
        metros=places,
        sites=book.sites,
        parts=parts,
    )
    open_tickets = make_tickets(
        _rng(config, "tickets"),
        count=config.scaled(config.tickets),
        day=config.day,
        sites=book.sites,
        site_kinds=book.site_kinds,
        contract_by_customer=book.contract_by_customer,
        skill_codes=skill_codes,
        part_skus=frozenset(p.part.sku for p in parts),
    )
    jobs = make_jobs(
        _rng(config, "jobs"),
        tickets=open_tickets,
        day=config.day,
        sites={s.id: s for s in book.sites},
        technicians=technicians,
        parts={p.part.sku: p for p in parts},
    )
    duties = make_rota(technicians, config.day, places)
    return Dataset(
        skills=list(skills),
        parts=[p.part for p in parts],
        customers=book.customers,
        sites=book.sites,
        contracts=book.contracts,
        depots=depots,
        technicians=technicians,
        on_call_duties=duties,
        tickets=[t.ticket for t in open_tickets],
        jobs=jobs,
        standby_agreements=make_standby(technicians, book.sites, duties, places, config.day),
    )


def generate_history(config: DemoConfig, dataset: Dataset) -> History:
    """The months of visits ``dataset``'s provider did before ``config.day`` (see ``data.history``)."""
    return make_history(_rng(config, "history"), dataset, config.day)
