"""Each entity goes through its repository and comes back as an equal domain object, on both back ends."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from dispatch.domain.contracts import Priority
from dispatch.domain.dataset import Dataset
from dispatch.domain.errors import DomainError
from dispatch.domain.jobs import JobStatus, TimeWindow
from dispatch.domain.technicians import Shift, WorkingCalendar
from dispatch.domain.tickets import TicketState
from dispatch.domain.weekly_hours import WeeklyHours
from dispatch.persistence.dataset_store import save_dataset
from dispatch.persistence.repositories import (
    ContractRepository,
    CustomerRepository,
    DepotRepository,
    JobRepository,
    PartRepository,
    RecordNotFound,
    Repository,
    SiteRepository,
    SkillRepository,
    SlaPolicyRepository,
    TechnicianRepository,
    TicketRepository,
)
from tests.dispatch.persistence.sample_data import GOLD, SILVER, small_dataset

ENTITIES: dict[str, type[Repository[Any]]] = {
    "skills": SkillRepository,
    "parts": PartRepository,
    "customers": CustomerRepository,
    "sites": SiteRepository,
    "contracts": ContractRepository,
    "depots": DepotRepository,
    "technicians": TechnicianRepository,
    "tickets": TicketRepository,
    "jobs": JobRepository,
}
ORDER = list(ENTITIES)


def _store_everything_before(session: Session, entity: str) -> Dataset:
    data = small_dataset()
    earlier = ORDER[: ORDER.index(entity)]
    save_dataset(session, Dataset(**{name: getattr(data, name) for name in earlier}))
    return data


def _store_everything(session: Session) -> Dataset:
    data = small_dataset()
    save_dataset(session, data)
    return data


@pytest.mark.parametrize("entity", ORDER)
def test_entity_round_trips_through_its_repository(session: Session, entity: str) -> None:
    """add then get returns an equal object for every item, and all() returns them ordered by id."""
    data = _store_everything_before(session, entity)
    repository = ENTITIES[entity](session)
    items = sorted(getattr(data, entity), key=repository.key_of)
    for item in items:
        repository.add(item)
    for item in items:
        assert repository.get(repository.key_of(item)) == item
    assert repository.all() == items
    assert repository.get("no-such-id") is None


def test_sla_policy_round_trips_through_its_repository(session: Session) -> None:
    """SLA policies (targets per priority and coverage hours) come back equal, by tier."""
    repository = SlaPolicyRepository(session)
    repository.add(SILVER)
    repository.add(GOLD)
    assert repository.get("silver") == SILVER
    assert repository.list() == [GOLD, SILVER]


def test_instants_come_back_aware_in_utc(session: Session) -> None:
    """A time given in Chicago local time is stored as the same instant and read back in UTC."""
    _store_everything(session)
    ticket = TicketRepository(session).require("TK-1")
    assert ticket.responded_at == datetime(2026, 11, 26, 14, 20, tzinfo=UTC)
    assert ticket.responded_at is not None and ticket.responded_at.tzinfo is UTC
    job = JobRepository(session).require("J-1")
    assert [window.start.tzinfo for window in job.windows] == [UTC, UTC]
    assert job.windows[0].start == datetime(2026, 11, 26, 15, tzinfo=UTC)


def test_naive_instants_are_refused(session: Session) -> None:
    """Storing a datetime without a time zone raises instead of guessing the zone."""
    data = _store_everything_before(session, "tickets")
    naive = dataclasses.replace(data.tickets[0])
    object.__setattr__(naive, "opened_at", datetime(2026, 11, 26, 9, 0))
    with pytest.raises(StatementError, match="carries no time zone"):
        TicketRepository(session).add(naive)


def test_update_replaces_the_row_and_its_children(session: Session) -> None:
    """update() rewrites scalar fields and replaces skills, calendar, stock, hours and windows."""
    data = _store_everything(session)
    technicians = TechnicianRepository(session)
    before = next(t for t in data.technicians if t.id == "T-CHI")
    after = dataclasses.replace(
        before,
        name="Avery Kim-Lopez",
        skills={"network": 2, "server": 4},
        calendar=WorkingCalendar(weekly=(Shift(time(6), time(14)),) * 5 + (None, None)),
        van_stock={"PSU-650": 3},
    )
    technicians.update(after)
    assert technicians.get("T-CHI") == after

    sites = SiteRepository(session)
    site = dataclasses.replace(sites.require("S-DAL"), access_hours=WeeklyHours.weekdays(time(8), time(17)))
    sites.update(site)
    assert sites.get("S-DAL") == site

    jobs = JobRepository(session)
    job = jobs.require("J-2")
    window = TimeWindow(datetime(2026, 11, 27, 15, tzinfo=UTC), datetime(2026, 11, 27, 18, tzinfo=UTC))
    changed = dataclasses.replace(
        job, windows=(window,), status=JobStatus.PLANNED, duration=timedelta(hours=2)
    )
    jobs.update(changed)
    assert jobs.get("J-2") == changed


def test_update_of_a_missing_record_raises(session: Session) -> None:
    """update() of an id that is not stored raises RecordNotFound and stores nothing."""
    data = small_dataset()
    with pytest.raises(RecordNotFound):
        SkillRepository(session).update(data.skills[0])
    assert SkillRepository(session).all() == []


def test_a_tier_stored_with_other_terms_is_refused(session: Session) -> None:
    """A contract whose tier is stored with different SLA terms raises rather than rewriting the tier."""
    data = _store_everything(session)
    faster = dataclasses.replace(GOLD, coverage=dataclasses.replace(GOLD.coverage, holiday_country="US"))
    contract = dataclasses.replace(data.contracts[0], id="K-NEW", sla=faster)
    with pytest.raises(DomainError, match="gold"):
        ContractRepository(session).add(contract)


def test_list_filters_and_pages(session: Session) -> None:
    """The list() filters select what they name, ordered by id, and limit/offset page through them."""
    _store_everything(session)
    assert [s.id for s in SiteRepository(session).list(customer_id="C-GLOBEX")] == ["S-DEN", "S-NYC", "S-WPG"]
    assert [s.id for s in SiteRepository(session).list(region="midwest")] == ["S-CHI"]
    assert [t.id for t in TechnicianRepository(session).list(skill="network", min_level=4)] == [
        "T-DEN",
        "T-DET",
        "T-MKE",
    ]
    assert [t.id for t in TechnicianRepository(session).list(limit=2, offset=1)] == ["T-DEN", "T-DET"]
    assert [c.id for c in ContractRepository(session).list(active_on=date(2027, 7, 1))] == ["K-ACME"]
    assert [c.id for c in ContractRepository(session).list(tier="silver")] == ["K-GLOBEX"]
    assert [t.id for t in TicketRepository(session).list(state=TicketState.RESOLVED)] == ["TK-2"]
    assert [t.id for t in TicketRepository(session).list(site_id="S-DEN", priority=Priority.P3)] == ["TK-3"]
    opened = datetime(2026, 11, 26, tzinfo=UTC)
    assert [t.id for t in TicketRepository(session).list(opened_from=opened)] == ["TK-1", "TK-3"]
    assert [j.id for j in JobRepository(session).list(status=JobStatus.PLANNED)] == ["J-1"]
    assert [p.sku for p in PartRepository(session).list(category="server")] == ["PSU-650"]
    assert [c.id for c in CustomerRepository(session).list(limit=1)] == ["C-ACME"]


def test_an_sla_tier_keeps_its_hard_deadlines_flag(session: Session) -> None:
    """A tier stored with hard deadlines reads back with them; the default is soft."""
    repo = SlaPolicyRepository(session)
    repo.add_many(
        [
            dataclasses.replace(GOLD, tier="hard-gold", hard_deadlines=True),
            dataclasses.replace(GOLD, tier="soft-gold"),
        ]
    )
    session.flush()
    assert [(p.tier, p.hard_deadlines) for p in repo.get_many(["hard-gold", "soft-gold"])] == [
        ("hard-gold", True),
        ("soft-gold", False),
    ]
