"""The demo data is the size asked for, consistent, and serviceable in principle."""

from __future__ import annotations

import time as clock
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import zipcodes

from data.catalogue import PARTS
from data.demo import METROS_AT_SCALE_1, DemoConfig, generate_demo
from data.places import distance_m, metros, region_of
from dispatch.domain.contracts import Priority
from dispatch.domain.customers import Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.jobs import Job
from dispatch.domain.technicians import Technician
from dispatch.domain.tickets import TicketKind
from tests.data.conftest import DST_SUNDAY, TUESDAY

FOUR_REGIONS = {"east", "central", "mountain", "pacific"}
SCARCE = {p.part.sku for p in PARTS if p.scarce}
GENERALIST_TRADES = ("desktop", "printers", "pos", "network")
SPECIALIST_TRADES = ("server", "storage", "wireless", "cabling")


def _qualifies(technician: Technician, job: Job) -> bool:
    return all(technician.skills.get(r.skill, 0) >= r.min_level for r in job.required_skills)


def test_counts_match_the_configured_sizes(demo: Dataset) -> None:
    """Default config: 40 technicians, 3 depots, 200 sites, 150 tickets, 8 skills, 30 parts, most onsite."""
    counts = demo.counts()
    assert counts["technicians"] == 40
    assert counts["depots"] == 3
    assert counts["sites"] == 200
    assert counts["tickets"] == 150
    assert counts["customers"] == counts["contracts"] == 50
    assert counts["skills"] == 8
    assert counts["parts"] == 30
    assert 0.7 * 150 <= counts["jobs"] <= 150


def test_ten_times_scale_gives_ten_times_the_counts(demo: Dataset, demo_10x: Dataset) -> None:
    """scale=10 gives 400 technicians, 2,000 sites, 1,500 tickets, 30 depots and about 10x the jobs."""
    counts = demo_10x.counts()
    assert (counts["technicians"], counts["sites"], counts["tickets"], counts["depots"]) == (
        400,
        2000,
        1500,
        30,
    )
    assert counts["skills"] == 8 and counts["parts"] == 30
    assert 8 <= counts["jobs"] / demo.counts()["jobs"] <= 12


def test_ten_times_scale_generates_in_seconds() -> None:
    """The 10x dataset takes a few seconds at most (place data already loaded by the session)."""
    started = clock.perf_counter()
    generate_demo(DemoConfig(seed=99, day=TUESDAY, scale=10.0))
    assert clock.perf_counter() - started < 10.0


def test_all_four_time_zones_among_technicians_and_sites(demo: Dataset) -> None:
    """Technicians and sites are spread over Eastern, Central, Mountain and Pacific time."""
    assert {region_of(t.timezone) for t in demo.technicians} == FOUR_REGIONS
    assert {region_of(s.timezone) for s in demo.sites} == FOUR_REGIONS
    assert all(s.region == region_of(s.timezone) for s in demo.sites)
    assert all(t.region == region_of(t.timezone) for t in demo.technicians)


def test_sites_sit_at_their_real_zip_code(demo: Dataset) -> None:
    """Each site is within 300 m of the centroid of its real ZIP code, in that ZIP's state and time zone."""
    for site in demo.sites:
        (row,) = zipcodes.matching(site.postcode)  # type: ignore[no-untyped-call]
        assert row["state"] == site.state
        assert row["timezone"] == site.timezone
        centroid = type(site.location)(float(row["lat"]), float(row["long"]))
        assert distance_m(site.location, centroid) <= 300.0


def test_every_id_is_unique_per_entity(demo_10x: Dataset) -> None:
    """No two rows of one entity share an id (SKU, code)."""
    for name, ids in {
        "skills": [s.code for s in demo_10x.skills],
        "parts": [p.sku for p in demo_10x.parts],
        "customers": [c.id for c in demo_10x.customers],
        "sites": [s.id for s in demo_10x.sites],
        "contracts": [c.id for c in demo_10x.contracts],
        "depots": [d.id for d in demo_10x.depots],
        "technicians": [t.id for t in demo_10x.technicians],
        "tickets": [t.id for t in demo_10x.tickets],
        "jobs": [j.id for j in demo_10x.jobs],
        "customer names": [c.name for c in demo_10x.customers],
    }.items():
        duplicates = [key for key, n in Counter(ids).items() if n > 1]
        assert not duplicates, f"{name}: {duplicates[:5]}"


