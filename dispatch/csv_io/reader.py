"""Reading a directory of CSV files into a ``Dataset``, checking everything before anything is returned."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path

from dispatch.csv_io import layout
from dispatch.csv_io.cells import Weekday
from dispatch.csv_io.errors import DEFAULT_MAX_ERRORS, CsvError, CsvValidationError, ErrorCapReached, ErrorLog
from dispatch.csv_io.rows import Row, read_rows
from dispatch.domain.catalogue import Part, Skill
from dispatch.domain.contracts import Contract, Coverage, Priority, SlaPolicy, SlaTarget
from dispatch.domain.customers import Contact, Customer, Site
from dispatch.domain.dataset import Dataset
from dispatch.domain.geo import GeoPoint
from dispatch.domain.jobs import Job, JobStatus, PartRequirement, SkillRequirement, TimeWindow
from dispatch.domain.on_call import OnCallDuty, overlapping_duties
from dispatch.domain.procedures import Procedure, ProcedureStep, StepKind
from dispatch.domain.standby import StandbyAgreement
from dispatch.domain.technicians import Depot, LunchBreak, Shift, Technician, WorkingCalendar
from dispatch.domain.tickets import Channel, Ticket, TicketKind, TicketPause, TicketState
from dispatch.domain.weekly_hours import WeeklyHours


def read_dataset(directory: Path, *, max_errors: int = DEFAULT_MAX_ERRORS) -> Dataset:
    """Read and validate every file of the layout in ``directory``.

    Raises ``CsvValidationError`` listing every problem found (up to ``max_errors``), each naming file, line
    and column; nothing is returned unless the whole directory is valid.
    """
    log = ErrorLog(max_errors)
    try:
        dataset = _DirectoryReader(directory, log).read()
    except ErrorCapReached:
        raise CsvValidationError(_in_file_order(log), truncated=True) from None
    if log:
        raise CsvValidationError(_in_file_order(log))
    return dataset


def _in_file_order(log: ErrorLog) -> list[CsvError]:
    order = {table.file: index for index, table in enumerate(layout.TABLES)}
    return sorted(log.errors, key=lambda error: (order.get(error.file, len(order)), error.row))


class _DirectoryReader:
    """Reads the tables in dependency order, then assembles the entities from the rows that passed."""

    def __init__(self, directory: Path, log: ErrorLog) -> None:
        self._directory = directory
        self._log = log
        self._rows: dict[str, list[Row] | None] = {}
        self._ids: dict[tuple[str, str], set[object] | None] = {}

    def read(self) -> Dataset:
        for table in layout.TABLES:
            rows = read_rows(self._directory, table, self._log)
            self._rows[table.file] = rows
            if rows is not None:
                self._check_duplicates(table, rows)
            self._check_references(table, rows)
        self._check_ticket_contracts()
        self._check_unique_emails()
        skills = [
            Skill(r.get("skill_code", str), r.get("skill_name", str)) for r in self._valid(layout.SKILLS)
        ]
        parts = [self._part(r) for r in self._valid(layout.PARTS)]
        customers = [
            Customer(r.get("customer_id", str), r.get("customer_name", str))
            for r in self._valid(layout.CUSTOMERS)
        ]
        sites = [self._site(r) for r in self._valid(layout.SITES)]
        contracts = self._contracts(self._sla_policies())
        depots = self._depots()
        technicians = self._technicians()
        duties = self._on_call_duties()
        tickets = [self._ticket(r) for r in self._valid(layout.TICKETS)]
        pauses = [self._pause(r) for r in self._valid(layout.TICKET_PAUSES)]
        jobs = self._jobs()
        procedures = self._procedures()
        standby = self._standby_agreements()
        return Dataset(
            skills=skills,
            parts=parts,
            customers=customers,
            sites=sites,
            contracts=[c for c in contracts if c is not None],
            depots=[d for d in depots if d is not None],
            technicians=[t for t in technicians if t is not None],
            on_call_duties=duties,
            tickets=[t for t in tickets if t is not None],
            ticket_pauses=[p for p in pauses if p is not None],
            jobs=[j for j in jobs if j is not None],
            procedures=procedures,
            standby_agreements=[a for a in standby if a is not None],
        )

    # -- checks across rows -------------------------------------------------------------------------------

    def _check_duplicates(self, table: layout.Table, rows: list[Row]) -> None:
        first_line: dict[tuple[object, ...], int] = {}
        for row in rows:
            key = row.key()
            if key is None:
                continue
            if key in first_line:
                described = ", ".join(f"{name} {value}" for name, value in zip(table.key, key, strict=True))
                row.error(table.key[-1], f"duplicate {described} (first on line {first_line[key]})")
            else:
                first_line[key] = row.line

    def _known(self, file: str, column: str) -> set[object] | None:
        """Values of ``column`` in ``file``, bad rows included; ``None`` if the file could not be read."""
        if (file, column) not in self._ids:
            rows = self._rows.get(file)
            self._ids[file, column] = None if rows is None else {row.value(column) for row in rows}
        return self._ids[file, column]

    def _check_references(self, table: layout.Table, rows: list[Row] | None) -> None:
        for column in table.columns:
            if column.refers_to is None:
                continue
            target_file, target_column = column.refers_to
            for row in rows or []:
                value = row.value(column.name)
                known = self._known(target_file, target_column)
                if value is not None and known is not None and value not in known:
                    row.error(column.name, f"unknown {target_column} {value!r}: not in {target_file}")

    def _check_ticket_contracts(self) -> None:
        """A ticket's contract must belong to the customer owning the ticket's site."""
        site_owner = {r.value("site_id"): r.value("customer_id") for r in self._rows[layout.SITES.file] or []}
        contract_owner = {
            r.value("contract_id"): r.value("customer_id") for r in self._rows[layout.CONTRACTS.file] or []
        }
        for row in self._rows[layout.TICKETS.file] or []:
            site_customer = site_owner.get(row.value("site_id"))
            contract_customer = contract_owner.get(row.value("contract_id"))
            if (
                site_customer is not None
                and contract_customer is not None
                and site_customer != contract_customer
            ):
                row.error(
                    "contract_id",
                    f"contract {row.value('contract_id')} is customer {contract_customer}'s, "
                    f"but site {row.value('site_id')} belongs to customer {site_customer}",
                )

    def _check_unique_emails(self) -> None:
        """A technician's e-mail is their login: no two may share one, in any letter case."""
        first: dict[str, Row] = {}
        for row in self._rows[layout.TECHNICIANS.file] or []:
            email = row.value("email")
            if not isinstance(email, str) or not email.strip():
                continue
            key = email.strip().lower()
            if key in first:
                holder = first[key]
                row.error(
                    "email",
                    f"duplicate e-mail {email.strip()} (first on line {holder.line}, technician "
                    f"{holder.value('technician_id')}): an e-mail is a login, so it must be unique",
                )
            else:
                first[key] = row

    def _valid(self, table: layout.Table) -> list[Row]:
        return [row for row in self._rows[table.file] or [] if row.ok]

    def _children(self, table: layout.Table, parent_column: str) -> dict[str, list[Row]]:
        """Valid rows of a child table grouped by the id of the row that owns them, in file order."""
        grouped: dict[str, list[Row]] = defaultdict(list)
        for row in self._valid(table):
            grouped[row.get(parent_column, str)].append(row)
        return grouped

    # -- entities -----------------------------------------------------------------------------------------

    @staticmethod
    def _part(row: Row) -> Part:
        return Part(
            sku=row.get("sku", str),
            name=row.get("part_name", str),
            category=row.get("category", str),
            unit_cost_cents=row.get("unit_cost_usd", int),
        )

    @staticmethod
    def _site(row: Row) -> Site:
        return Site(
            id=row.get("site_id", str),
            customer_id=row.get("customer_id", str),
            name=row.get("site_name", str),
            address=row.get("address", str),
            city=row.get("city", str),
            state=row.get("state", str),
            postcode=row.get("postcode", str),
            location=GeoPoint(row.get("lat", float), row.get("lon", float)),
            timezone=row.get("timezone", str),
            region=row.get("region", str),
            access_hours=row.get("access_hours", WeeklyHours),
            access_notes=row.get("access_notes", str),
            contact=Contact(
                name=row.get("contact_name", str),
                phone=row.get("contact_phone", str),
                email=row.get("contact_email", str),
            ),
        )

    def _sla_policies(self) -> dict[str, SlaPolicy]:
        """Tiers with all four targets; a tier with a bad target line is left out (its error is logged)."""
        target_rows = self._rows[layout.SLA_TARGETS.file]
        if target_rows is None:
            return {}
        targets: dict[object, dict[Priority, SlaTarget]] = defaultdict(dict)
        listed: dict[object, set[object]] = defaultdict(set)
        broken: set[object] = set()
        for row in target_rows:
            listed[row.value("sla_tier")].add(row.value("priority"))
            target = None
            if row.ok:
                target = row.build(
                    "resolution_minutes",
                    SlaTarget,
                    response=row.get("response_minutes", timedelta),
                    resolution=row.get("resolution_minutes", timedelta),
                )
            if target is None:
                broken.add(row.value("sla_tier"))
            else:
                targets[row.value("sla_tier")][row.get("priority", Priority)] = target
        policies: dict[str, SlaPolicy] = {}
        for row in self._valid(layout.SLA_POLICIES):
            tier = row.get("sla_tier", str)
            missing = [p.value for p in Priority if p not in listed[tier]]
            if missing:
                row.error(
                    "sla_tier",
                    f"tier {tier} has no line in {layout.SLA_TARGETS.file} for {', '.join(missing)}",
                )
            if missing or tier in broken:
                continue
            coverage = Coverage(row.get("coverage_hours", WeeklyHours), row.optional("holiday_country", str))
            policy = row.build(
                "sla_tier",
                SlaPolicy,
                tier=tier,
                targets=targets[tier],
                coverage=coverage,
                hard_deadlines=row.get("hard_deadlines", bool),
                maintenance_every_days=row.optional("maintenance_every_days", int),
            )
            if policy is not None:
                policies[tier] = policy
        return policies

    def _contracts(self, policies: dict[str, SlaPolicy]) -> list[Contract | None]:
        return [
            row.build(
                "ends_on",
                Contract,
                id=row.get("contract_id", str),
                customer_id=row.get("customer_id", str),
                name=row.get("contract_name", str),
                sla=policies[row.get("sla_tier", str)],
                starts_on=row.get("starts_on", date),
                ends_on=row.optional("ends_on", date),
            )
            for row in self._valid(layout.CONTRACTS)
            if row.get("sla_tier", str) in policies
        ]

    def _depots(self) -> list[Depot | None]:
        stock = self._children(layout.DEPOT_STOCK, "depot_id")
        return [
            row.build(
                "closes_at",
                Depot,
                id=row.get("depot_id", str),
                name=row.get("depot_name", str),
                address=row.get("address", str),
                location=GeoPoint(row.get("lat", float), row.get("lon", float)),
                timezone=row.get("timezone", str),
                stock=_quantities(stock[row.get("depot_id", str)]),
                opening_hours_start=row.get("opens_at", time),
                opening_hours_end=row.get("closes_at", time),
            )
            for row in self._valid(layout.DEPOTS)
        ]

    def _technicians(self) -> list[Technician | None]:
        skills = self._children(layout.TECHNICIAN_SKILLS, "technician_id")
        shifts = self._children(layout.TECHNICIAN_SHIFTS, "technician_id")
        exceptions = self._children(layout.TECHNICIAN_SHIFT_EXCEPTIONS, "technician_id")
        vans = self._children(layout.VAN_STOCK, "technician_id")
        technicians: list[Technician | None] = []
        for row in self._valid(layout.TECHNICIANS):
            technician_id = row.get("technician_id", str)
            weekly: list[Shift | None] = [None] * 7
            for shift_row in shifts[technician_id]:
                weekly[shift_row.get("weekday", Weekday).number] = _shift(shift_row)
            calendar = row.build(
                "technician_id",
                WorkingCalendar,
                weekly=tuple(weekly),
                exceptions={r.get("date", date): _shift(r) for r in exceptions[technician_id]},
            )
            if calendar is None:
                continue
            technician = row.build(
                "technician_id",
                Technician,
                id=technician_id,
                name=row.get("technician_name", str),
                home=GeoPoint(row.get("home_lat", float), row.get("home_lon", float)),
                home_address=row.get("home_address", str),
                timezone=row.get("timezone", str),
                region=row.get("region", str),
                skills={r.get("skill_code", str): r.get("level", int) for r in skills[technician_id]},
                calendar=calendar,
                van_stock=_quantities(vans[technician_id]),
                email=row.get("email", str),
                phone=row.get("phone", str),
            )
            technicians.append(technician)
        return technicians

    def _pause(self, row: Row) -> TicketPause | None:
        return row.build(
            "resumed_at",
            TicketPause,
            ticket_id=row.get("ticket_id", str),
            paused_at=row.get("paused_at", datetime),
            resumed_at=row.optional("resumed_at", datetime),
            reason=row.get("reason", str),
        )

    def _on_call_duties(self) -> list[OnCallDuty]:
        """Valid duty lines; a technician on call twice at once is reported on the later line."""
        built: dict[OnCallDuty, Row] = {}
        for row in self._valid(layout.ON_CALL_DUTIES):
            duty = row.build(
                "ends_at",
                OnCallDuty,
                technician_id=row.get("technician_id", str),
                region=row.get("region", str),
                starts_at=row.get("starts_at", datetime),
                ends_at=row.get("ends_at", datetime),
                call_out_cost=row.get("call_out_cost", int),
            )
            if duty is not None:
                built[duty] = row
        for earlier, later in overlapping_duties(built):
            first, repeat = sorted((built[earlier], built[later]), key=lambda r: r.line)
            repeat.error(
                "starts_at",
                f"technician {later.technician_id} is already on call then (line {first.line}, "
                f"{earlier.starts_at.isoformat()} to {earlier.ends_at.isoformat()})",
            )
        return [duty for duty, row in built.items() if row.ok]

    def _procedures(self) -> list[Procedure]:
        """Valid procedures with their steps in file order; a procedure without steps is reported."""
        steps = self._children(layout.PROCEDURE_STEPS, "procedure_id")
        procedures = []
        for row in self._valid(layout.PROCEDURES):
            kind = row.optional("ticket_kind", TicketKind)
            procedure = row.build(
                "procedure_id",
                Procedure,
                id=row.get("procedure_id", str),
                category=row.get("category", str),
                name=row.get("procedure_name", str),
                ticket_kind=kind,
                steps=tuple(
                    ProcedureStep(
                        code=s.get("step_code", str),
                        label=s.get("label", str),
                        mandatory=s.get("mandatory", bool),
                        kind=s.get("kind", StepKind),
                    )
                    for s in steps[row.get("procedure_id", str)]
                ),
            )
            if procedure is not None:
                procedures.append(procedure)
        return procedures

    @staticmethod
    def _ticket(row: Row) -> Ticket | None:
        return row.build(
            "resolution_due",
            Ticket,
            id=row.get("ticket_id", str),
            site_id=row.get("site_id", str),
            contract_id=row.get("contract_id", str),
            channel=row.get("channel", Channel),
            kind=row.get("kind", TicketKind),
            priority=row.get("priority", Priority),
            category=row.get("category", str),
            summary=row.get("summary", str),
            opened_at=row.get("opened_at", datetime),
            state=row.get("state", TicketState),
            response_due=row.get("response_due", datetime),
            resolution_due=row.get("resolution_due", datetime),
            responded_at=row.optional("responded_at", datetime),
            resolved_at=row.optional("resolved_at", datetime),
            follow_up_of=row.optional("follow_up_of", str),
        )

    def _jobs(self) -> list[Job | None]:
        skills = self._children(layout.JOB_SKILLS, "job_id")
        parts = self._children(layout.JOB_PARTS, "job_id")
        windows = self._children(layout.JOB_WINDOWS, "job_id")
        jobs: list[Job | None] = []
        for row in self._valid(layout.JOBS):
            job_id = row.get("job_id", str)
            required_skills = [
                r.build("min_level", SkillRequirement, r.get("skill_code", str), r.get("min_level", int))
                for r in skills[job_id]
            ]
            required_parts = [
                r.build("quantity", PartRequirement, r.get("sku", str), r.get("quantity", int))
                for r in parts[job_id]
            ]
            allowed = [_window(r) for r in windows[job_id]]
            job = row.build(
                "job_id",
                Job,
                id=job_id,
                ticket_id=row.get("ticket_id", str),
                site_id=row.get("site_id", str),
                duration=row.get("duration_minutes", timedelta),
                priority=row.get("priority", Priority),
                required_skills=tuple(x for x in required_skills if x is not None),
                required_parts=tuple(x for x in required_parts if x is not None),
                windows=tuple(x for x in allowed if x is not None),
                sla_due=row.optional("sla_due", datetime),
                pinned_technician_id=row.optional("pinned_technician_id", str),
                status=row.get("status", JobStatus),
            )
            jobs.append(job)
        return jobs

    def _standby_agreements(self) -> list[StandbyAgreement | None]:
        skills = self._children(layout.STANDBY_SKILLS, "standby_id")
        agreements: list[StandbyAgreement | None] = []
        for row in self._valid(layout.STANDBY_AGREEMENTS):
            standby_id = row.get("standby_id", str)
            required = [
                r.build("min_level", SkillRequirement, r.get("skill_code", str), r.get("min_level", int))
                for r in skills[standby_id]
            ]
            agreements.append(
                row.build(
                    "ends_at",
                    StandbyAgreement,
                    id=standby_id,
                    customer_id=row.get("customer_id", str),
                    site_id=row.get("site_id", str),
                    starts_at=row.get("starts_at", datetime),
                    ends_at=row.get("ends_at", datetime),
                    required_skills=tuple(x for x in required if x is not None),
                    response=row.get("response_minutes", timedelta),
                )
            )
        return agreements


