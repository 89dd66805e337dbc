"""Planned maintenance as contracts include it: a check of every site of the contract, every so many days.

Checks fall every so many days (the SLA tier's ``maintenance_every_days``) from the contract's start, as
the contract's anniversaries do. When the next falls within ``LOOK_AHEAD``, each of the customer's sites
gets a maintenance ticket with its visit, bookable on any of the next working days at the site's hours;
the week plan books the day. A check is named by its site and due date, so it is opened once.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from dispatch.domain.contracts import Contract
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import Job, SkillRequirement
from dispatch.domain.maintenance import DEFAULT_WITHIN_WORKING_DAYS
from dispatch.domain.tickets import Ticket
from dispatch.persistence.dataset_store import load_dataset
from dispatch.services.durations import learn_durations
from dispatch.services.maintenance_tickets import MaintenanceRequest, maintenance_duration, open_maintenance

DEFAULT_CATEGORY = "desktop"
"""What a site with no history of its own is checked for."""
LOOK_AHEAD = timedelta(days=14)
"""A check is opened when it falls due within this time: the booking window's two working weeks."""


def open_due_maintenance(session: Session, *, now: datetime) -> list[tuple[Ticket, Job]]:
    """Open the checks falling due from ``now`` (the caller commits)."""
    dataset = load_dataset(session)
    taken = {t.id for t in dataset.tickets}
    skills = {s.code for s in dataset.skills}
    durations = learn_durations(session, now)
    opened = []
    for contract in dataset.contracts:
        due = next_check(contract, now.date())
        if due is None:
            continue
        for site in (s for s in dataset.sites if s.customer_id == contract.customer_id):
            ticket_id = check_id(site.id, due)
            if ticket_id in taken:
                continue
            category = _usual_category(dataset, site.id, skills)
            request = MaintenanceRequest(
                ticket_id=ticket_id,
                site=site,
                contract_id=contract.id,
                category=category,
                summary=f"Preventive maintenance included in {contract.name} ({contract.sla.tier})",
                within_working_days=DEFAULT_WITHIN_WORKING_DAYS,
                duration=maintenance_duration(durations, category),
                skills=(SkillRequirement(category, 1),) if category in skills else (),
                why="maintenance falls due",
            )
            opened.append(open_maintenance(session, request, now=now))
            taken.add(ticket_id)
    return opened


def next_check(contract: Contract, today: date) -> date | None:
    """The contract's next check date within ``LOOK_AHEAD`` of ``today``, if its tier includes maintenance
    and it is in force then: checks fall every so many days from the contract's start."""
    every = contract.sla.maintenance_every_days
    if every is None or contract.starts_on > today:
        return None
    periods = -(-(today - contract.starts_on).days // every)
    due = contract.starts_on + timedelta(days=periods * every)
    in_force = contract.ends_on is None or due <= contract.ends_on
    return due if in_force and due <= today + LOOK_AHEAD else None


def check_id(site_id: str, due: date) -> str:
    """One check per site and due date, so opening the checks twice opens nothing more."""
    return f"PM-{site_id}-{due:%Y%m%d}"


def _usual_category(dataset: Dataset, site_id: str, skills: set[str]) -> str:
    """The trade (a skill) the site has called for most (ties: alphabetical), or the default."""
    seen = Counter(
        c
        for c in (t.category.strip().lower() for t in dataset.tickets if t.site_id == site_id)
        if c in skills
    )
    if not seen:
        return DEFAULT_CATEGORY
    return min(seen, key=lambda c: (-seen[c], c))