def test_technician_emails_are_unique_logins(demo: Dataset, demo_10x: Dataset) -> None:
    """An e-mail is a login: no two technicians share one at any scale; a repeated name gets a number."""
    for dataset in (demo, demo_10x):
        emails = [t.email.lower() for t in dataset.technicians]
        assert all(emails) and len(set(emails)) == len(emails)
    by_id = {t.id: t.email for t in demo.technicians}
    assert (by_id["TECH-0016"], by_id["TECH-0035"]) == (
        "angela.moore@fieldops.example",
        "angela.moore2@fieldops.example",
    )


def test_every_reference_resolves(demo: Dataset) -> None:
    """Sites, contracts, tickets, jobs, technicians and depots only name things that exist."""
    customers = {c.id for c in demo.customers}
    sites = {s.id: s for s in demo.sites}
    contracts = {c.id: c for c in demo.contracts}
    tickets = {t.id: t for t in demo.tickets}
    technicians = {t.id for t in demo.technicians}
    skills = {s.code for s in demo.skills}
    skus = {p.sku for p in demo.parts}
    assert all(s.customer_id in customers for s in demo.sites)
    assert all(c.customer_id in customers for c in demo.contracts)
    for ticket in demo.tickets:
        assert contracts[ticket.contract_id].customer_id == sites[ticket.site_id].customer_id
        assert contracts[ticket.contract_id].is_active(TUESDAY)
        assert ticket.category in skills
    for job in demo.jobs:
        assert tickets[job.ticket_id].site_id == job.site_id
        assert job.priority == tickets[job.ticket_id].priority
        assert job.pinned_technician_id is None or job.pinned_technician_id in technicians
        assert {r.skill for r in job.required_skills} <= skills
        assert {r.sku for r in job.required_parts} <= skus
    assert len({j.ticket_id for j in demo.jobs}) == len(demo.jobs)
    for technician in demo.technicians:
        assert set(technician.skills) <= skills
        assert set(technician.van_stock) <= skus
    for depot in demo.depots:
        assert set(depot.stock) == skus


def test_every_job_can_be_done_by_some_technician(demo: Dataset, demo_10x: Dataset) -> None:
    """For every job at least one technician holds every required skill at the required level."""
    for dataset in (demo, demo_10x):
        for job in dataset.jobs:
            assert any(_qualifies(t, job) for t in dataset.technicians), job.id


def test_pinned_technicians_qualify_and_work_that_day(demo_10x: Dataset) -> None:
    """A job pinned to a technician is pinned to one who has the skills and a shift on the day."""
    technicians = {t.id: t for t in demo_10x.technicians}
    pinned = [j for j in demo_10x.jobs if j.pinned_technician_id is not None]
    assert pinned
    for job in pinned:
        technician = technicians[job.pinned_technician_id or ""]
        assert _qualifies(technician, job)
        assert technician.calendar.shift_on(TUESDAY) is not None


def _local_access(site: Site, day: date) -> list[tuple[datetime, datetime]]:
    tz = ZoneInfo(site.timezone)
    spans = []
    for hours in site.access_hours.days[day.weekday()]:
        end_day = day + timedelta(days=1) if hours.end == time(0) else day
        spans.append((datetime.combine(day, hours.start, tz), datetime.combine(end_day, hours.end, tz)))
    return spans


