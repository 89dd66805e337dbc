"""The storage schema: one row class per table, mirroring the domain without being it.

Times of day are whole seconds after local midnight (``*_s``, 86400 closes a day at midnight) and
durations are whole seconds, so every check constraint reads the same on PostgreSQL and SQLite.
Children (hours, skills, stock, requirements) belong to their parent row and go with it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dispatch.domain.contracts import Priority
from dispatch.domain.geo import GeoPoint
from dispatch.domain.jobs import JobStatus
from dispatch.domain.plans import PlanStatus
from dispatch.domain.tickets import Channel, TicketKind, TicketState
from dispatch.persistence.types import GeoPointColumn, UtcDateTime

SECONDS_PER_DAY = 86_400

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(40)
NAME = String(200)
ZONE = String(64)


class Base(DeclarativeBase):
    """Declarative base with constraint names that migrations can refer to on both back ends."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(row_class: type[Base]) -> Table:
    """The Core table behind a row class, for bulk statements."""
    table = row_class.__table__
    assert isinstance(table, Table)
    return table


def _one_of(
    column: str, values: type[Priority | JobStatus | Channel | TicketKind | TicketState | PlanStatus]
) -> str:
    listed = ", ".join(f"'{member.value}'" for member in values)
    return f"{column} IN ({listed})"


def _second_of_day(column: str) -> str:
    return f"{column} >= 0 AND {column} <= {SECONDS_PER_DAY}"


def _interval_of_day(start: str, end: str) -> str:
    return f"{start} >= 0 AND {end} > {start} AND {end} <= {SECONDS_PER_DAY}"


def _weekday(column: str = "weekday") -> CheckConstraint:
    return CheckConstraint(f"{column} >= 0 AND {column} <= 6", name="weekday_range")


def _parent(target: str) -> ForeignKey:
    """A reference to the owning row: children are removed with it."""
    return ForeignKey(target, ondelete="CASCADE")


# --- catalogue ---------------------------------------------------------------------------------


class SkillRow(Base):
    __tablename__ = "skills"

    code: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)


class PartRow(Base):
    __tablename__ = "parts"
    __table_args__ = (CheckConstraint("unit_cost_cents >= 0", name="unit_cost_not_negative"),)

    sku: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    category: Mapped[str] = mapped_column(String(80), default="")
    unit_cost_cents: Mapped[int] = mapped_column(Integer, default=0)


# --- customers and sites -----------------------------------------------------------------------


class CustomerRow(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)


