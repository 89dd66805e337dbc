"""The directory layout: one CSV file per table, normalised like a database, one header line each.

Conventions a person editing the files in a spreadsheet can rely on:

* UTF-8, comma separated, the header names the columns (their order does not matter, extra columns are
  ignored); line 1 is the header, so a record's line is the row number a spreadsheet shows.
* Instants are ISO 8601 with their UTC offset (``2026-03-02T09:00:00-05:00``); dates ``YYYY-MM-DD``;
  local times of day ``HH:MM``; durations whole minutes; money dollars and cents (``12.50``).
* Coordinates are ``lat``/``lon`` in WGS 84 degrees; time zones are IANA names (``America/Chicago``).
* Weekly hours read like ``mon-fri 08:00-18:00; sat 09:00-13:00`` (``24x7`` and ``closed`` also work;
  ``00:00`` or ``24:00`` as an end means midnight).
* Tables that list things a parent row owns (``job_skills.csv`` ...) refer to it by id; files marked
  optional may be left out when they would have no rows. A column whose cells may be empty may be left out.

Contracts name an SLA tier; a tier's coverage lives in ``sla_policies.csv`` and its target per priority in
``sla_targets.csv``, so contracts on the same tier share one definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dispatch.csv_io import cells
from dispatch.domain.contracts import Priority
from dispatch.domain.jobs import JobStatus
from dispatch.domain.on_call import DEFAULT_CALL_OUT_COST
from dispatch.domain.procedures import StepKind
from dispatch.domain.tickets import Channel, TicketKind, TicketState
from dispatch.domain.weekly_hours import WEEKDAY_NAMES, WeeklyHours


@dataclass(frozen=True, slots=True)
class Column:
    """One column: how its cells are read, whether a value is required, and what an empty cell means."""

    name: str
    parse: cells.Parser
    doc: str
    required: bool = True
    default: object = None
    refers_to: tuple[str, str] | None = None
    """``(file, column)`` whose values this column must be one of, like a foreign key."""


@dataclass(frozen=True, slots=True)
class Table:
    """One CSV file: its columns, the columns that identify a row, and whether the file may be absent."""

    file: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    optional: bool = False
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {column.name: column for column in self.columns})

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def _code(name: str, doc: str) -> Column:
    return Column(name, cells.parse_code, doc)


def _optional_code(name: str, doc: str) -> Column:
    return Column(name, cells.parse_code, doc, required=False)


def _ref(name: str, target: Table, doc: str = "", *, required: bool = True) -> Column:
    """A column naming a row of ``target`` by its id."""
    return Column(
        name,
        cells.parse_code,
        doc or f"{target.key[0]} in {target.file}",
        required,
        refers_to=(target.file, target.key[0]),
    )


def _text(name: str, doc: str) -> Column:
    return Column(name, cells.parse_text, doc)


def _optional_text(name: str, doc: str) -> Column:
    return Column(name, cells.parse_text, doc, required=False, default="")


def _lunch_columns() -> tuple[Column, ...]:
    return (
        Column("lunch_earliest", cells.parse_clock_time, "earliest lunch start (empty: no break)", False),
        Column("lunch_latest", cells.parse_clock_time, "latest lunch start", False),
        Column("lunch_minutes", cells.parse_minutes, "length of the lunch break", False),
    )


SKILLS = Table(
    "skills.csv",
    "Competences technicians hold at levels 1..5.",
    (_code("skill_code", "short code, e.g. network"), _text("skill_name", "what the skill covers")),
    key=("skill_code",),
)
PARTS = Table(
    "parts.csv",
    "The parts catalogue.",
    (
        _code("sku", "stock-keeping unit"),
        _text("part_name", "description"),
        _optional_text("category", "e.g. networking, storage"),
        Column("unit_cost_usd", cells.parse_usd_cents, "cost of one unit in dollars", False, 0),
    ),
    key=("sku",),
)
CUSTOMERS = Table(
    "customers.csv",
    "Businesses that buy support or maintenance.",
    (_code("customer_id", "customer id"), _text("customer_name", "business name")),
    key=("customer_id",),
)
SITES = Table(
    "sites.csv",
    "Customer locations where onsite jobs happen.",
    (
        _code("site_id", "site id"),
        _ref("customer_id", CUSTOMERS, "the customer owning the site"),
        _text("site_name", "name of the location"),
        _optional_text("address", "street address"),
        _optional_text("city", "city"),
        _optional_text("state", "US state code, used for public holidays"),
        _optional_text("postcode", "ZIP code"),
        Column("lat", cells.parse_latitude, "latitude, degrees"),
        Column("lon", cells.parse_longitude, "longitude, degrees"),
        Column("timezone", cells.parse_time_zone, "IANA time zone of the site"),
        _optional_text("region", "dispatch region"),
        Column(
            "access_hours",
            cells.parse_weekly_hours,
            "when technicians may enter",
            False,
            WeeklyHours.always(),
        ),
        _optional_text("access_notes", "how to get in"),
        _optional_text("contact_name", "person to ask for"),
        _optional_text("contact_phone", "their phone"),
        _optional_text("contact_email", "their email"),
    ),
    key=("site_id",),
)
SLA_POLICIES = Table(
    "sla_policies.csv",
    "SLA tiers and when their clock runs.",
    (
        _code("sla_tier", "tier name, e.g. Gold"),
        Column("coverage_hours", cells.parse_weekly_hours, "hours the SLA clock runs, site local time"),
        _optional_code("holiday_country", "ISO country whose public holidays stop the clock (empty: none)"),
        Column(
            "hard_deadlines",
            cells.parse_flag,
            "yes: due times are binding for the planner; no (or empty): lateness is a cost",
            required=False,
            default=False,
        ),
        Column(
            "maintenance_every_days",
            cells.parse_positive_quantity,
            "planned maintenance included: a visit to each site every this many days (empty: none)",
            required=False,
            default=None,
        ),
    ),
    key=("sla_tier",),
)
SLA_TARGETS = Table(
    "sla_targets.csv",
    "Response and resolution targets: one line per tier and priority P1-P4.",
    (
        _ref("sla_tier", SLA_POLICIES),
        Column("priority", cells.enum_parser(Priority), "P1..P4"),
        Column("response_minutes", cells.parse_minutes, "response target in covered minutes"),
        Column("resolution_minutes", cells.parse_minutes, "resolution target in covered minutes"),
    ),
    key=("sla_tier", "priority"),
)
CONTRACTS = Table(
    "contracts.csv",
    "What each customer bought.",
    (
        _code("contract_id", "contract id"),
        _ref("customer_id", CUSTOMERS),
        _text("contract_name", "contract name"),
        _ref("sla_tier", SLA_POLICIES),
        Column("starts_on", cells.parse_day, "first day covered"),
        Column("ends_on", cells.parse_day, "last day covered (empty: open-ended)", False),
    ),
    key=("contract_id",),
)
DEPOTS = Table(
    "depots.csv",
    "Stores holding spare parts.",
    (
        _code("depot_id", "depot id"),
        _text("depot_name", "depot name"),
        _optional_text("address", "street address"),
        Column("lat", cells.parse_latitude, "latitude, degrees"),
        Column("lon", cells.parse_longitude, "longitude, degrees"),
        Column("timezone", cells.parse_time_zone, "IANA time zone of the depot"),
        Column("opens_at", cells.parse_clock_time, "opening time, local"),
        Column("closes_at", cells.parse_clock_time, "closing time, local"),
    ),
    key=("depot_id",),
)
DEPOT_STOCK = Table(
    "depot_stock.csv",
    "Parts held at each depot.",
    (
        _ref("depot_id", DEPOTS),
        _ref("sku", PARTS),
        Column("quantity", cells.parse_quantity, "units in stock"),
    ),
    key=("depot_id", "sku"),
    optional=True,
)
TECHNICIANS = Table(
    "technicians.csv",
    "Field engineers and their home base.",
    (
        _code("technician_id", "technician id"),
        _text("technician_name", "full name"),
        _optional_text("home_address", "where the working day starts"),
        Column("home_lat", cells.parse_latitude, "home latitude, degrees"),
        Column("home_lon", cells.parse_longitude, "home longitude, degrees"),
        Column("timezone", cells.parse_time_zone, "IANA time zone of the home base"),
        _optional_text("region", "dispatch region"),
        _optional_text("email", "email"),
        _optional_text("phone", "phone"),
    ),
    key=("technician_id",),
)
TECHNICIAN_SKILLS = Table(
    "technician_skills.csv",
    "Skills each technician holds.",
    (
        _ref("technician_id", TECHNICIANS),
        _ref("skill_code", SKILLS),
        Column("level", cells.parse_level, "1 (novice) .. 5 (expert)"),
    ),
    key=("technician_id", "skill_code"),
)
TECHNICIAN_SHIFTS = Table(
    "technician_shifts.csv",
    "The weekly shift pattern: one line per technician and working weekday; absent days are days off.",
    (
        _ref("technician_id", TECHNICIANS),
        Column("weekday", cells.enum_parser(cells.Weekday), ", ".join(WEEKDAY_NAMES)),
        Column("shift_start", cells.parse_clock_time, "start, local time"),
        Column("shift_end", cells.parse_clock_time, "end, local time"),
        *_lunch_columns(),
    ),
    key=("technician_id", "weekday"),
)
TECHNICIAN_SHIFT_EXCEPTIONS = Table(
    "technician_shift_exceptions.csv",
    "Dated changes to the pattern; empty shift_start and shift_end mean a day off.",
    (
        _ref("technician_id", TECHNICIANS),
        Column("date", cells.parse_day, "the day changed"),
        Column("shift_start", cells.parse_clock_time, "start, local time (empty: day off)", False),
        Column("shift_end", cells.parse_clock_time, "end, local time (empty: day off)", False),
        *_lunch_columns(),
    ),
    key=("technician_id", "date"),
    optional=True,
)
VAN_STOCK = Table(
    "van_stock.csv",
    "Parts each technician carries.",
    (
        _ref("technician_id", TECHNICIANS),
        _ref("sku", PARTS),
        Column("quantity", cells.parse_quantity, "units in the van"),
    ),
    key=("technician_id", "sku"),
    optional=True,
)
ON_CALL_DUTIES = Table(
    "on_call_duties.csv",
    "The on-call rota: who can be called out in which region, from when to when (nights, weekends).",
    (
        _ref("technician_id", TECHNICIANS),
        _code("region", "dispatch region the duty covers"),
        Column("starts_at", cells.parse_instant, "start of the duty"),
        Column("ends_at", cells.parse_instant, "end of the duty"),
        Column(
            "call_out_cost",
            cells.parse_cost,
            f"planner cost of calling the technician out, in cost units (empty: {DEFAULT_CALL_OUT_COST})",
            False,
            DEFAULT_CALL_OUT_COST,
        ),
    ),
    key=("technician_id", "starts_at"),
    optional=True,
)
TICKETS = Table(
    "tickets.csv",
    "Customer requests and their SLA due times.",
    (
        _code("ticket_id", "ticket id"),
        _ref("site_id", SITES),
        _ref("contract_id", CONTRACTS, "contract of the site's customer"),
        Column("channel", cells.enum_parser(Channel), "how it reached us"),
        Column("kind", cells.enum_parser(TicketKind), "support or maintenance"),
        Column("priority", cells.enum_parser(Priority), "P1..P4"),
        _optional_text("category", "e.g. network, printer"),
        _optional_text("summary", "what the customer reported"),
        Column("opened_at", cells.parse_instant, "when it was opened"),
        Column("state", cells.enum_parser(TicketState), "lifecycle state"),
        Column("response_due", cells.parse_instant, "SLA response due"),
        Column("resolution_due", cells.parse_instant, "SLA resolution due"),
        Column("responded_at", cells.parse_instant, "first response (empty: not yet)", False),
        Column("resolved_at", cells.parse_instant, "resolution (empty: not yet)", False),
        Column(
            "follow_up_of",
            cells.parse_code,
            "earlier ticket this one follows up",
            False,
            refers_to=("tickets.csv", "ticket_id"),
        ),
    ),
    key=("ticket_id",),
)
TICKET_PAUSES = Table(
    "ticket_pauses.csv",
    "Stretches a ticket waited on the customer: its SLA clocks stood still (open: still waiting).",
    (
        _ref("ticket_id", TICKETS),
        Column("paused_at", cells.parse_instant, "when it began waiting"),
        Column("resumed_at", cells.parse_instant, "when the wait ended (empty: still waiting)", False),
        _text("reason", "what it waits for"),
    ),
    key=("ticket_id", "paused_at"),
    optional=True,
)
JOBS = Table(
    "jobs.csv",
    "Onsite visits to plan: one technician, one site, for a ticket.",
    (
        _code("job_id", "job id"),
        _ref("ticket_id", TICKETS),
        _ref("site_id", SITES),
        Column("duration_minutes", cells.parse_minutes, "expected time on site"),
        Column("priority", cells.enum_parser(Priority), "P1..P4"),
        Column("sla_due", cells.parse_instant, "when the visit must be done by (empty: no SLA)", False),
        _ref("pinned_technician_id", TECHNICIANS, "technician who must do it", required=False),
        Column(
            "status",
            cells.enum_parser(JobStatus),
            "progress of the visit (empty: unscheduled)",
            False,
            JobStatus.UNSCHEDULED,
        ),
    ),
    key=("job_id",),
)
JOB_SKILLS = Table(
    "job_skills.csv",
    "Skills a job needs, with the minimum level.",
    (
        _ref("job_id", JOBS),
        _ref("skill_code", SKILLS),
        Column("min_level", cells.parse_level, "lowest acceptable level, 1..5"),
    ),
    key=("job_id", "skill_code"),
    optional=True,
)
JOB_PARTS = Table(
    "job_parts.csv",
    "Parts a job needs.",
    (
        _ref("job_id", JOBS),
        _ref("sku", PARTS),
        Column("quantity", cells.parse_positive_quantity, "units needed, at least 1"),
    ),
    key=("job_id", "sku"),
    optional=True,
)
JOB_WINDOWS = Table(
    "job_windows.csv",
    "Time windows in which a job's visit may start; a job without any may start whenever.",
    (
        _ref("job_id", JOBS),
        Column("window_start", cells.parse_instant, "earliest start"),
        Column("window_end", cells.parse_instant, "latest start"),
    ),
    key=("job_id", "window_start"),
    optional=True,
)

PROCEDURES = Table(
    "procedures.csv",
    "The checklist of a ticket category; a visit is completed only with its mandatory steps done.",
    (
        _code("procedure_id", "procedure id"),
        _ref("category", SKILLS, "the ticket category (a skill_code in skills.csv)"),
        Column(
            "ticket_kind",
            cells.enum_parser(TicketKind),
            "only tickets of this kind (empty: every ticket of the category without a procedure of its kind)",
            False,
        ),
        _text("procedure_name", "name"),
    ),
    key=("procedure_id",),
    optional=True,
)
PROCEDURE_STEPS = Table(
    "procedure_steps.csv",
    "The steps of each procedure, in the order they are worked (the order of the lines).",
    (
        _ref("procedure_id", PROCEDURES),
        _code("step_code", "step code, unique within its procedure"),
        _text("label", "what to do or write down, in the technician's words"),
        Column("mandatory", cells.parse_yes_no, "yes or no (empty: yes)", False, True),
        Column(
            "kind",
            cells.enum_parser(StepKind),
            "tick, or text for a written answer (empty: tick)",
            False,
            StepKind.TICK,
        ),
    ),
    key=("procedure_id", "step_code"),
    optional=True,
)

STANDBY_AGREEMENTS = Table(
    "standby_agreements.csv",
    "Standby cover a customer bought: a skilled technician guaranteed on site within the response time "
    "at any moment of the period.",
    (
        _code("standby_id", "standby agreement id"),
        _ref("customer_id", CUSTOMERS),
        _ref("site_id", SITES),
        Column("starts_at", cells.parse_instant, "start of the period"),
        Column("ends_at", cells.parse_instant, "end of the period"),
        Column("response_minutes", cells.parse_minutes, "guaranteed onsite response, in minutes"),
    ),
    key=("standby_id",),
    optional=True,
)
STANDBY_SKILLS = Table(
    "standby_skills.csv",
    "Skills the standby technician must have, with the minimum level.",
    (
        _ref("standby_id", STANDBY_AGREEMENTS),
        _ref("skill_code", SKILLS),
        Column("min_level", cells.parse_level, "lowest acceptable level, 1..5"),
    ),
    key=("standby_id", "skill_code"),
    optional=True,
)

TABLES: tuple[Table, ...] = (
    SKILLS,
    PARTS,
    CUSTOMERS,
    SITES,
    SLA_POLICIES,
    SLA_TARGETS,
    CONTRACTS,
    DEPOTS,
    DEPOT_STOCK,
    TECHNICIANS,
    TECHNICIAN_SKILLS,
    TECHNICIAN_SHIFTS,
    TECHNICIAN_SHIFT_EXCEPTIONS,
    VAN_STOCK,
    ON_CALL_DUTIES,
    TICKETS,
    TICKET_PAUSES,
    JOBS,
    JOB_SKILLS,
    JOB_PARTS,
    JOB_WINDOWS,
    PROCEDURES,
    PROCEDURE_STEPS,
    STANDBY_AGREEMENTS,
    STANDBY_SKILLS,
)
"""Every file, in the order it is read (a table's references come before it)."""


def describe_layout() -> str:
    """The layout as Markdown, for the README or ``dispatch export --help``."""
    lines: list[str] = []
    for table in TABLES:
        suffix = " (optional file)" if table.optional else ""
        lines.append(f"### {table.file}{suffix}\n{table.doc}\n")
        for column in table.columns:
            need = "" if column.required else " (may be empty)"
            lines.append(f"- `{column.name}`: {column.doc}{need}")
        lines.append("")
    return "\n".join(lines)
