"""A small hand-made data set at real US coordinates, small enough to check answers by hand.

Technicians around Chicago, by geodesic distance from the Chicago site: Chicago itself (pos only),
Milwaukee (~130 km, network 4), Indianapolis (~265 km, network 3), Detroit (~383 km, network 5),
St. Louis (~420 km, network 2) and Denver (~1,475 km, network 5).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatch.domain.catalogue import Part, Skill
from dispatch.domain.contracts import Contract, Coverage, Priority, SlaPolicy, SlaTarget
from dispatch.domain.customers import Contact, Customer, Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.geo import GeoPoint
from dispatch.domain.jobs import Job, JobStatus, PartRequirement, SkillRequirement, TimeWindow
from dispatch.domain.technicians import Depot, LunchBreak, Shift, Technician, WorkingCalendar
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState
from dispatch.domain.weekly_hours import DailyHours, WeeklyHours

CHICAGO = GeoPoint(lat=41.8781, lon=-87.6298)
MILWAUKEE = GeoPoint(lat=43.0389, lon=-87.9065)
INDIANAPOLIS = GeoPoint(lat=39.7684, lon=-86.1581)
DETROIT = GeoPoint(lat=42.3314, lon=-83.0458)
ST_LOUIS = GeoPoint(lat=38.6270, lon=-90.1994)
DENVER = GeoPoint(lat=39.7392, lon=-104.9903)
DALLAS = GeoPoint(lat=32.7767, lon=-96.7970)
NEW_YORK = GeoPoint(lat=40.7128, lon=-74.0060)
WINNIPEG = GeoPoint(lat=49.8951, lon=-97.1384)

CENTRAL = "America/Chicago"
EASTERN = "America/New_York"
MOUNTAIN = "America/Denver"

SKILLS = [Skill("network", "Networking"), Skill("pos", "Point of sale"), Skill("server", "Servers")]
PARTS = [
    Part("SW-24P", "24-port switch", "network", 38_900),
    Part("PSU-650", "650 W power supply", "server", 8_950),
    Part("RCPT-PRN", "Receipt printer", "pos", 21_000),
]
CUSTOMERS = [Customer("C-ACME", "Acme Retail"), Customer("C-GLOBEX", "Globex Logistics")]

GOLD = SlaPolicy(
    tier="gold",
    targets={
        Priority.P1: SlaTarget(timedelta(hours=1), timedelta(hours=4)),
        Priority.P2: SlaTarget(timedelta(hours=2), timedelta(hours=8)),
        Priority.P3: SlaTarget(timedelta(hours=4), timedelta(hours=24)),
        Priority.P4: SlaTarget(timedelta(hours=8), timedelta(hours=72)),
    },
    coverage=Coverage(),
)
SILVER = SlaPolicy(
    tier="silver",
    targets={
        Priority.P1: SlaTarget(timedelta(hours=2), timedelta(hours=8)),
        Priority.P2: SlaTarget(timedelta(hours=4), timedelta(hours=4)),
        Priority.P3: SlaTarget(timedelta(hours=8), timedelta(hours=40)),
        Priority.P4: SlaTarget(timedelta(hours=16), timedelta(hours=80)),
    },
    coverage=Coverage(hours=WeeklyHours.weekdays(time(8), time(18)), holiday_country="US"),
)


def _site(site_id: str, customer_id: str, city: str, state: str, location: GeoPoint, zone: str) -> Site:
    return Site(
        id=site_id,
        customer_id=customer_id,
        name=f"{city} store",
        address=f"1 Main St, {city}",
        city=city,
        state=state,
        postcode="00000",
        location=location,
        timezone=zone,
        region=state,
    )


SITES = [
    Site(
        id="S-CHI",
        customer_id="C-ACME",
        name="Chicago flagship",
        address="233 S Wacker Dr",
        city="Chicago",
        state="IL",
        postcode="60606",
        location=CHICAGO,
        timezone=CENTRAL,
        region="midwest",
        access_hours=WeeklyHours(
            days=(
                (DailyHours(time(7), time(12)), DailyHours(time(13), time(19))),
                (DailyHours(time(7), time(19)),),
                (DailyHours(time(7), time(19)),),
                (DailyHours(time(7), time(19)),),
                (DailyHours(time(7), time(19)),),
                (DailyHours(time(9), time(0)),),
                (),
            )
        ),
        access_notes="Loading dock on Franklin St; badge at security desk.",
        contact=Contact("Dana Reyes", "+1 312 555 0100", "dana.reyes@acme.example"),
    ),
    _site("S-DAL", "C-ACME", "Dallas", "TX", DALLAS, CENTRAL),
    _site("S-DEN", "C-GLOBEX", "Denver", "CO", DENVER, MOUNTAIN),
    _site("S-NYC", "C-GLOBEX", "New York", "NY", NEW_YORK, EASTERN),
    _site("S-WPG", "C-GLOBEX", "Winnipeg", "MB", WINNIPEG, "America/Winnipeg"),
]

CONTRACTS = [
    Contract("K-ACME", "C-ACME", "Acme stores gold cover", GOLD, date(2026, 1, 1)),
    Contract("K-GLOBEX", "C-GLOBEX", "Globex silver cover", SILVER, date(2025, 7, 1), date(2027, 6, 30)),
]

DEPOTS = [
    Depot(
        id="D-CHI",
        name="Chicago depot",
        address="4800 S Central Ave",
        location=GeoPoint(lat=41.8011, lon=-87.7612),
        timezone=CENTRAL,
        stock={"SW-24P": 12, "PSU-650": 30, "RCPT-PRN": 0},
        opening_hours_start=time(6, 30),
        opening_hours_end=time(20),
    )
]

_DAY = Shift(time(8), time(17), LunchBreak(time(11, 30), time(13, 30), timedelta(minutes=30)))
_WEEKDAYS = WorkingCalendar(weekly=(_DAY, _DAY, _DAY, _DAY, _DAY, None, None))


def _technician(tech_id: str, city: str, home: GeoPoint, zone: str, skills: dict[str, int]) -> Technician:
    return Technician(
        id=tech_id,
        name=f"{city} Engineer",
        home=home,
        home_address=f"Home in {city}",
        timezone=zone,
        region="midwest",
        skills=skills,
        calendar=_WEEKDAYS,
    )


TECHNICIANS = [
    Technician(
        id="T-CHI",
        name="Avery Kim",
        home=GeoPoint(lat=41.8827, lon=-87.6233),
        home_address="Millennium Park, Chicago",
        timezone=CENTRAL,
        region="midwest",
        skills={"pos": 5},
        calendar=WorkingCalendar(
            weekly=(_DAY, _DAY, _DAY, _DAY, Shift(time(7), time(15)), Shift(time(9), time(13)), None),
            exceptions={date(2026, 11, 26): None, date(2026, 11, 28): Shift(time(10), time(16))},
        ),
        van_stock={"RCPT-PRN": 2, "SW-24P": 0},
        email="avery.kim@fieldops.example",
        phone="+1 312 555 0199",
    ),
    _technician("T-MKE", "Milwaukee", MILWAUKEE, CENTRAL, {"network": 4, "server": 2}),
    _technician("T-IND", "Indianapolis", INDIANAPOLIS, EASTERN, {"network": 3}),
    _technician("T-DET", "Detroit", DETROIT, EASTERN, {"network": 5, "pos": 1}),
    _technician("T-STL", "St. Louis", ST_LOUIS, CENTRAL, {"network": 2}),
    _technician("T-DEN", "Denver", DENVER, MOUNTAIN, {"network": 5, "server": 5}),
]

_OPENED = datetime(2026, 11, 26, 14, 5, tzinfo=UTC)

TICKETS = [
    Ticket(
        id="TK-1",
        site_id="S-CHI",
        contract_id="K-ACME",
        channel=Channel.TELEPHONE,
        kind=TicketKind.SUPPORT,
        priority=Priority.P1,
        category="network",
        summary="Store network down, tills offline",
        opened_at=_OPENED,
        state=TicketState.ONSITE_REQUIRED,
        response_due=_OPENED + timedelta(hours=1),
        resolution_due=_OPENED + timedelta(hours=4),
        responded_at=datetime(2026, 11, 26, 8, 20, tzinfo=ZoneInfo(CENTRAL)),
    ),
    Ticket(
        id="TK-2",
        site_id="S-DEN",
        contract_id="K-GLOBEX",
        channel=Channel.ONLINE,
        kind=TicketKind.MAINTENANCE,
        priority=Priority.P4,
        category="server",
        summary="Quarterly server maintenance",
        opened_at=_OPENED - timedelta(days=2),
        state=TicketState.RESOLVED,
        response_due=_OPENED,
        resolution_due=_OPENED + timedelta(days=1),
        responded_at=_OPENED - timedelta(days=1),
        resolved_at=_OPENED - timedelta(hours=3),
    ),
    Ticket(
        id="TK-3",
        site_id="S-DEN",
        contract_id="K-GLOBEX",
        channel=Channel.ONSITE_REQUEST,
        kind=TicketKind.SUPPORT,
        priority=Priority.P3,
        category="server",
        summary="Fan noise after maintenance",
        opened_at=_OPENED,
        state=TicketState.NEW,
        response_due=_OPENED + timedelta(hours=8),
        resolution_due=_OPENED + timedelta(days=2),
        follow_up_of="TK-2",
    ),
]

JOBS = [
    Job(
        id="J-1",
        ticket_id="TK-1",
        site_id="S-CHI",
        duration=timedelta(minutes=90),
        priority=Priority.P1,
        required_skills=(SkillRequirement("network", 3), SkillRequirement("pos", 1)),
        required_parts=(PartRequirement("SW-24P", 1), PartRequirement("RCPT-PRN", 2)),
        windows=(
            TimeWindow(
                datetime(2026, 11, 26, 9, tzinfo=ZoneInfo(CENTRAL)),
                datetime(2026, 11, 26, 12, tzinfo=ZoneInfo(CENTRAL)),
            ),
            TimeWindow(datetime(2026, 11, 26, 19, tzinfo=UTC), datetime(2026, 11, 26, 23, 30, tzinfo=UTC)),
        ),
        sla_due=_OPENED + timedelta(hours=4),
        pinned_technician_id="T-MKE",
        status=JobStatus.PLANNED,
    ),
    Job(
        id="J-2",
        ticket_id="TK-3",
        site_id="S-DEN",
        duration=timedelta(hours=1),
        priority=Priority.P3,
    ),
]


def small_dataset() -> Dataset:
    """Every entity at least once, with children, optional fields and a follow-up ticket."""
    return Dataset(
        skills=list(SKILLS),
        parts=list(PARTS),
        customers=list(CUSTOMERS),
        sites=list(SITES),
        contracts=list(CONTRACTS),
        depots=list(DEPOTS),
        technicians=list(TECHNICIANS),
        tickets=list(reversed(TICKETS)),
        jobs=list(JOBS),
    )