class SiteRow(Base):
    __tablename__ = "sites"
    __table_args__ = (Index("ix_sites_location", "location", postgresql_using="gist"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(NAME)
    address: Mapped[str] = mapped_column(String(300))
    city: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(40))
    postcode: Mapped[str] = mapped_column(String(20))
    location: Mapped[GeoPoint] = mapped_column(GeoPointColumn())
    timezone: Mapped[str] = mapped_column(ZONE)
    region: Mapped[str] = mapped_column(String(80), index=True)
    access_notes: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(NAME)
    contact_phone: Mapped[str] = mapped_column(String(40))
    contact_email: Mapped[str] = mapped_column(NAME)


class SiteAccessHoursRow(Base):
    """One open interval of a weekday at a site; a weekday without rows is closed."""

    __tablename__ = "site_access_hours"
    __table_args__ = (
        _weekday(),
        CheckConstraint(_interval_of_day("start_s", "end_s"), name="interval_in_day"),
    )

    site_id: Mapped[str] = mapped_column(_parent("sites.id"), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_s: Mapped[int] = mapped_column(Integer)
    end_s: Mapped[int] = mapped_column(Integer)


# --- SLA policies and contracts ----------------------------------------------------------------


class SlaPolicyRow(Base):
    """A named SLA tier, shared by the contracts that reference it."""

    __tablename__ = "sla_policies"

    tier: Mapped[str] = mapped_column(ID, primary_key=True)
    holiday_country: Mapped[str | None] = mapped_column(String(2))
    hard_deadlines: Mapped[bool] = mapped_column(Boolean, server_default=false())
    maintenance_every_days: Mapped[int | None] = mapped_column(Integer)


class SlaTargetRow(Base):
    __tablename__ = "sla_targets"
    __table_args__ = (
        CheckConstraint(_one_of("priority", Priority), name="priority_known"),
        CheckConstraint("response_s > 0", name="response_positive"),
        CheckConstraint("resolution_s >= response_s", name="resolution_after_response"),
    )

    tier: Mapped[str] = mapped_column(_parent("sla_policies.tier"), primary_key=True)
    priority: Mapped[str] = mapped_column(String(2), primary_key=True)
    response_s: Mapped[int] = mapped_column(Integer)
    resolution_s: Mapped[int] = mapped_column(Integer)


class SlaCoverageHoursRow(Base):
    """One covered interval of a weekday, in the site's local time."""

    __tablename__ = "sla_coverage_hours"
    __table_args__ = (
        _weekday(),
        CheckConstraint(_interval_of_day("start_s", "end_s"), name="interval_in_day"),
    )

    tier: Mapped[str] = mapped_column(_parent("sla_policies.tier"), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_s: Mapped[int] = mapped_column(Integer)
    end_s: Mapped[int] = mapped_column(Integer)


class ContractRow(Base):
    __tablename__ = "contracts"
    __table_args__ = (CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(NAME)
    sla_tier: Mapped[str] = mapped_column(ForeignKey("sla_policies.tier"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)


# --- depots and technicians --------------------------------------------------------------------


class DepotRow(Base):
    __tablename__ = "depots"
    __table_args__ = (
        Index("ix_depots_location", "location", postgresql_using="gist"),
        CheckConstraint(_second_of_day("opening_start_s"), name="opening_start_in_day"),
        CheckConstraint(_second_of_day("opening_end_s"), name="opening_end_in_day"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    address: Mapped[str] = mapped_column(String(300))
    location: Mapped[GeoPoint] = mapped_column(GeoPointColumn())
    timezone: Mapped[str] = mapped_column(ZONE)
    opening_start_s: Mapped[int] = mapped_column(Integer)
    opening_end_s: Mapped[int] = mapped_column(Integer)


class DepotStockRow(Base):
    __tablename__ = "depot_stock"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)

    depot_id: Mapped[str] = mapped_column(_parent("depots.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("parts.sku"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)


_HAS_EMAIL = "email <> ''"


class TechnicianRow(Base):
    """A technician; a non-empty e-mail is their login, so no two may share it in any letter case."""

    __tablename__ = "technicians"
    __table_args__ = (
        Index("ix_technicians_home", "home", postgresql_using="gist"),
        Index(
            "uq_technicians_email_lower",
            text("lower(email)"),
            unique=True,
            postgresql_where=text(_HAS_EMAIL),
            sqlite_where=text(_HAS_EMAIL),
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    home: Mapped[GeoPoint] = mapped_column(GeoPointColumn())
    home_address: Mapped[str] = mapped_column(String(300))
    timezone: Mapped[str] = mapped_column(ZONE)
    region: Mapped[str] = mapped_column(String(80), index=True)
    email: Mapped[str] = mapped_column(NAME)
    phone: Mapped[str] = mapped_column(String(40))


class TechnicianSkillRow(Base):
    __tablename__ = "technician_skills"
    __table_args__ = (
        CheckConstraint("level >= 1 AND level <= 5", name="level_range"),
        Index("ix_technician_skills_skill_level", "skill_code", "level"),
    )

    technician_id: Mapped[str] = mapped_column(_parent("technicians.id"), primary_key=True)
    skill_code: Mapped[str] = mapped_column(ForeignKey("skills.code"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)


# A NULL makes a CHECK pass, so each branch names its NULLs explicitly.
_LUNCH_ALL_OR_NONE = (
    "(lunch_earliest_s IS NULL AND lunch_latest_s IS NULL AND lunch_duration_s IS NULL) OR "
    "(lunch_earliest_s IS NOT NULL AND lunch_latest_s IS NOT NULL AND lunch_duration_s IS NOT NULL "
    "AND lunch_earliest_s >= 0 AND lunch_latest_s >= lunch_earliest_s "
    f"AND lunch_latest_s < {SECONDS_PER_DAY} AND lunch_duration_s > 0)"
)


class TechnicianShiftRow(Base):
    """The shift of one weekday in the weekly pattern; a weekday without a row is a day off."""

    __tablename__ = "technician_shifts"
    __table_args__ = (
        _weekday(),
        CheckConstraint(_interval_of_day("start_s", "end_s"), name="shift_in_day"),
        CheckConstraint(_LUNCH_ALL_OR_NONE, name="lunch_complete"),
    )

    technician_id: Mapped[str] = mapped_column(_parent("technicians.id"), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_s: Mapped[int] = mapped_column(Integer)
    end_s: Mapped[int] = mapped_column(Integer)
    lunch_earliest_s: Mapped[int | None] = mapped_column(Integer)
    lunch_latest_s: Mapped[int | None] = mapped_column(Integer)
    lunch_duration_s: Mapped[int | None] = mapped_column(Integer)


class TechnicianShiftExceptionRow(Base):
    """A dated change to the pattern: another shift that day, or no shift (both times empty)."""

    __tablename__ = "technician_shift_exceptions"
    __table_args__ = (
        CheckConstraint(
            "(start_s IS NULL AND end_s IS NULL AND lunch_duration_s IS NULL) OR "
            f"(start_s IS NOT NULL AND end_s IS NOT NULL AND {_interval_of_day('start_s', 'end_s')})",
            name="shift_in_day_or_off",
        ),
        CheckConstraint(_LUNCH_ALL_OR_NONE, name="lunch_complete"),
    )

    technician_id: Mapped[str] = mapped_column(_parent("technicians.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    start_s: Mapped[int | None] = mapped_column(Integer)
    end_s: Mapped[int | None] = mapped_column(Integer)
    lunch_earliest_s: Mapped[int | None] = mapped_column(Integer)
    lunch_latest_s: Mapped[int | None] = mapped_column(Integer)
    lunch_duration_s: Mapped[int | None] = mapped_column(Integer)


class VanStockRow(Base):
    __tablename__ = "van_stock"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)

    technician_id: Mapped[str] = mapped_column(_parent("technicians.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("parts.sku"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)


class OnCallDutyRow(Base):
    """A period in which a technician can be called out in a region; a technician is on call once at a time
    (the domain checks overlaps; the key forbids two duties starting together)."""

    __tablename__ = "on_call_duties"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("call_out_cost >= 0", name="call_out_cost_not_negative"),
        Index("ix_on_call_duties_region_starts_at", "region", "starts_at"),
    )

    technician_id: Mapped[str] = mapped_column(_parent("technicians.id"), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    region: Mapped[str] = mapped_column(String(80))
    call_out_cost: Mapped[int] = mapped_column(Integer)


class StandbyAgreementRow(Base):
    """Guaranteed availability at a site over a period: skills (code -> minimum level) and the response."""

    __tablename__ = "standby_agreements"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("response_s > 0", name="response_positive"),
        Index("ix_standby_agreements_starts_at", "starts_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    required_skills: Mapped[dict[str, int]] = mapped_column(JSON)
    response_s: Mapped[int] = mapped_column(Integer)


# --- tickets and jobs --------------------------------------------------------------------------


class TicketRow(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(_one_of("channel", Channel), name="channel_known"),
        CheckConstraint(_one_of("kind", TicketKind), name="kind_known"),
        CheckConstraint(_one_of("priority", Priority), name="priority_known"),
        CheckConstraint(_one_of("state", TicketState), name="state_known"),
        CheckConstraint("resolution_due >= opened_at", name="resolution_due_after_opening"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(2))
    category: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    response_due: Mapped[datetime] = mapped_column(UtcDateTime())
    resolution_due: Mapped[datetime] = mapped_column(UtcDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    follow_up_of: Mapped[str | None] = mapped_column(ForeignKey("tickets.id"))


class TicketPauseRow(Base):
    """A stretch a ticket waited on the customer; ``resumed_at`` is null while it still waits."""

    __tablename__ = "ticket_pauses"
    __table_args__ = (
        CheckConstraint("resumed_at IS NULL OR resumed_at >= paused_at", name="resumed_after_pause"),
    )

    ticket_id: Mapped[str] = mapped_column(_parent("tickets.id"), primary_key=True)
    paused_at: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    resumed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reason: Mapped[str] = mapped_column(Text)


class JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("duration_s > 0", name="duration_positive"),
        CheckConstraint(_one_of("priority", Priority), name="priority_known"),
        CheckConstraint(_one_of("status", JobStatus), name="status_known"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"), index=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    duration_s: Mapped[int] = mapped_column(Integer)
    priority: Mapped[str] = mapped_column(String(2))
    sla_due: Mapped[datetime | None] = mapped_column(UtcDateTime())
    pinned_technician_id: Mapped[str | None] = mapped_column(ForeignKey("technicians.id"))
    status: Mapped[str] = mapped_column(String(20), index=True)
    follow_up_of_job: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    """The visit that could not complete and sent this job out; none on a first visit."""


class JobSkillRow(Base):
    __tablename__ = "job_required_skills"
    __table_args__ = (CheckConstraint("min_level >= 1 AND min_level <= 5", name="level_range"),)

    job_id: Mapped[str] = mapped_column(_parent("jobs.id"), primary_key=True)
    skill_code: Mapped[str] = mapped_column(ForeignKey("skills.code"), primary_key=True)
    min_level: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class JobPartRow(Base):
    __tablename__ = "job_required_parts"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity_positive"),)

    job_id: Mapped[str] = mapped_column(_parent("jobs.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("parts.sku"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class JobWindowRow(Base):
    """One allowed interval for the visit to start, as instants."""

    __tablename__ = "job_time_windows"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    job_id: Mapped[str] = mapped_column(_parent("jobs.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())


# --- plans ---------------------------------------------------------------------------------------

ONE_PUBLISHED_PLAN_PER_DAY = "uq_plans_one_published_per_day"
ONE_ASSIGNMENT_PER_JOB = "uq_plan_visits_one_active_per_job"
"""A job is on the published plan of a day once: one technician, one visit."""
NO_OVERLAPPING_VISITS = "ex_plan_visits_no_overlap"
"""A technician's visits on published plans never overlap in time (``[starts_at, ends_at)``, any day).

PostgreSQL: an exclusion constraint (``btree_gist``, ``tstzrange``); SQLite: triggers of this name with
``_insert`` and ``_update`` added, raising this name. Both are made by the migration
``active_assignment_rules``, not by the models, since neither is portable SQLAlchemy metadata."""
_PUBLISHED_VISIT = "plan_status = 'published'"


class PlanRow(Base):
    """A solved and validated plan of a whole day; ``region`` names the part a regional solve re-planned.

    A day has one published plan at a time, by a partial unique index: of two edits racing to replace
    the same plan, exactly one can commit.
    """

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint(_one_of("status", PlanStatus), name="status_known"),
        Index("ix_plans_day_region_status", "day", "region", "status"),
        Index(
            ONE_PUBLISHED_PLAN_PER_DAY,
            "day",
            unique=True,
            postgresql_where=text("status = 'published'"),
            sqlite_where=text("status = 'published'"),
        ),
        # What each visit copies of its plan (kept in step by ON UPDATE CASCADE), so that the rules of
        # the published plan can be constraints on the visits themselves.
        UniqueConstraint("id", "day", "status", name="uq_plans_id_day_status"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    region: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(20))
    solver_status: Mapped[str] = mapped_column(String(20))
    solve_ms: Mapped[int] = mapped_column(Integer)
    travel_cost: Mapped[int] = mapped_column(BigInteger)
    lateness_cost: Mapped[int] = mapped_column(BigInteger)
    drop_cost: Mapped[int] = mapped_column(BigInteger)
    overtime_cost: Mapped[int] = mapped_column(BigInteger)
    changes: Mapped[dict[str, object] | None] = mapped_column(JSON)
    """What the plan changed from the one it replaced: visits reassigned, customer windows moved."""


class PlanRouteRow(Base):
    __tablename__ = "plan_routes"
    __table_args__ = (CheckConstraint("ends_at >= starts_at", name="ends_after_start"),)

    plan_id: Mapped[str] = mapped_column(_parent("plans.id"), primary_key=True)
    technician_id: Mapped[str] = mapped_column(ForeignKey("technicians.id"), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    travel_s: Mapped[int] = mapped_column(Integer)
    distance_m: Mapped[int] = mapped_column(Integer)
    overtime_s: Mapped[int] = mapped_column(Integer)
    lunch_starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    lunch_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PlanVisitRow(Base):
    """One stop of a planned route: a job, or a depot where parts are collected.

    ``plan_day`` and ``plan_status`` copy the plan's, and follow it when the plan is superseded (a
    cascading foreign key), so the visits of a day's published plan, the active assignments, are
    constrained directly: ``ONE_ASSIGNMENT_PER_JOB`` and ``NO_OVERLAPPING_VISITS``. Superseded plans keep
    their visits as history, outside both rules.
    """

    __tablename__ = "plan_visits"
    __table_args__ = (
        CheckConstraint("kind IN ('job', 'depot_pickup')", name="kind_known"),
        CheckConstraint(
            "(kind = 'job' AND job_id IS NOT NULL AND depot_id IS NULL)"
            " OR (kind = 'depot_pickup' AND depot_id IS NOT NULL AND job_id IS NULL)",
            name="job_or_depot",
        ),
        CheckConstraint("starts_at >= arrives_at AND ends_at >= starts_at", name="times_ordered"),
        ForeignKeyConstraint(
            ["plan_id", "plan_day", "plan_status"],
            ["plans.id", "plans.day", "plans.status"],
            name="fk_plan_visits_plan_state_plans",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        Index(
            ONE_ASSIGNMENT_PER_JOB,
            "plan_day",
            "job_id",
            unique=True,
            postgresql_where=text(_PUBLISHED_VISIT),
            sqlite_where=text(_PUBLISHED_VISIT),
        ),
    )

    plan_id: Mapped[str] = mapped_column(_parent("plans.id"), primary_key=True)
    technician_id: Mapped[str] = mapped_column(ForeignKey("technicians.id"), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_day: Mapped[date] = mapped_column(Date)
    plan_status: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    depot_id: Mapped[str | None] = mapped_column(ForeignKey("depots.id"))
    arrives_at: Mapped[datetime] = mapped_column(UtcDateTime())
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    travel_s: Mapped[int] = mapped_column(Integer)
    distance_m: Mapped[int] = mapped_column(Integer)
    sla_lateness_s: Mapped[int] = mapped_column(Integer)
    parts_picked: Mapped[dict[str, int]] = mapped_column(JSON)


class PlanUnassignedRow(Base):
    __tablename__ = "plan_unassigned"

    plan_id: Mapped[str] = mapped_column(_parent("plans.id"), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text)


# --- accounts ------------------------------------------------------------------------------------


class AccountRow(Base):
    """A login: staff of the deployment's one provider (a technician's names the technician), or a
    customer organisation's user (names the customer)."""

    __tablename__ = "user_accounts"
    __table_args__ = (
        CheckConstraint("role IN ('dispatcher', 'technician', 'customer')", name="role_known"),
        CheckConstraint(
            "(role = 'technician' AND technician_id IS NOT NULL)"
            " OR (role <> 'technician' AND technician_id IS NULL)",
            name="technician_link",
        ),
        CheckConstraint(
            "(role = 'customer') = (customer_id IS NOT NULL)",
            name="customer_link",
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(NAME)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    technician_id: Mapped[str | None] = mapped_column(ForeignKey("technicians.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    """The customer organisation a customer user belongs to; none for staff."""
    is_admin: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """A dispatcher who also manages the logins."""


# --- progress reports and customer tracking -------------------------------------------------------


class VisitReportRow(Base):
    """A technician's progress report on a visit; the idempotency key makes a retried report count once."""

    __tablename__ = "visit_reports"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('en_route', 'arrived', 'completed', 'not_completed', 'running_late')", name="kind_known"
        ),
        CheckConstraint(_one_of("status_after", JobStatus), name="status_known"),
        CheckConstraint("late_by_min IS NULL OR late_by_min >= 0", name="late_not_negative"),
        Index("ix_visit_reports_job_reported", "job_id", "reported_at"),
        # Keys are made by each technician's phone: one technician's key says nothing about another's.
        UniqueConstraint("technician_id", "idempotency_key", name="uq_visit_reports_technician_key"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    technician_id: Mapped[str] = mapped_column(ForeignKey("technicians.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(30))
    late_by_min: Mapped[int | None] = mapped_column(Integer)
    expected_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status_after: Mapped[str] = mapped_column(String(20))
    answer: Mapped[dict[str, object]] = mapped_column(JSON)


_USED_ONCE = "kind = 'used'"


class PartMovementRow(Base):
    """A part leaving a depot onto a van (``picked_up``, positive) or used at a visit (``used``, negative).

    Written as the technician reports, and applied to ``van_stock`` and ``depot_stock`` only when the day is
    settled (``settled_at``): during the day the planner derives the van from the published route, so
    changing the stock tables then would count each part twice. A job uses each part once, by a partial
    unique index.
    """

    __tablename__ = "part_movements"
    __table_args__ = (
        CheckConstraint("kind IN ('used', 'picked_up')", name="kind_known"),
        CheckConstraint(
            "(kind = 'used' AND quantity < 0 AND job_id IS NOT NULL)"
            " OR (kind = 'picked_up' AND quantity > 0 AND depot_id IS NOT NULL)",
            name="kind_fits",
        ),
        Index("ix_part_movements_technician_day", "technician_id", "day"),
        Index("ix_part_movements_day_settled", "day", "settled_at"),
        Index(
            "uq_part_movements_used_once",
            "job_id",
            "sku",
            unique=True,
            postgresql_where=text(_USED_ONCE),
            sqlite_where=text(_USED_ONCE),
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    technician_id: Mapped[str] = mapped_column(ForeignKey("technicians.id"))
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    depot_id: Mapped[str | None] = mapped_column(ForeignKey("depots.id"))
    sku: Mapped[str] = mapped_column(ForeignKey("parts.sku"))
    quantity: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TrackingLinkRow(Base):
    """A customer's read-only link to one ticket; only the SHA-256 of its token is kept."""

    __tablename__ = "tracking_links"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[str] = mapped_column(ForeignKey("user_accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RateHitRow(Base):
    """One counted request or failed login of a subject (a client address or a login email).

    Kept in the database so every worker process counts together, as a sliding window: the hits of the
    last window's length are counted, older ones are deleted. The subject is stored as the SHA-256 of the
    address or email, so the table holds no personal data.
    """

    __tablename__ = "rate_hits"
    __table_args__ = (
        Index("ix_rate_hits_scope_subject_at", "scope", "subject", "at"),
        Index("ix_rate_hits_scope_at", "scope", "at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


# --- planning jobs, locks and pins ---------------------------------------------------------------

_ACTIVE_PLAN_JOB = "status IN ('queued', 'running')"


class PlanJobRow(Base):
    """A request to plan a day in the background; at most one waits or runs per day and scope."""

    __tablename__ = "plan_jobs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')", name="status_known"
        ),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress_range"),
        CheckConstraint("time_limit_s > 0", name="time_limit_positive"),
        Index(
            "uq_plan_jobs_one_active_per_day_scope",
            "day",
            "scope",
            unique=True,
            postgresql_where=text(_ACTIVE_PLAN_JOB),
            sqlite_where=text(_ACTIVE_PLAN_JOB),
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    region: Mapped[str | None] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(100))
    time_limit_s: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), index=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    requested_by: Mapped[str | None] = mapped_column(ForeignKey("user_accounts.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    progress: Mapped[float] = mapped_column(Float)
    best_objective: Mapped[int | None] = mapped_column(BigInteger)
    solutions_found: Mapped[int] = mapped_column(Integer)
    cancel_requested: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"))
    assigned_count: Mapped[int | None] = mapped_column(Integer)
    unassigned_count: Mapped[int | None] = mapped_column(Integer)
    only_if_better: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    """Publish only a plan better than the one published by then (the search after an emergency)."""
    preview: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    p1_assigned_count: Mapped[int | None] = mapped_column(Integer)
    groups_done: Mapped[int | None] = mapped_column(Integer)
    groups_total: Mapped[int | None] = mapped_column(Integer)
    """Store the plan as a proposal for the dispatcher to accept or discard, instead of publishing it."""


class DayLockRow(Base):
    """A technician's day kept exactly as published by re-planning."""

    __tablename__ = "technician_day_locks"

    technician_id: Mapped[str] = mapped_column(_parent("technicians.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    locked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    locked_by: Mapped[str | None] = mapped_column(ForeignKey("user_accounts.id", ondelete="SET NULL"))


class JobPinRow(Base):
    """The start time a dispatcher pinned a job at (the technician is ``jobs.pinned_technician_id``)."""

    __tablename__ = "job_pinned_starts"

    job_id: Mapped[str] = mapped_column(_parent("jobs.id"), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ArrivalPromiseRow(Base):
    """The arrival window a visit's customer was last told (``dispatch.domain.promises``)."""

    __tablename__ = "arrival_promises"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("times_told >= 1", name="told_at_least_once"),
    )

    job_id: Mapped[str] = mapped_column(_parent("jobs.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime())
    promised_at: Mapped[datetime] = mapped_column(UtcDateTime())
    times_told: Mapped[int] = mapped_column(Integer)


_GENERAL_PROCEDURE = "ticket_kind IS NULL"


class ProcedureRow(Base):
    """The checklist of a ticket category, for one ticket kind or (``ticket_kind`` null) for any."""

    __tablename__ = "procedures"
    __table_args__ = (
        CheckConstraint(
            f"ticket_kind IS NULL OR {_one_of('ticket_kind', TicketKind)}", name="ticket_kind_known"
        ),
        UniqueConstraint("category", "ticket_kind", name="uq_procedures_category_kind"),
        # NULLs never clash in a unique constraint: the general procedure of a category is kept single here.
        Index(
            "uq_procedures_category_general",
            "category",
            unique=True,
            postgresql_where=text(_GENERAL_PROCEDURE),
            sqlite_where=text(_GENERAL_PROCEDURE),
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    category: Mapped[str] = mapped_column(ForeignKey("skills.code"))
    ticket_kind: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(NAME)


class ProcedureStepRow(Base):
    __tablename__ = "procedure_steps"
    __table_args__ = (
        CheckConstraint("kind IN ('tick', 'text')", name="kind_known"),
        CheckConstraint("position >= 1", name="position_positive"),
        UniqueConstraint("procedure_id", "position", name="uq_procedure_steps_position"),
    )

    procedure_id: Mapped[str] = mapped_column(_parent("procedures.id"), primary_key=True)
    code: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(NAME)
    mandatory: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(10))


class VisitChecklistRow(Base):
    """A visit's checklist: the procedure's steps as they stood when work on the visit began (``steps``),
    and who completed the visit with it, when."""

    __tablename__ = "visit_checklists"

    job_id: Mapped[str] = mapped_column(_parent("jobs.id"), primary_key=True)
    procedure_id: Mapped[str] = mapped_column(ID)
    procedure_name: Mapped[str] = mapped_column(NAME)
    steps: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completed_by: Mapped[str | None] = mapped_column(ForeignKey("technicians.id"))


class ChecklistMarkRow(Base):
    """A technician ticking, unticking or answering a step; only ever added. The idempotency key makes a
    retried mark count once, as for reports."""

    __tablename__ = "checklist_marks"
    __table_args__ = (
        Index("ix_checklist_marks_job_marked", "job_id", "marked_at"),
        Index("ix_checklist_marks_technician_marked", "technician_id", "marked_at"),
        UniqueConstraint("technician_id", "idempotency_key", name="uq_checklist_marks_technician_key"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    job_id: Mapped[str] = mapped_column(ForeignKey("visit_checklists.job_id", ondelete="CASCADE"))
    step_code: Mapped[str] = mapped_column(ID)
    done: Mapped[bool] = mapped_column(Boolean)
    answer: Mapped[str | None] = mapped_column(Text)
    technician_id: Mapped[str] = mapped_column(ForeignKey("technicians.id"))
    marked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reply: Mapped[dict[str, object]] = mapped_column(JSON)


# --- audit trail ---------------------------------------------------------------------------------


class AuditEventRow(Base):
    """One change (who, when, what, from, to, why); appended, never updated or deleted (on PostgreSQL a
    trigger refuses both). No foreign keys: the trail outlives what it speaks of."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_subject", "subject_kind", "subject_id", "seq"),
        Index("ix_audit_events_plan_day", "plan_day", "seq"),
    )

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(254))
    subject_kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    from_value: Mapped[str | None] = mapped_column(Text)
    to_value: Mapped[str | None] = mapped_column(Text)
    why: Mapped[str | None] = mapped_column(Text)
    plan_day: Mapped[date | None] = mapped_column(Date)


class PartTaskRow(Base):
    """A part of a day's solve on the job queue: the part as plain data, then its solution or failure.

    ``batch`` is the solve that asked (one executor); ``attempt`` counts tries (a retry bumps it, and a
    worker of an earlier try can no longer fail it). Rows go once their solve has read them."""

    __tablename__ = "part_tasks"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
        CheckConstraint("attempt >= 1", name="attempt_positive"),
        CheckConstraint("time_limit_s > 0", name="time_limit_positive"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    batch: Mapped[str] = mapped_column(ID, index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    time_limit_s: Mapped[float] = mapped_column(Float)
    task: Mapped[dict[str, object]] = mapped_column(JSON)
    result: Mapped[dict[str, object] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(200))
    deferred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
