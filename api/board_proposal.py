"""A proposed re-plan as the board shows it: the figures beside the plan in force's, and what moves.

The dispatcher decides whether to publish a re-plan from what it would do to the day: jobs left out and
SLAs late by priority, travel and overtime, then each visit given to another technician and each customer
whose arrival window moves. The same visits are marked on the timeline (``marks``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dispatch.domain.plans import MovedVisit
from dispatch.services.plan_view import Kpis, PlanDayView


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    before: str
    after: str
    better: bool | None
    """True when the proposal improves it, False when it worsens it, None when unchanged."""


@dataclass(frozen=True, slots=True)
class Move:
    job_id: str
    place: str
    text: str


@dataclass(frozen=True, slots=True)
class ProposalSummary:
    figures: tuple[Figure, ...]
    reassigned: tuple[Move, ...]
    windows_moved: tuple[Move, ...]

    @property
    def moved_job_ids(self) -> tuple[str, ...]:
        return tuple(m.job_id for m in (*self.reassigned, *self.windows_moved))


def summarise(view: PlanDayView, tz: ZoneInfo) -> ProposalSummary | None:
    """What the proposal in ``view`` would change, in the board's time zone; ``None`` without one."""
    if view.proposal is None:
        return None
    names = {t.id: t.name for t in view.technicians}
    places = {
        s.job_id: s.place.name
        for t in view.technicians
        if t.route is not None
        for s in t.route.stops
        if s.job_id is not None
    } | {j.job_id: j.place.name for j in view.left_out}
    changes = view.changes
    reassigned = () if changes is None else changes.reassigned
    windows = () if changes is None else changes.windows_moved
    return ProposalSummary(
        figures=_figures(view.proposal.in_force, view.kpis),
        reassigned=tuple(_move(m, names, places, tz, reassigned=True) for m in reassigned),
        windows_moved=tuple(_move(m, names, places, tz, reassigned=False) for m in windows),
    )


def marks(summary: ProposalSummary | None) -> dict[str, tuple[str, str]]:
    """Job id -> (class, note) for the visits a proposal moves, to mark them on the timeline."""
    if summary is None:
        return {}
    found = {m.job_id: ("shifted", m.text) for m in summary.windows_moved}
    return found | {m.job_id: ("moved", m.text) for m in summary.reassigned}


def _figures(before: Kpis, after: Kpis) -> tuple[Figure, ...]:
    def late(k: Kpis) -> int:
        return sum(o.get("late", 0) for o in k.sla_by_priority.values())

    def count(label: str, b: int, a: int) -> Figure:
        return Figure(label, str(b), str(a), None if a == b else a < b)

    return (
        count(
            "P1 left out",
            before.unassigned_by_priority.get("P1", 0),
            after.unassigned_by_priority.get("P1", 0),
        ),
        count(
            "Left out",
            sum(before.unassigned_by_priority.values()),
            sum(after.unassigned_by_priority.values()),
        ),
        count("SLA late", late(before), late(after)),
        Figure(
            "Travel",
            f"{before.travel_s / 3600:.1f} h",
            f"{after.travel_s / 3600:.1f} h",
            None if abs(after.travel_s - before.travel_s) < 60 else after.travel_s < before.travel_s,
        ),
        Figure(
            "Overtime",
            f"{before.overtime_s / 3600:.1f} h",
            f"{after.overtime_s / 3600:.1f} h",
            None if abs(after.overtime_s - before.overtime_s) < 60 else after.overtime_s < before.overtime_s,
        ),
    )


def _move(
    moved: MovedVisit, names: Mapping[str, str], places: Mapping[str, str], tz: ZoneInfo, *, reassigned: bool
) -> Move:
    def who(technician_id: str | None) -> str:
        return "nobody (left out)" if technician_id is None else f"{names.get(technician_id, technician_id)}"

    def window(w: tuple[datetime, datetime] | None) -> str:
        if w is None:
            return "none"
        return f"{w[0].astimezone(tz):%H:%M}-{w[1].astimezone(tz):%H:%M}"

    if reassigned:
        text = f"from {who(moved.technician_before)} to {who(moved.technician_after)}"
        if moved.window_after is not None:
            text += f", window {window(moved.window_after)}"
    else:
        text = f"window {window(moved.window_before)} becomes {window(moved.window_after)}"
    return Move(moved.job_id, places.get(moved.job_id, ""), text)
