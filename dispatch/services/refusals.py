"""Why a plan or an edit is refused, in a dispatcher's words: names, places and local clock times.

The validator speaks in the optimizer's units (seconds from the plan's origin, ids); a dispatcher reads
"would start 14:25 EST, after its window 08:00-12:00 EST". Each rule the validator checks on a visit or
a route is told here from the plan itself, in the time zone of the place it happens (the site's for a
visit, the technician's home for their shift and break, the depot's for a pickup).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import optimizer as opt
from dispatch.domain.dataset import Dataset
from dispatch.domain.timezones import zone
from dispatch.services.plan_problem import PlanningProblem
from optimizer.validate import Violation


@dataclass(frozen=True, slots=True)
class Refusals:
    """Tells the rules a solution breaks, for one problem of a day."""

    planning: PlanningProblem
    solution: opt.Solution
    dataset: Dataset

    def explain(self, violation: Violation) -> str:
        """One sentence for ``violation``; the validator's own words where no better one is known."""
        tell = _TELLERS.get(violation.rule)
        sentence = tell(self, violation) if tell is not None else None
        return sentence or violation.detail

    def clock(self, seconds: int, timezone: str) -> str:
        """``seconds`` from the plan's origin as a local clock time with its zone: ``14:25 EST``, with the
        day named when it is not the plan's own (``Wed 10:19 CST``): a refusal must not read as today."""
        instant = self.planning.instant(seconds)
        if instant.astimezone(zone(timezone)).date() == self.planning.day:
            return _clock(instant, timezone)
        return f"{instant.astimezone(zone(timezone)):%a} {_clock(instant, timezone)}"

    def technician(self, technician_id: str | None) -> tuple[str, str]:
        """A technician's ``"TECH-3 (Ana Diaz)"`` and home time zone."""
        found = next((t for t in self.dataset.technicians if t.id == technician_id), None)
        if found is None:
            return str(technician_id), "UTC"
        return f"{found.id} ({found.name})", found.timezone

    def site_zone(self, job_id: str | None) -> tuple[str, str]:
        """A job's ``"JOB-1 at Acme, Denver"`` and its site's time zone."""
        job = next((j for j in self.dataset.jobs if j.id == job_id), None)
        site = None if job is None else next((s for s in self.dataset.sites if s.id == job.site_id), None)
        if site is None:
            return str(job_id), "UTC"
        return f"{job_id} at {site.name}, {site.city}", site.timezone

    def visit(self, violation: Violation) -> opt.Visit | None:
        route = next((r for r in self.solution.routes if r.technician_id == violation.technician_id), None)
        if route is None:
            return None
        return next((v for v in route.visits if v.job_id == violation.job_id), None)

    def route(self, violation: Violation) -> opt.Route | None:
        return next((r for r in self.solution.routes if r.technician_id == violation.technician_id), None)


def _clock(instant: datetime, timezone: str) -> str:
    return f"{instant.astimezone(zone(timezone)):%H:%M %Z}"


def _windows(refusals: Refusals, windows: Iterable[opt.TimeWindow], timezone: str) -> str:
    spans = [f"{refusals.clock(w.start_s, timezone)}-{refusals.clock(w.end_s, timezone)}" for w in windows]
    return ", ".join(spans) or "none left today"


def _time_window(refusals: Refusals, violation: Violation) -> str | None:
    visit = refusals.visit(violation)
    problem = refusals.planning.problem
    job = next((j for j in problem.jobs if j.id == violation.job_id), None)
    if visit is None or job is None:
        return None
    where, timezone = refusals.site_zone(job.id)
    who, _ = refusals.technician(violation.technician_id)
    windows = _windows(refusals, job.start_windows(problem.horizon), timezone)
    return (
        f"{where} would start at {refusals.clock(visit.start_s, timezone)} with {who}, "
        f"outside the time it may start: {windows}"
    )


def _shift(refusals: Refusals, violation: Violation) -> str | None:
    route = refusals.route(violation)
    technician = next(
        (t for t in refusals.planning.problem.technicians if t.id == violation.technician_id), None
    )
    if route is None or technician is None:
        return None
    who, timezone = refusals.technician(technician.id)
    if violation.rule == "shift_start":
        return (
            f"{who} would have to leave at {refusals.clock(route.start_s, timezone)}, before they are "
            f"free at {refusals.clock(technician.shift.start_s, timezone)}"
        )
    return (
        f"{who} would be back at {refusals.clock(route.end_s, timezone)}, after the end of their shift "
        f"at {refusals.clock(technician.shift.end_s, timezone)}"
    )


def _skills(refusals: Refusals, violation: Violation) -> str | None:
    who, _ = refusals.technician(violation.technician_id)
    where, _ = refusals.site_zone(violation.job_id)
    problem = refusals.planning.problem
    job = next((j for j in problem.jobs if j.id == violation.job_id), None)
    technician = next((t for t in problem.technicians if t.id == violation.technician_id), None)
    if job is None or technician is None:
        return None
    missing = [
        f"{skill} level {level} (has {held})"
        for skill, (level, held) in technician.skills_short_for(job).items()
    ]
    return f"{who} lacks {', '.join(missing)} for {where}"


def _parts(refusals: Refusals, violation: Violation) -> str | None:
    who, _ = refusals.technician(violation.technician_id)
    where, _ = refusals.site_zone(violation.job_id)
    short = violation.detail.rpartition("short of ")[2]
    return f"{who}'s van would be short of {short} at {where}, and no depot pickup on the way brings it"


def _pinned(refusals: Refusals, violation: Violation) -> str | None:
    where, _ = refusals.site_zone(violation.job_id)
    job = next((j for j in refusals.planning.problem.jobs if j.id == violation.job_id), None)
    holder, _ = refusals.technician(job.pinned_technician_id if job else None)
    return f"{where} is pinned to {holder}; unpin it first"


def _break(refusals: Refusals, violation: Violation) -> str | None:
    technician = next(
        (t for t in refusals.planning.problem.technicians if t.id == violation.technician_id), None
    )
    if technician is None or technician.lunch is None:
        return None
    who, timezone = refusals.technician(technician.id)
    lunch = technician.lunch
    return (
        f"{who}'s lunch break cannot start between {refusals.clock(lunch.earliest_start_s, timezone)} "
        f"and {refusals.clock(lunch.latest_start_s, timezone)} with this route"
    )


_TELLERS = {
    "time_window": _time_window,
    "shift_end": _shift,
    "shift_start": _shift,
    "skills": _skills,
    "parts": _parts,
    "pinned": _pinned,
    "break": _break,
}
