"""Filtered pages of records: each filter selects what a plain reading of the records selects, on both
back ends, and the page's total counts every match, not only the page's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from dispatch.domain.contracts import Priority
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import JobStatus
from dispatch.domain.listings import (
    ContractFilter,
    CustomerFilter,
    DepotFilter,
    JobFilter,
    PartFilter,
    SiteFilter,
    TechnicianFilter,
    TicketFilter,
)
from dispatch.domain.tickets import TicketState
from dispatch.persistence.dataset_store import save_dataset
from dispatch.services.catalogue import find_parts
from dispatch.services.contracts import find_contracts
from dispatch.services.customers import find_customers, find_sites
from dispatch.services.depots import find_depots
from dispatch.services.jobs import find_jobs
from dispatch.services.technicians import find_technicians
from dispatch.services.tickets import find_tickets
from tests.dispatch.persistence.sample_data import small_dataset

DATA = small_dataset()
OPENED = sorted(ticket.opened_at for ticket in DATA.tickets)

# (finder, filter, which records of DATA it must select, read without any query)
CASES: list[tuple[str, Callable[..., Any], Any, list[str]]] = [
    ("customer name", find_customers, CustomerFilter(name="ACME"), ["C-ACME"]),
    ("every customer", find_customers, CustomerFilter(), [c.id for c in DATA.customers]),
    (
        "site city",
        find_sites,
        SiteFilter(city="o"),
        [s.id for s in DATA.sites if "o" in s.city.lower()],
    ),
    (
        "site customer and state",
        find_sites,
        SiteFilter(customer_id="C-GLOBEX", state="CO"),
        [s.id for s in DATA.sites if s.customer_id == "C-GLOBEX" and s.state == "CO"],
    ),
    (
        "contract tier",
        find_contracts,
        ContractFilter(tier="gold"),
        [k.id for k in DATA.contracts if k.sla.tier == "gold"],
    ),
    (
        "ticket state",
        find_tickets,
        TicketFilter(state=TicketState.NEW),
        [t.id for t in DATA.tickets if t.state is TicketState.NEW],
    ),
    (
        "ticket contract and priority",
        find_tickets,
        TicketFilter(contract_id="K-GLOBEX", priority=Priority.P4),
        [t.id for t in DATA.tickets if t.contract_id == "K-GLOBEX" and t.priority is Priority.P4],
    ),
    (
        "tickets opened in [from, before)",
        find_tickets,
        TicketFilter(opened_from=OPENED[0], opened_before=OPENED[-1]),
        [t.id for t in DATA.tickets if OPENED[0] <= t.opened_at < OPENED[-1]],
    ),
    (
        "tickets opened from the last opening on",
        find_tickets,
        TicketFilter(opened_from=OPENED[-1]),
        [t.id for t in DATA.tickets if t.opened_at >= OPENED[-1]],
    ),
    (
        "job pinned technician",
        find_jobs,
        JobFilter(pinned_technician_id="T-MKE"),
        [j.id for j in DATA.jobs if j.pinned_technician_id == "T-MKE"],
    ),
    (
        "job status and priority",
        find_jobs,
        JobFilter(status=JobStatus.UNSCHEDULED, priority=Priority.P3),
        [j.id for j in DATA.jobs if j.status is JobStatus.UNSCHEDULED and j.priority is Priority.P3],
    ),
    (
        "technician skill level",
        find_technicians,
        TechnicianFilter(skill="network", min_level=4),
        [t.id for t in DATA.technicians if t.skills.get("network", 0) >= 4],
    ),
    (
        "technician name",
        find_technicians,
        TechnicianFilter(name=DATA.technicians[0].name.split()[0].upper()),
        [t.id for t in DATA.technicians if DATA.technicians[0].name.split()[0].lower() in t.name.lower()],
    ),
    (
        "depot name",
        find_depots,
        DepotFilter(name=DATA.depots[0].name[:4].lower()),
        [d.id for d in DATA.depots if DATA.depots[0].name[:4].lower() in d.name.lower()],
    ),
    (
        "part category",
        find_parts,
        PartFilter(category=DATA.parts[0].category),
        [p.sku for p in DATA.parts if p.category == DATA.parts[0].category],
    ),
    ("a name with a wildcard matches itself", find_parts, PartFilter(name="%"), []),
]


@pytest.fixture
def stored(session: Session) -> Dataset:
    save_dataset(session, DATA)
    return DATA


@pytest.mark.parametrize(
    ("finder", "filters", "expected"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_a_filter_selects_what_reading_the_records_selects(
    session: Session, stored: Dataset, finder: Callable[..., Any], filters: Any, expected: list[str]
) -> None:
    """The whole listing, by id, is the records the filter describes."""
    found = finder(session, filters, limit=500, offset=0)
    keys = [getattr(item, "id", None) or item.sku for item in found.items]
    assert keys == sorted(expected)
    assert found.total == len(expected)


def test_a_page_counts_every_match_and_holds_its_slice(session: Session, stored: Dataset) -> None:
    """One item past the first: the total is every match, the items only the page's."""
    every = sorted(t.id for t in DATA.tickets)
    page = find_tickets(session, TicketFilter(), limit=1, offset=1)
    assert [t.id for t in page.items] == every[1:2]
    assert (page.total, page.limit, page.offset) == (len(every), 1, 1)
    beyond = find_tickets(session, TicketFilter(), limit=5, offset=len(every))
    assert beyond.items == []
    assert beyond.total == len(every)
