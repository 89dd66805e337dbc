"""Writing a ``Dataset`` as the directory of CSV files described in ``layout``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from dispatch.csv_io import cells, layout
from dispatch.domain.contracts import Priority, SlaPolicy
from dispatch.domain.dataset import Dataset
from dispatch.domain.technicians import Shift

Record = dict[str, str]


def export_dataset(dataset: Dataset, directory: Path) -> dict[str, int]:
    """Write every table of ``dataset`` into ``directory`` (created if needed); returns rows per file.

    Every file of the layout is written, optional ones too, so an export always reads back whole.
    Raises ``ValueError`` if two contracts name the same SLA tier with different definitions, or a
    duration is not a whole number of minutes, since the files could not say so.
    """
    directory.mkdir(parents=True, exist_ok=True)
    tables = _records(dataset)
    counts: dict[str, int] = {}
    for table in layout.TABLES:
        records = tables[table.file]
        frame = pd.DataFrame(records, columns=table.column_names, dtype=str)
        frame.to_csv(directory / table.file, index=False, lineterminator="\n", encoding="utf-8")
        counts[table.file] = len(records)
    return counts


def _records(dataset: Dataset) -> dict[str, list[Record]]:
    policies = _distinct_policies(dataset)
    return {
        layout.SKILLS.file: [{"skill_code": s.code, "skill_name": s.name} for s in dataset.skills],
        layout.PARTS.file: [
            {
                "sku": p.sku,
                "part_name": p.name,
                "category": p.category,
                "unit_cost_usd": cells.format_usd_cents(p.unit_cost_cents),
            }
            for p in dataset.parts
        ],
        layout.CUSTOMERS.file: [{"customer_id": c.id, "customer_name": c.name} for c in dataset.customers],
        layout.SITES.file: [
            {
                "site_id": s.id,
                "customer_id": s.customer_id,
                "site_name": s.name,
                "address": s.address,
                "city": s.city,
                "state": s.state,
                "postcode": s.postcode,
                "lat": cells.format_float(s.location.lat),
                "lon": cells.format_float(s.location.lon),
                "timezone": s.timezone,
                "region": s.region,
                "access_hours": cells.format_weekly_hours(s.access_hours),
                "access_notes": s.access_notes,
                "contact_name": s.contact.name,
                "contact_phone": s.contact.phone,
                "contact_email": s.contact.email,
            }
            for s in dataset.sites
        ],
        layout.SLA_POLICIES.file: [
            {
                "sla_tier": policy.tier,
                "coverage_hours": cells.format_weekly_hours(policy.coverage.hours),
                "holiday_country": policy.coverage.holiday_country or "",
                "hard_deadlines": cells.format_flag(policy.hard_deadlines),
                "maintenance_every_days": str(policy.maintenance_every_days or ""),
            }
            for policy in policies
        ],
        layout.SLA_TARGETS.file: [
            {
                "sla_tier": policy.tier,
                "priority": priority.value,
                "response_minutes": cells.format_minutes(policy.targets[priority].response),
                "resolution_minutes": cells.format_minutes(policy.targets[priority].resolution),
            }
            for policy in policies
            for priority in Priority
        ],
        layout.CONTRACTS.file: [
            {
                "contract_id": c.id,
                "customer_id": c.customer_id,
                "contract_name": c.name,
                "sla_tier": c.sla.tier,
                "starts_on": cells.format_day(c.starts_on),
                "ends_on": _optional_day(c.ends_on),
            }
            for c in dataset.contracts
        ],
        layout.DEPOTS.file: [
            {
                "depot_id": d.id,
                "depot_name": d.name,
                "address": d.address,
                "lat": cells.format_float(d.location.lat),
                "lon": cells.format_float(d.location.lon),
                "timezone": d.timezone,
                "opens_at": cells.format_clock_time(d.opening_hours_start),
                "closes_at": cells.format_clock_time(d.opening_hours_end),
            }
            for d in dataset.depots
        ],
        layout.DEPOT_STOCK.file: _stock("depot_id", ((d.id, d.stock) for d in dataset.depots)),
        layout.TECHNICIANS.file: [
            {
                "technician_id": t.id,
                "technician_name": t.name,
                "home_address": t.home_address,
                "home_lat": cells.format_float(t.home.lat),
                "home_lon": cells.format_float(t.home.lon),
                "timezone": t.timezone,
                "region": t.region,
                "email": t.email,
                "phone": t.phone,
            }
            for t in dataset.technicians
        ],
        layout.TECHNICIAN_SKILLS.file: [
            {"technician_id": t.id, "skill_code": code, "level": str(level)}
            for t in dataset.technicians
            for code, level in t.skills.items()
        ],
        layout.TECHNICIAN_SHIFTS.file: [
            {"technician_id": t.id, "weekday": weekday.value, **_shift(shift)}
            for t in dataset.technicians
            for weekday, shift in zip(cells.Weekday, t.calendar.weekly, strict=True)
            if shift is not None
        ],
        layout.TECHNICIAN_SHIFT_EXCEPTIONS.file: [
            {"technician_id": t.id, "date": cells.format_day(day), **_shift(shift)}
            for t in dataset.technicians
            for day, shift in t.calendar.exceptions.items()
        ],
        layout.VAN_STOCK.file: _stock("technician_id", ((t.id, t.van_stock) for t in dataset.technicians)),
        layout.ON_CALL_DUTIES.file: [
            {
                "technician_id": d.technician_id,
                "region": d.region,
                "starts_at": cells.format_instant(d.starts_at),
                "ends_at": cells.format_instant(d.ends_at),
                "call_out_cost": str(d.call_out_cost),
            }
            for d in dataset.on_call_duties
        ],
        layout.TICKETS.file: [
            {
                "ticket_id": t.id,
                "site_id": t.site_id,
                "contract_id": t.contract_id,
                "channel": t.channel.value,
                "kind": t.kind.value,
                "priority": t.priority.value,
                "category": t.category,
                "summary": t.summary,
                "opened_at": cells.format_instant(t.opened_at),
                "state": t.state.value,
                "response_due": cells.format_instant(t.response_due),
                "resolution_due": cells.format_instant(t.resolution_due),
                "responded_at": _optional_instant(t.responded_at),
                "resolved_at": _optional_instant(t.resolved_at),
                "follow_up_of": t.follow_up_of or "",
            }
            for t in dataset.tickets
        ],
        layout.TICKET_PAUSES.file: [
            {
                "ticket_id": p.ticket_id,
                "paused_at": cells.format_instant(p.paused_at),
                "resumed_at": _optional_instant(p.resumed_at),
                "reason": p.reason,
            }
            for p in dataset.ticket_pauses
        ],
        layout.JOBS.file: [
            {
                "job_id": j.id,
                "ticket_id": j.ticket_id,
                "site_id": j.site_id,
                "duration_minutes": cells.format_minutes(j.duration),
                "priority": j.priority.value,
                "sla_due": _optional_instant(j.sla_due),
                "pinned_technician_id": j.pinned_technician_id or "",
                "status": j.status.value,
            }
            for j in dataset.jobs
        ],
        layout.STANDBY_AGREEMENTS.file: [
            {
                "standby_id": a.id,
                "customer_id": a.customer_id,
                "site_id": a.site_id,
                "starts_at": cells.format_instant(a.starts_at),
                "ends_at": cells.format_instant(a.ends_at),
                "response_minutes": cells.format_minutes(a.response),
            }
            for a in dataset.standby_agreements
        ],
        layout.STANDBY_SKILLS.file: [
            {"standby_id": a.id, "skill_code": r.skill, "min_level": str(r.min_level)}
            for a in dataset.standby_agreements
            for r in a.required_skills
        ],
        layout.JOB_SKILLS.file: [
            {"job_id": j.id, "skill_code": r.skill, "min_level": str(r.min_level)}
            for j in dataset.jobs
            for r in j.required_skills
        ],
        layout.JOB_PARTS.file: [
            {"job_id": j.id, "sku": r.sku, "quantity": str(r.quantity)}
            for j in dataset.jobs
            for r in j.required_parts
        ],
        layout.JOB_WINDOWS.file: [
            {
                "job_id": j.id,
                "window_start": cells.format_instant(w.start),
                "window_end": cells.format_instant(w.end),
            }
            for j in dataset.jobs
            for w in j.windows
        ],
        layout.PROCEDURES.file: [
            {
                "procedure_id": p.id,
                "category": p.category,
                "ticket_kind": "" if p.ticket_kind is None else p.ticket_kind.value,
                "procedure_name": p.name,
            }
            for p in dataset.procedures
        ],
        layout.PROCEDURE_STEPS.file: [
            {
                "procedure_id": p.id,
                "step_code": s.code,
                "label": s.label,
                "mandatory": cells.format_yes_no(s.mandatory),
                "kind": s.kind.value,
            }
            for p in dataset.procedures
            for s in p.steps
        ],
    }


def _distinct_policies(dataset: Dataset) -> list[SlaPolicy]:
    """The SLA tiers the contracts use, once each, in order of first use."""
    by_tier: dict[str, SlaPolicy] = {}
    for contract in dataset.contracts:
        known = by_tier.setdefault(contract.sla.tier, contract.sla)
        if known != contract.sla:
            raise ValueError(
                f"contract {contract.id}: SLA tier {contract.sla.tier!r} differs from another contract's "
                "tier of the same name; give the tiers distinct names"
            )
    return list(by_tier.values())


def _stock(owner_column: str, holdings: Iterable[tuple[str, dict[str, int]]]) -> list[Record]:
    return [
        {owner_column: owner, "sku": sku, "quantity": str(quantity)}
        for owner, stock in holdings
        for sku, quantity in stock.items()
    ]


def _shift(shift: Shift | None) -> Record:
    """Shift columns; a day off (only in exceptions) leaves them all empty."""
    if shift is None:
        return {"shift_start": "", "shift_end": ""}
    lunch = shift.lunch
    return {
        "shift_start": cells.format_clock_time(shift.start),
        "shift_end": cells.format_clock_time(shift.end),
        "lunch_earliest": cells.format_clock_time(lunch.earliest) if lunch else "",
        "lunch_latest": cells.format_clock_time(lunch.latest) if lunch else "",
        "lunch_minutes": cells.format_minutes(lunch.duration) if lunch else "",
    }


def _optional_day(value: date | None) -> str:
    return "" if value is None else cells.format_day(value)


def _optional_instant(value: datetime | None) -> str:
    return "" if value is None else cells.format_instant(value)
