"""The dispatcher's board as drawn: the plan view laid out on a timeline in one time zone.

Positions are percentages of the day's span (SVG lengths, so no inline styles are needed under the
pages' content security policy). Every block carries a sentence for screen readers and tooltips.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dispatch.services.eta import StopProgress
from dispatch.services.plan_view import AtRiskView, PlanDayView, StopView, TechnicianView

MIN_SPAN = timedelta(hours=8)
_X = Callable[[datetime], float]
LABEL_MIN_PERCENT = 3.5
"""Blocks narrower than this carry no text on the bar (their label stays in the tooltip)."""


@dataclass(frozen=True, slots=True)
class Block:
    kind: str
    """travel, visit, pickup, lunch."""
    x: float
    width: float
    label: str
    text: str
    """The short text drawn on the block (empty when too narrow)."""
    classes: str
    job_id: str | None = None
    start_iso: str = ""


@dataclass(frozen=True, slots=True)
class Lane:
    technician: TechnicianView
    shift_x: float | None
    shift_width: float
    blocks: tuple[Block, ...]
    summary: str
    jobs: int


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Timeline:
    start: datetime
    end: datetime
    zone: str
    zone_abbreviation: str
    ticks: tuple[Tick, ...]
    now_x: float | None
    lanes: tuple[Lane, ...] = field(default_factory=tuple)


def layout(view: PlanDayView, marked: Mapping[str, tuple[str, str]] | None = None) -> Timeline:
    """The board's timeline for ``view``, in ``view.display_timezone``; ``marked`` visits (job id ->
    class and note, the changes of a proposed re-plan) carry that class and note."""
    tz = ZoneInfo(view.display_timezone)
    moments = [m for t in view.technicians for m in _moments(t)]
    local_day = datetime.combine(view.day, datetime.min.time(), tz)
    # The day itself: an on-call duty begun the evening before starts the board at midnight, not then.
    first = max(local_day, min(moments, default=local_day + timedelta(hours=7))).astimezone(tz)
    last = max(moments, default=local_day + timedelta(hours=19)).astimezone(tz)
    start = first.replace(minute=0, second=0, microsecond=0)
    end = last.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if end - start < MIN_SPAN:
        end = start + MIN_SPAN
    span_s = (end - start).total_seconds()

    def x(moment: datetime) -> float:
        return round(max(0.0, min(100.0, (moment - start).total_seconds() / span_s * 100)), 3)

    ticks: list[Tick] = []
    hour = start
    every = 1 if (end - start) <= timedelta(hours=14) else 2
    while hour <= end:
        index = len(ticks)
        ticks.append(Tick(x(hour), hour.astimezone(tz).strftime("%H:%M") if index % every == 0 else ""))
        hour += timedelta(hours=1)
    now_x = x(view.now) if start <= view.now <= end else None
    abbreviation = start.strftime("%Z")
    lanes = tuple(_lane(t, x, tz, abbreviation, marked or {}) for t in view.technicians)
    return Timeline(start, end, view.display_timezone, abbreviation, tuple(ticks), now_x, lanes)


def _moments(technician: TechnicianView) -> list[datetime]:
    found: list[datetime] = []
    if technician.shift is not None:
        found += list(technician.shift)
    if technician.route is not None:
        found += [technician.route.start, technician.route.end]
    return found


def clock(moment: datetime | None, tz: ZoneInfo) -> str:
    return "" if moment is None else moment.astimezone(tz).strftime("%H:%M")


def _lane(
    technician: TechnicianView, x: _X, tz: ZoneInfo, abbreviation: str, marked: Mapping[str, tuple[str, str]]
) -> Lane:
    shift_x = shift_width = None
    if technician.shift is not None:
        shift_x = x(technician.shift[0])
        shift_width = x(technician.shift[1]) - shift_x
    blocks: list[Block] = []
    route = technician.route
    jobs = 0
    if route is not None:
        for stop in route.stops:
            leave = stop.arrival - timedelta(seconds=stop.travel_s)
            if stop.travel_s > 0:
                blocks.append(
                    Block(
                        "travel",
                        x(leave),
                        max(0.0, x(stop.arrival) - x(leave)),
                        f"Driving {stop.travel_s // 60} min to {stop.place.name}",
                        "",
                        "travel",
                    )
                )
            blocks.append(_stop_block(stop, x, tz, abbreviation, marked.get(stop.job_id or "")))
            jobs += stop.job_id is not None
        if route.lunch is not None:
            lx = x(route.lunch[0])
            blocks.append(
                Block(
                    "lunch",
                    lx,
                    x(route.lunch[1]) - lx,
                    f"Lunch break {clock(route.lunch[0], tz)}-{clock(route.lunch[1], tz)} {abbreviation}",
                    "",
                    "lunch",
                )
            )
        last = route.stops[-1] if route.stops else None
        if last is not None and route.end > last.end:
            home = x(route.end) - x(last.end)
            blocks.append(Block("travel", x(last.end), home, "Driving home", "", "travel"))
    if technician.shift is not None:
        hours = f"shift {clock(technician.shift[0], tz)}-{clock(technician.shift[1], tz)} {abbreviation}"
    else:
        hours = "no shift today"
    summary = f"{technician.name}, {technician.region}, {hours}, {jobs} visit{'s' if jobs != 1 else ''}"
    if technician.locked:
        summary += ", day locked"
    return Lane(technician, shift_x, shift_width or 0.0, tuple(blocks), summary, jobs)


def _sla_label(stop: StopView, tz: ZoneInfo) -> str:
    """``, response due 10:00, SLA due 14:00: past due`` for a visit late or at risk, else nothing."""
    if stop.sla is None or stop.sla.value not in ("at_risk", "late"):
        return ""
    dues = [] if stop.response_due is None else [f"response due {_when(stop.response_due, stop.start, tz)}"]
    if stop.sla_due is not None:
        dues.append(f"SLA due {_when(stop.sla_due, stop.start, tz)}")
    return f", {', '.join(dues)}: {'at risk' if stop.sla.value == 'at_risk' else 'past due'}"


def _when(moment: datetime, beside: datetime, tz: ZoneInfo) -> str:
    """``11:31``, or ``Fri 11:31`` when it falls on another day than ``beside``."""
    local = moment.astimezone(tz)
    return (
        clock(moment, tz)
        if local.date() == beside.astimezone(tz).date()
        else f"{local:%a} {clock(moment, tz)}"
    )


def _stop_block(
    stop: StopView, x: _X, tz: ZoneInfo, abbreviation: str, mark: tuple[str, str] | None = None
) -> Block:
    sx = x(stop.start)
    width = max(0.4, x(stop.end) - sx)
    when = f"{clock(stop.start, tz)}-{clock(stop.end, tz)} {abbreviation}"
    if stop.job_id is None:
        parts = ", ".join(f"{q} x {sku}" for sku, q in stop.parts_picked.items())
        label = f"Depot pickup at {stop.place.name}, {when}: {parts}"
        return Block("pickup", sx, width, label, "", "pickup")
    priority = stop.priority.value if stop.priority is not None else ""
    progress = {
        StopProgress.DONE: "done",
        StopProgress.ON_SITE: "on site",
        StopProgress.EN_ROUTE: "en route",
    }.get(stop.progress, "")
    sla = _sla_label(stop, tz)
    moved = ""
    if abs((stop.start - stop.planned_start).total_seconds()) >= 60:
        moved = f" (planned {clock(stop.planned_start, tz)})"
    label = (
        f"{priority} {stop.job_id} at {stop.place.name}, {stop.place.address}; {when}{moved}{sla}"
        + (f"; {progress}" if progress else "")
        + ("; pinned" if stop.pinned else "")
        + (f"; proposed change: {mark[1]}" if mark else "")
    )
    classes = " ".join(
        c
        for c in (
            "visit",
            priority.lower(),
            f"sla-{stop.sla.value}" if stop.sla is not None else "",
            f"progress-{stop.progress.value}",
            "" if stop.matches else "dimmed",
            "pinned" if stop.pinned else "",
            mark[0] if mark else "",
        )
        if c
    )
    text = f"{priority} {stop.place.name}" if width >= LABEL_MIN_PERCENT else ""
    return Block("visit", sx, width, label, text, classes, stop.job_id, stop.start.isoformat())


def at_risk_sentence(item: AtRiskView, tz: ZoneInfo) -> str:
    """What puts a planned visit at risk, in the board's time zone: which target, when due, how late."""
    abbreviation = item.due.astimezone(tz).strftime("%Z")
    if item.target == "response":
        when = f"Arrives {clock(item.arrival, tz)} with {item.technician_name}; the response is due"
    else:
        when = f"Ends {clock(item.end, tz)} with {item.technician_name}; the fix is due"
    how_long = duration_words(abs(item.spare_s))
    spare = f"{how_long} late" if item.spare_s < 0 else f"{how_long} to spare"
    return f"{when} {_when(item.due, item.end, tz)} {abbreviation}: {spare}."


def duration_words(seconds: int) -> str:
    """``45 min``, ``3 h 20 min``, ``2 days 4 h``: as a dispatcher says how late something is."""
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"
