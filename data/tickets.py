"""The open tickets on the morning of the planned day, with SLA due times from the SLA clock.

Mix: about 8% P1, 22% P2, 40% P3, 30% P4. Maintenance (planned work) is about a fifth of tickets, mostly P4.
Tickets were opened in the hours and days before the day starts (``AGE_HOURS``): P1 since the evening
before, P2 over the last day, P3 over three days and P4 over five (recent ones more often),
maintenance booked one or two days ahead; P1 and P2 can also arrive overnight on the day itself (before
``PLANNING_TIME``). So some tickets are already past due or at risk when the dispatcher plans, as on any
real morning.

Support tickets go onsite about 85% of the time (state ``onsite_required``, or ``scheduled`` when an
appointment was agreed); maintenance is always ``scheduled``. The rest are being worked remotely or are
still new. Onsite tickets are only raised for sites open on the day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from data.customers import SiteKind
from data.ticket_texts import MAINTENANCE, SUPPORT, Summary, fill
from dispatch.domain.contracts import Contract, Priority
from dispatch.domain.customers import Site
from dispatch.domain.sla_clock import ticket_due_times
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState
from dispatch.domain.weekly_hours import WeeklyHours

PLANNING_TIME = time(6, 0)
"""Local time at the site when the day is planned; tickets opened on the day arrive before it."""

PRIORITY_MIX = ((Priority.P1, 0.08), (Priority.P2, 0.22), (Priority.P3, 0.40), (Priority.P4, 0.30))
MAINTENANCE_SHARE = {Priority.P1: 0.0, Priority.P2: 0.0, Priority.P3: 0.08, Priority.P4: 0.55}
ONSITE_SHARE = 0.85
AGE_HOURS = {
    Priority.P1: (-5.0, 6.0, 1.0),
    Priority.P2: (-5.0, 24.0, 2.0),
    Priority.P3: (0.0, 72.0, 2.0),
    Priority.P4: (0.0, 120.0, 2.0),
}
"""Age at the local midnight starting the day, as (newest, oldest, skew) in hours: the age is
``newest + (oldest - newest) * u**skew`` for ``u`` uniform in 0..1, so a skew above 1 favours recent
tickets; a negative age is a ticket opened overnight on the day itself."""
MAINTENANCE_AGE_HOURS = (8.0, 40.0, 1.0)
SITE_ACTIVITY = {
    "shop": 1.0,
    "restaurant": 1.0,
    "office": 0.8,
    "clinic": 0.9,
    "warehouse": 1.2,
    "data_room": 0.8,
}


@dataclass(frozen=True, slots=True)
class OpenTicket:
    """A generated ticket with what the job generator needs to know about it."""

    ticket: Ticket
    onsite: bool
    part_sku: str | None


def is_open_on(hours: WeeklyHours, day: date) -> bool:
    """Whether the site can be visited at all on ``day``."""
    return bool(hours.days[day.weekday()])


def make_tickets(
    rng: random.Random,
    *,
    count: int,
    day: date,
    sites: list[Site],
    site_kinds: dict[str, SiteKind],
    contract_by_customer: dict[str, Contract],
    skill_codes: tuple[str, ...],
    part_skus: frozenset[str],
) -> list[OpenTicket]:
    """``count`` open tickets at the given sites, opened before the planning time of ``day``."""
    # Cumulative weights, summed once: ``choices`` would sum all the sites' weights on every draw (the same
    # draws either way, but quadratic in the size of the provider).
    cumulative = list(accumulate(SITE_ACTIVITY[site_kinds[s.id].code] for s in sites))
    open_sites = [s for s in sites if is_open_on(s.access_hours, day)]
    open_cumulative = list(accumulate(SITE_ACTIVITY[site_kinds[s.id].code] for s in open_sites))
    result: list[OpenTicket] = []
    for index in range(count):
        priority = rng.choices([p for p, _ in PRIORITY_MIX], weights=[w for _, w in PRIORITY_MIX], k=1)[0]
        kind = TicketKind.MAINTENANCE if rng.random() < MAINTENANCE_SHARE[priority] else TicketKind.SUPPORT
        onsite = kind is TicketKind.MAINTENANCE or rng.random() < ONSITE_SHARE
        site = rng.choices(sites, cum_weights=cumulative, k=1)[0]
        if onsite and not is_open_on(site.access_hours, day):
            if open_sites:
                site = rng.choices(open_sites, cum_weights=open_cumulative, k=1)[0]
            else:
                onsite, kind = False, TicketKind.SUPPORT
        category = _category(rng, site_kinds[site.id], skill_codes)
        summary, part_sku = _summary(rng, kind, category, part_skus, site_kinds[site.id].code, priority.rank)
        contract = contract_by_customer[site.customer_id]
        opened_at = _opened_at(rng, day, site, priority, kind)
        due = ticket_due_times(opened_at, priority, contract.sla, site.timezone, site.state)
        state = _state(rng, kind, onsite)
        responded_at = None
        if state is not TicketState.NEW:
            planned_at = datetime.combine(day, PLANNING_TIME, ZoneInfo(site.timezone)).astimezone(UTC)
            delay = (due.response_due - opened_at) * rng.uniform(0.1, 0.9)
            responded_at = max(opened_at, min(opened_at + delay, planned_at))
        ticket = Ticket(
            id=f"TKT-{index + 1:06d}",
            site_id=site.id,
            contract_id=contract.id,
            channel=_channel(rng, kind),
            kind=kind,
            priority=priority,
            category=category,
            summary=summary,
            opened_at=opened_at,
            state=state,
            response_due=due.response_due,
            resolution_due=due.resolution_due,
            responded_at=responded_at,
        )
        result.append(OpenTicket(ticket, onsite, part_sku))
    return result


def _category(rng: random.Random, kind: SiteKind, skill_codes: tuple[str, ...]) -> str:
    options = [(code, w) for code, w in kind.categories if code in skill_codes]
    if not options:
        options = [(code, 1.0) for code in skill_codes]
    return rng.choices([c for c, _ in options], weights=[w for _, w in options], k=1)[0]


def _summary(
    rng: random.Random,
    kind: TicketKind,
    category: str,
    part_skus: frozenset[str],
    site_kind: str,
    rank: int,
) -> tuple[str, str | None]:
    """A summary fitting the category, site and urgency, and the part the job needs (support: ~40%)."""
    every = (MAINTENANCE if kind is TicketKind.MAINTENANCE else SUPPORT)[category]
    templates = [t for t in every if t.fits(site_kind, rank)] or [t for t in every if t.site_kinds is None]
    with_part = [t for t in templates if t.sku in part_skus]
    without_part = [t for t in templates if t.sku is None] or list(templates)
    wants_part = rng.random() < (0.3 if kind is TicketKind.MAINTENANCE else 0.4)
    chosen: Summary = rng.choice(with_part if wants_part and with_part else without_part)
    sku = chosen.sku if wants_part and chosen.sku in part_skus else None
    return fill(chosen.text, rng), sku


def _opened_at(rng: random.Random, day: date, site: Site, priority: Priority, kind: TicketKind) -> datetime:
    """When the ticket was opened (UTC): business hours for routine work, any hour for urgent faults."""
    tz = ZoneInfo(site.timezone)
    midnight = datetime.combine(day, time(0), tz)
    newest, oldest, skew = MAINTENANCE_AGE_HOURS if kind is TicketKind.MAINTENANCE else AGE_HOURS[priority]
    age = timedelta(hours=newest + (oldest - newest) * rng.random() ** skew)
    local = (midnight.astimezone(UTC) - age).astimezone(tz)
    if priority in (Priority.P3, Priority.P4) and not time(7) <= local.time() <= time(21):
        local = datetime.combine(local.date(), time(rng.randint(8, 17), rng.randint(0, 59)), tz)
        if local >= midnight:
            local -= timedelta(days=1)
    planned_at = datetime.combine(day, PLANNING_TIME, tz)
    local = min(local, planned_at - timedelta(minutes=rng.randint(1, 30)))
    return local.replace(second=0, microsecond=0).astimezone(UTC)


def _state(rng: random.Random, kind: TicketKind, onsite: bool) -> TicketState:
    if kind is TicketKind.MAINTENANCE:
        return TicketState.SCHEDULED
    if onsite:
        return TicketState.SCHEDULED if rng.random() < 0.25 else TicketState.ONSITE_REQUIRED
    return TicketState.REMOTE if rng.random() < 0.7 else TicketState.NEW


def _channel(rng: random.Random, kind: TicketKind) -> Channel:
    if kind is TicketKind.MAINTENANCE:
        return rng.choices([Channel.ONLINE, Channel.TELEPHONE], weights=[0.7, 0.3], k=1)[0]
    return rng.choices(list(Channel), weights=[0.5, 0.35, 0.15], k=1)[0]


def arriving_ticket(
    rng: random.Random,
    *,
    ticket_id: str,
    site: Site,
    site_kind: SiteKind,
    contract: Contract,
    priority: Priority,
    opened_at: datetime,
    skill_codes: tuple[str, ...],
    part_skus: frozenset[str],
) -> OpenTicket:
    """A fault reported at ``opened_at`` that could not be fixed remotely: it needs a technician on site."""
    category = _category(rng, site_kind, skill_codes)
    summary, part_sku = _summary(rng, TicketKind.SUPPORT, category, part_skus, site_kind.code, priority.rank)
    due = ticket_due_times(opened_at, priority, contract.sla, site.timezone, site.state)
    ticket = Ticket(
        id=ticket_id,
        site_id=site.id,
        contract_id=contract.id,
        channel=Channel.TELEPHONE,
        kind=TicketKind.SUPPORT,
        priority=priority,
        category=category,
        summary=summary,
        opened_at=opened_at,
        state=TicketState.ONSITE_REQUIRED,
        response_due=due.response_due,
        resolution_due=due.resolution_due,
    )
    return OpenTicket(ticket, True, part_sku)