def _quantities(rows: list[Row]) -> dict[str, int]:
    return {row.get("sku", str): row.get("quantity", int) for row in rows}


def _shift(row: Row) -> Shift | None:
    """A shift from a shift or exception line; empty start and end (exceptions only) mean a day off."""
    start = row.optional("shift_start", time)
    end = row.optional("shift_end", time)
    lunch_values = (
        row.optional("lunch_earliest", time),
        row.optional("lunch_latest", time),
        row.optional("lunch_minutes", timedelta),
    )
    names = ("lunch_earliest", "lunch_latest", "lunch_minutes")
    if start is None and end is None:
        given = [name for name, value in zip(names, lunch_values, strict=True) if value is not None]
        if given:
            row.error(given[0], "a day off (no shift_start, no shift_end) takes no lunch break")
        return None
    if start is None or end is None:
        row.error(
            "shift_start" if start is None else "shift_end", "give both shift_start and shift_end, or neither"
        )
        return None
    if end <= start:
        row.error("shift_end", f"shift ends at {end:%H:%M}, not after it starts at {start:%H:%M}")
        return None
    if all(value is None for value in lunch_values):
        return Shift(start, end)
    earliest, latest, minutes = lunch_values
    if earliest is None or latest is None or minutes is None:
        empty = next(name for name, value in zip(names, lunch_values, strict=True) if value is None)
        row.error(
            empty, "a lunch break needs lunch_earliest, lunch_latest and lunch_minutes, or none of them"
        )
        return None
    lunch = row.build("lunch_latest", LunchBreak, earliest, latest, minutes)
    return None if lunch is None else row.build("shift_end", Shift, start, end, lunch)


def _window(row: Row) -> TimeWindow | None:
    start = row.get("window_start", datetime)
    end = row.get("window_end", datetime)
    if end <= start:
        row.error(
            "window_end", f"window ends at {end.isoformat()}, not after it starts at {start.isoformat()}"
        )
        return None
    return row.build("window_end", TimeWindow, start, end)