@pytest.mark.parametrize("fixture", ["demo", "demo_dst_sunday"])
def test_job_windows_lie_inside_the_day_and_the_site_access_hours(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    """Every window is in UTC, on the site's local day, inside an access interval, leaving time to finish."""
    dataset: Dataset = request.getfixturevalue(fixture)
    day = TUESDAY if fixture == "demo" else DST_SUNDAY
    sites = {s.id: s for s in dataset.sites}
    assert dataset.jobs
    for job in dataset.jobs:
        site = sites[job.site_id]
        tz = ZoneInfo(site.timezone)
        day_start = datetime.combine(day, time(0), tz)
        day_end = datetime.combine(day + timedelta(days=1), time(0), tz)
        assert 1 <= len(job.windows) <= 2
        for window in job.windows:
            assert window.start.utcoffset() == timedelta(0)
            assert day_start <= window.start < window.end <= day_end
            assert any(
                open_ <= window.start and window.end + job.duration <= close
                for open_, close in _local_access(site, day)
            ), (job.id, window)


def test_durations_are_between_half_an_hour_and_three_hours(demo_10x: Dataset) -> None:
    """Job durations stay in 30..180 minutes, maintenance longer than support on average."""
    assert all(timedelta(minutes=30) <= j.duration <= timedelta(minutes=180) for j in demo_10x.jobs)
    kinds = {t.id: t.kind for t in demo_10x.tickets}
    mean = {
        kind: sum((j.duration for j in demo_10x.jobs if kinds[j.ticket_id] is kind), timedelta())
        / sum(1 for j in demo_10x.jobs if kinds[j.ticket_id] is kind)
        for kind in TicketKind
    }
    assert mean[TicketKind.MAINTENANCE] > mean[TicketKind.SUPPORT]


def test_sla_due_times_come_after_opening(demo_10x: Dataset) -> None:
    """Response is due after opening, resolution no earlier than response; jobs carry the resolution due."""
    tickets = {t.id: t for t in demo_10x.tickets}
    for ticket in demo_10x.tickets:
        assert ticket.opened_at < ticket.response_due <= ticket.resolution_due
        assert ticket.responded_at is None or ticket.opened_at <= ticket.responded_at
    for job in demo_10x.jobs:
        assert job.sla_due == tickets[job.ticket_id].resolution_due


def test_tickets_were_opened_before_the_morning_and_some_are_late(demo: Dataset) -> None:
    """Tickets were opened before 06:00 local on the day, a few overnight; some are already past due."""
    sites = {s.id: s for s in demo.sites}
    overnight = past_due = 0
    for ticket in demo.tickets:
        tz = ZoneInfo(sites[ticket.site_id].timezone)
        midnight = datetime.combine(TUESDAY, time(0), tz)
        planning = datetime.combine(TUESDAY, time(6), tz)
        assert ticket.opened_at < planning
        assert ticket.opened_at > midnight - timedelta(days=6)
        overnight += ticket.opened_at >= midnight
        past_due += ticket.resolution_due < planning
    assert 1 <= overnight <= 0.15 * len(demo.tickets)
    assert 0.03 * len(demo.tickets) <= past_due <= 0.35 * len(demo.tickets)


def test_ticket_mix_follows_the_priority_and_kind_shares(demo_10x: Dataset) -> None:
    """About 8/22/40/30% P1-P4; maintenance is mostly P4 and P1/P2 are never maintenance."""
    share = Counter(t.priority for t in demo_10x.tickets)
    n = len(demo_10x.tickets)
    for priority, expected in zip(Priority, (0.08, 0.22, 0.40, 0.30), strict=True):
        assert abs(share[priority] / n - expected) < 0.04, priority
    maintenance = [t for t in demo_10x.tickets if t.kind is TicketKind.MAINTENANCE]
    assert 0.1 * n <= len(maintenance) <= 0.3 * n
    assert sum(t.priority is Priority.P4 for t in maintenance) >= 0.7 * len(maintenance)
    assert all(t.priority in (Priority.P3, Priority.P4) for t in maintenance)


def test_about_forty_percent_of_support_jobs_need_parts(demo_10x: Dataset) -> None:
    """Hardware replacement: roughly 40% of support jobs require parts."""
    kinds = {t.id: t.kind for t in demo_10x.tickets}
    support = [j for j in demo_10x.jobs if kinds[j.ticket_id] is TicketKind.SUPPORT]
    with_parts = sum(1 for j in support if j.required_parts)
    assert 0.3 <= with_parts / len(support) <= 0.5


def test_technicians_hold_at_levels_one_to_five_and_a_sensible_van(demo_10x: Dataset) -> None:
    """Each technician has 2-8 skills at levels 1-5; vans carry at most one of each scarce part."""
    for technician in demo_10x.technicians:
        assert 2 <= len(technician.skills) <= 8
        assert all(1 <= level <= 5 for level in technician.skills.values())
        assert all(technician.van_stock[sku] <= 1 for sku in SCARCE & set(technician.van_stock))
        assert all(1 <= q <= 3 for q in technician.van_stock.values())


def test_most_technicians_are_generalists_and_a_minority_specialists(demo_10x: Dataset) -> None:
    """Most hold each of desktop, printers, pos, network at 2-3; 10-35% hold a specialist trade at 4-5."""
    n = len(demo_10x.technicians)
    for code in GENERALIST_TRADES:
        at_two_or_three = sum(2 <= t.skills.get(code, 0) <= 3 for t in demo_10x.technicians)
        assert at_two_or_three >= 0.55 * n, code
    specialists = [
        t for t in demo_10x.technicians if any(t.skills.get(code, 0) >= 4 for code in SPECIALIST_TRADES)
    ]
    assert 0.1 * n <= len(specialists) <= 0.35 * n


def test_every_metro_team_covers_the_everyday_trades(demo_10x: Dataset) -> None:
    """At 10x, in each metro someone holds desktop, printers, pos, network, Wi-Fi, cabling, server at 3+."""
    places = metros(round(METROS_AT_SCALE_1 * 10**0.5))
    teams: dict[str, list[Technician]] = {}
    for technician in demo_10x.technicians:
        home = min(places, key=lambda m: distance_m(technician.home, m.centre))
        teams.setdefault(home.name, []).append(technician)
    assert len(teams) >= 30
    for name, team in teams.items():
        for code in (*GENERALIST_TRADES, "wireless", "cabling", "server"):
            assert max(t.skills.get(code, 0) for t in team) >= 3, (name, code)


def test_jobs_mostly_need_levels_one_to_three(demo_10x: Dataset) -> None:
    """At least 85% of jobs need only levels 1-3; level 4+ jobs exist and are mostly specialist trades."""
    specialist_jobs = [j for j in demo_10x.jobs if any(r.min_level >= 4 for r in j.required_skills)]
    assert specialist_jobs
    assert len(specialist_jobs) <= 0.15 * len(demo_10x.jobs)
    in_trade = sum(any(r.skill in SPECIALIST_TRADES for r in j.required_skills) for j in specialist_jobs)
    assert in_trade >= 0.5 * len(specialist_jobs)


def test_most_technicians_work_weekdays_with_a_floating_lunch(demo_10x: Dataset) -> None:
    """Most work Mon-Fri 08:00-17:00 with a 30-minute lunch from 11:30-13:30; some early, a few Saturdays."""
    standard = early = saturday = 0
    for technician in demo_10x.technicians:
        monday = technician.calendar.weekly[0]
        if monday is not None and monday.start == time(8):
            standard += 1
            assert monday.lunch is not None
            assert (monday.lunch.earliest, monday.lunch.latest) == (time(11, 30), time(13, 30))
            assert monday.lunch.duration == timedelta(minutes=30)
        if monday is not None and monday.start == time(7):
            early += 1
        saturday += technician.calendar.weekly[5] is not None
    n = len(demo_10x.technicians)
    assert standard >= 0.6 * n
    assert 0.1 * n <= early <= 0.3 * n
    assert 0.03 * n <= saturday <= 0.2 * n


def test_config_refuses_impossible_sizes() -> None:
    """A non-positive scale or fewer sites than customers is refused with a message."""
    with pytest.raises(ValueError, match="scale"):
        DemoConfig(seed=1, day=TUESDAY, scale=0)
    with pytest.raises(ValueError, match="sites"):
        DemoConfig(seed=1, day=TUESDAY, sites=10, customers=20)


def test_small_custom_sizes_are_honoured() -> None:
    """Six skills, twelve parts and a tiny provider still give a consistent, serviceable day."""
    dataset = generate_demo(
        DemoConfig(
            seed=5,
            day=TUESDAY,
            technicians=6,
            depots=1,
            sites=12,
            tickets=20,
            customers=4,
            skills=6,
            parts=12,
        )
    )
    assert [s.code for s in dataset.skills] == ["network", "pos", "desktop", "printers", "server", "wireless"]
    assert len(dataset.parts) == 12
    assert len(dataset.technicians) == 6 and len(dataset.sites) == 12 and len(dataset.tickets) == 20
    for job in dataset.jobs:
        assert any(_qualifies(t, job) for t in dataset.technicians)
        assert all(r.skill in {s.code for s in dataset.skills} for r in job.required_skills)


def test_opened_at_is_utc(demo: Dataset) -> None:
    """Ticket instants are stored in UTC."""
    assert all(t.opened_at.tzinfo is UTC for t in demo.tickets)
