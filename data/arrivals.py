"""Work that arrives after the morning plan: P1 and P2 faults reported during the day, more in the morning.

Each site's faults arrive in its own business hours (``FIRST_CALL`` to ``LAST_CALL`` local time). The
number of arrivals is Poisson around the asked-for mean; their times follow a rate that falls linearly
through those hours, twice as high at the first call as at the last, as service desks see it (tills and
networks fail when the shop opens). Sites are drawn as the morning's tickets are (busier kinds more
often, only sites open on the day); every job has a technician qualified for it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from data import catalogue
from data.demo import DemoConfig, customer_book
from data.jobs import onsite_job
from data.tickets import SITE_ACTIVITY, arriving_ticket, is_open_on
from dispatch.domain.contracts import Priority
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import Job
from dispatch.domain.tickets import Ticket

FIRST_CALL = time(7, 0)
LAST_CALL = time(16, 0)
"""Faults reported after this local time are left for the next day's plan."""


@dataclass(frozen=True, slots=True)
class Arrival:
    """A ticket reported at ``at`` and the onsite job it needs."""

    at: datetime
    ticket: Ticket
    job: Job


def make_arrivals(
    config: DemoConfig, dataset: Dataset, *, mean: float, p1_share: float, seed: int
) -> list[Arrival]:
    """About ``mean`` faults (P1 with probability ``p1_share``, else P2) arriving on ``config.day``, in
    time order; deterministic by ``seed``."""
    rng = random.Random(f"fieldops-arrivals:{config.seed}:{seed}")
    book = customer_book(config)
    skill_codes = tuple(s.code for s in dataset.skills)
    parts = {p.part.sku: p for p in catalogue.parts(config.parts, skill_codes)}
    open_sites = [s for s in dataset.sites if is_open_on(s.access_hours, config.day)]
    weights = [SITE_ACTIVITY[book.site_kinds[s.id].code] for s in open_sites]
    working = [t for t in dataset.technicians if t.calendar.shift_on(config.day) is not None]
    arrivals = []
    for index in range(_poisson(rng, mean)):
        site = rng.choices(open_sites, weights=weights, k=1)[0]
        priority = Priority.P1 if rng.random() < p1_share else Priority.P2
        opened_at = _call_time(rng, config.day, site.timezone)
        item = arriving_ticket(
            rng,
            ticket_id=f"TKT-N{index + 1:05d}",
            site=site,
            site_kind=book.site_kinds[site.id],
            contract=book.contract_by_customer[site.customer_id],
            priority=priority,
            opened_at=opened_at,
            skill_codes=skill_codes,
            part_skus=frozenset(parts),
        )
        job = onsite_job(
            rng,
            item,
            f"JOB-N{index + 1:05d}",
            day=config.day,
            site=site,
            technicians=dataset.technicians,
            working=working,
            parts=parts,
        )
        arrivals.append(Arrival(opened_at, item.ticket, job))
    return sorted(arrivals, key=lambda a: (a.at, a.ticket.id))


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the means here are small)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _call_time(rng: random.Random, day: date, timezone: str) -> datetime:
    """A moment in the site's calling hours, with a rate falling linearly from 2 to 1 through them.

    The density on the hours' fraction ``x`` is proportional to ``2 - x``; its inverse distribution
    function is ``x = 2 - sqrt(4 - 3u)``.
    """
    tz = ZoneInfo(timezone)
    first = datetime.combine(day, FIRST_CALL, tz)
    span = datetime.combine(day, LAST_CALL, tz) - first
    fraction = 2 - math.sqrt(4 - 3 * rng.random())
    moment = first + timedelta(seconds=round(span.total_seconds() * fraction))
    return moment.replace(second=0).astimezone(UTC)
