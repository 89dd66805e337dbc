"""On-call cover of a planned day: who can be called out, for which work, and which work nobody can take.

A technician with no shift on the day but on call during it joins the plan with the on-call period
(clipped to the planning horizon, no lunch) as their shift and the duty's call-out cost as the fixed cost
of using them. Only work that cannot wait for the regular shifts is called out: jobs of contracts with 24x7
coverage (their SLA clock runs then) with a target (the response while awaited, or the resolution) due
before the on-call cover ends; every other job is kept for the technicians on a normal shift. A job whose
region has nobody on shift, and nobody on call who may take it, is left out with the reason
``no_technician_on_shift``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import optimizer as opt
from dispatch.domain.dataset import Dataset
from dispatch.domain.on_call import OnCallDuty
from dispatch.domain.technicians import Technician
from dispatch.domain.visit_due import visit_dues

NO_TECHNICIAN_ON_SHIFT = opt.UnassignedReason.NO_TECHNICIAN_ON_SHIFT.value


@dataclass(frozen=True, slots=True)
class OnCallCover:
    """The day's extra on-call technicians, the jobs they may take, and who is on a normal shift."""

    day: date
    technicians: tuple[opt.Technician, ...]
    job_ids: frozenset[str]
    """Jobs the on-call technicians may take: their SLA clock runs around the clock."""
    on_shift_ids: frozenset[str]
    regions_on_shift: frozenset[str]
    regions_on_call: frozenset[str]
    staffed_regions: frozenset[str]
    """Regions some technician belongs to (a site's region that is none of them is not judged here)."""

    def allowed_technicians(self, job_id: str) -> frozenset[str] | None:
        """The only technicians who may take the job (``None``: anyone), keeping on-call ones off it
        unless its SLA clock is running."""
        if not self.technicians or job_id in self.job_ids:
            return None
        return self.on_shift_ids

    def nobody_on_shift(self, job_id: str, region: str) -> str | None:
        """Why nobody can take the job on the day, when no technician of its region works or is on call
        for it; ``None`` when someone is."""
        if region not in self.staffed_regions or region in self.regions_on_shift:
            return None
        if region in self.regions_on_call and job_id in self.job_ids:
            return None
        on = f"{self.day:%A %Y-%m-%d}"
        if region in self.regions_on_call:
            return (
                f"nobody in {region} works on {on}; the technicians on call there take only work that cannot "
                "wait for the regular shifts (24x7 contracts, a target due before then), and this job can"
            )
        return f"nobody in {region} works or is on call on {on}"


def on_call_cover(
    dataset: Dataset, day: date, origin: datetime, region: str | None, *, horizon: opt.TimeWindow
) -> OnCallCover:
    """The on-call cover of ``day`` (of one region, or all), in seconds from ``origin`` inside ``horizon``."""
    start, end = origin + timedelta(seconds=horizon.start_s), origin + timedelta(seconds=horizon.end_s)
    in_scope = [t for t in dataset.technicians if region is None or t.region == region]
    on_shift = [t for t in in_scope if t.calendar.shift_on(day) is not None]
    off_today = {t.id: t for t in in_scope if t.calendar.shift_on(day) is None}
    duties: dict[str, OnCallDuty] = {}
    for duty in dataset.on_call_duties:
        if duty.technician_id not in off_today or not duty.overlaps(start, end):
            continue
        if region is not None and duty.region != region:
            continue
        kept = duties.get(duty.technician_id)
        if kept is None or _overlap(duty, start, end) > _overlap(kept, start, end):
            duties[duty.technician_id] = duty  # one shift per technician: their longest duty in the horizon
    technicians = tuple(
        _on_call_technician(off_today[technician_id], duty, origin, horizon)
        for technician_id, duty in sorted(duties.items())
    )
    return OnCallCover(
        day=day,
        technicians=technicians,
        job_ids=frozenset(call_out_jobs(dataset, max(d.ends_at for d in duties.values())))
        if technicians
        else frozenset(),
        on_shift_ids=frozenset(t.id for t in on_shift),
        regions_on_shift=frozenset(t.region for t in on_shift),
        regions_on_call=frozenset(d.region for d in duties.values()),
        staffed_regions=frozenset(t.region for t in dataset.technicians),
    )


def _overlap(duty: OnCallDuty, start: datetime, end: datetime) -> timedelta:
    return min(duty.ends_at, end) - max(duty.starts_at, start)


def _on_call_technician(
    tech: Technician, duty: OnCallDuty, origin: datetime, horizon: opt.TimeWindow
) -> opt.Technician:
    starts = max(horizon.start_s, int((duty.starts_at - origin).total_seconds()))
    ends = min(horizon.end_s, int((duty.ends_at - origin).total_seconds()))
    return opt.Technician(
        id=tech.id,
        start=opt.Location.at(tech.home.lat, tech.home.lon),
        shift=opt.TimeWindow(starts, ends),
        skills=dict(tech.skills),
        van_stock=dict(tech.van_stock),
        fixed_cost=duty.call_out_cost,
    )


def call_out_jobs(dataset: Dataset, until: datetime) -> list[str]:
    """Jobs worth calling a technician out for: under a contract whose SLA clock never stops (24x7, no
    holiday pause), with a target falling due before ``until``, when the regular shifts take over."""
    always = {c.id for c in dataset.contracts if c.sla.coverage.is_24x7}
    tickets = {t.id: t for t in dataset.tickets if t.contract_id in always}
    found = []
    for job in dataset.jobs:
        ticket = tickets.get(job.ticket_id)
        if ticket is None:
            continue
        dues = visit_dues(job, ticket)
        if any(due is not None and due < until for due in (dues.response, dues.resolution)):
            found.append(job.id)
    return found
