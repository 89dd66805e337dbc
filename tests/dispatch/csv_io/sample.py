"""A small hand-made data set touching every field the CSV layout carries, optional ones included."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dispatch.domain.catalogue import Part, Skill
from dispatch.domain.contracts import Contract, Coverage, Priority, SlaPolicy, SlaTarget
from dispatch.domain.customers import Contact, Customer, Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.geo import GeoPoint
from dispatch.domain.jobs import Job, JobStatus, PartRequirement, SkillRequirement, TimeWindow
from dispatch.domain.on_call import OnCallDuty
from dispatch.domain.technicians import Depot, LunchBreak, Shift, Technician, WorkingCalendar
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketState
from dispatch.domain.weekly_hours import DailyHours, WeeklyHours

CHICAGO = ZoneInfo("America/Chicago")
EASTERN_WINTER = timezone(timedelta(hours=-5))


def _hours(response: float, resolution: float) -> SlaTarget:
    return SlaTarget(timedelta(hours=response), timedelta(hours=resolution))


GOLD = SlaPolicy(
    tier="Gold",
    targets={
        Priority.P1: _hours(1, 4),
        Priority.P2: _hours(2, 8),
        Priority.P3: _hours(4, 24),
        Priority.P4: _hours(8, 72),
    },
    coverage=Coverage(),
)
SILVER = SlaPolicy(
    tier="Silver",
    targets={
        Priority.P1: _hours(2, 8),
        Priority.P2: _hours(4, 16),
        Priority.P3: _hours(8, 40),
        Priority.P4: _hours(16, 80),
    },
    coverage=Coverage(WeeklyHours.weekdays(time(8), time(18)), holiday_country="US"),
)

WEEKDAY_SHIFT = Shift(time(8), time(17), LunchBreak(time(11, 30), time(13, 30), timedelta(minutes=45)))


def small_dataset() -> Dataset:
    """Two of most things: enough to exercise every column, small enough to check by eye."""
    return Dataset(
        skills=[Skill("network", "Networking"), Skill("pos", "Point of sale, tills & scanners")],
        parts=[
            Part("SW-24", "24-port switch", "networking", 48_950),
            Part("PSU-1", 'Power supply, 19" rack', unit_cost_cents=0),
        ],
        customers=[Customer("C1", "Acme Retail"), Customer("C2", "Bluebird Clinics")],
        sites=[
            Site(
                id="S1",
                customer_id="C1",
                name="Acme Store #12",
                address="100 Main St, Suite 4",
                city="Springfield",
                state="IL",
                postcode="62701",
                location=GeoPoint(39.7817, -89.6501),
                timezone="America/Chicago",
                region="Midwest",
                access_hours=WeeklyHours.weekdays(time(7), time(21), saturday=DailyHours(time(9), time(13))),
                access_notes="Ask at the service desk",
                contact=Contact("Dana Ruiz", "+1 217 555 0100", "dana@acme.example"),
            ),
            Site(
                id="S2",
                customer_id="C2",
                name="Bluebird North",
                address="7 Lake Rd",
                city="Albany",
                state="NY",
                postcode="02110",
                location=GeoPoint(42.6526, -73.7562),
                timezone="America/New_York",
            ),
        ],
        contracts=[
            Contract("K1", "C1", "Acme stores", GOLD, date(2026, 1, 1)),
            Contract("K2", "C2", "Bluebird clinics", SILVER, date(2025, 7, 1), date(2027, 6, 30)),
            Contract("K3", "C1", "Acme offices", SILVER, date(2026, 2, 1)),
        ],
        depots=[
            Depot(
                "D1",
                "Chicago stores",
                "1 Depot Way",
                GeoPoint(41.8781, -87.6298),
                "America/Chicago",
                {"SW-24": 12, "PSU-1": 0},
            ),
        ],
        technicians=[
            Technician(
                id="T1",
                name="Sam Lee",
                home=GeoPoint(41.8781, -87.6298),
                home_address="12 Elm St, Chicago",
                timezone="America/Chicago",
                region="Midwest",
                skills={"network": 4, "pos": 2},
                calendar=WorkingCalendar(
                    weekly=(WEEKDAY_SHIFT,) * 5 + (None, None),
                    exceptions={date(2026, 3, 3): None, date(2026, 3, 7): Shift(time(9), time(13))},
                ),
                van_stock={"SW-24": 1, "PSU-1": 2},
                email="sam@fieldops.example",
                phone="+1 312 555 0199",
            ),
            Technician(
                id="T2",
                name="Ada Park",
                home=GeoPoint(40.7128, -74.006),
                home_address="",
                timezone="America/New_York",
                region="Northeast",
                skills={"pos": 5},
                calendar=WorkingCalendar(weekly=(None,) + (Shift(time(7, 30), time(16)),) * 6),
            ),
        ],
        on_call_duties=[
            OnCallDuty(
                "T1",
                "Midwest",
                datetime(2026, 3, 7, 8, tzinfo=ZoneInfo("America/Chicago")),
                datetime(2026, 3, 8, 8, tzinfo=ZoneInfo("America/Chicago")),
                call_out_cost=0,
            ),
            OnCallDuty(
                "T2",
                "Northeast",
                datetime(2026, 3, 2, 18, tzinfo=ZoneInfo("America/New_York")),
                datetime(2026, 3, 3, 8, tzinfo=ZoneInfo("America/New_York")),
            ),
        ],
        tickets=[
            Ticket(
                id="TK1",
                site_id="S1",
                contract_id="K1",
                channel=Channel.TELEPHONE,
                kind=TicketKind.SUPPORT,
                priority=Priority.P1,
                category="network",
                summary='Store offline, "all tills down", since 9am',
                opened_at=datetime(2026, 3, 2, 15, 5, tzinfo=UTC),
                state=TicketState.ONSITE_REQUIRED,
                response_due=datetime(2026, 3, 2, 16, 5, tzinfo=UTC),
                resolution_due=datetime(2026, 3, 2, 19, 5, tzinfo=UTC),
                responded_at=datetime(2026, 3, 2, 15, 20, 30, tzinfo=UTC),
            ),
            Ticket(
                id="TK2",
                site_id="S2",
                contract_id="K2",
                channel=Channel.ONLINE,
                kind=TicketKind.MAINTENANCE,
                priority=Priority.P4,
                category="pos",
                summary="Quarterly check\nof card readers",
                opened_at=datetime(2026, 3, 1, 9, 0, tzinfo=EASTERN_WINTER),
                state=TicketState.SCHEDULED,
                response_due=datetime(2026, 3, 3, 9, 0, tzinfo=EASTERN_WINTER),
                resolution_due=datetime(2026, 3, 12, 17, 0, tzinfo=EASTERN_WINTER),
                follow_up_of="TK1",
            ),
        ],
        jobs=[
            Job(
                id="J1",
                ticket_id="TK1",
                site_id="S1",
                duration=timedelta(minutes=90),
                priority=Priority.P1,
                required_skills=(SkillRequirement("network", 3),),
                required_parts=(PartRequirement("SW-24", 1), PartRequirement("PSU-1", 2)),
                sla_due=datetime(2026, 3, 2, 13, 5, tzinfo=CHICAGO),
            ),
            Job(
                id="J2",
                ticket_id="TK2",
                site_id="S2",
                duration=timedelta(hours=2),
                priority=Priority.P4,
                required_skills=(SkillRequirement("pos", 2), SkillRequirement("network", 1)),
                windows=(
                    TimeWindow(
                        datetime(2026, 3, 4, 8, tzinfo=EASTERN_WINTER),
                        datetime(2026, 3, 4, 12, tzinfo=EASTERN_WINTER),
                    ),
                    TimeWindow(
                        datetime(2026, 3, 5, 13, tzinfo=EASTERN_WINTER),
                        datetime(2026, 3, 5, 16, 30, tzinfo=EASTERN_WINTER),
                    ),
                ),
                pinned_technician_id="T2",
                status=JobStatus.PLANNED,
            ),
        ],
    )
