"""Do customers' arrival windows hold? The share of visits that start inside the window promised an hour
before (and the morning of the day), and how wide the windows are, at several confidences, beside the
fixed 30-minute window the tracking page used to show.

    python bench/window_calibration.py [--seed 7] [--day 2026-03-10] [--days 10] [--lead-min 60]

What it does:

1. Generates the demo provider and its past weeks of visits (``data.history``) and learns visit
   durations from those visits (``fit_duration_model``: the same fit the service runs on stored reports).
2. For each of ``--days`` days after ``--day``, gives every technician on shift a route of 3-5 visits of
   their own trades, planned with the demo generator's planned durations and drives of 10-40 minutes.
3. Lets each day happen: every visit takes what the history generator would draw for that trade and
   technician (the truth the learned model only estimates, so learning error counts against the
   windows), every drive the plan's time times a log-normal of ``DRIVE_LOG_SD`` (the windows' own
   assumption about drives: their coverage of drive error is by construction, not measured).
4. For each visit, takes the reports its technician would have sent ``--lead-min`` minutes before it
   started (and none, for the morning promise), and asks ``arrival_windows`` for the window as of that
   moment, as the tracking page does; the fixed window is ``eta.arrival_window`` around the same point
   estimate.

Routes have no appointment windows and no lunch break: the figure is about durations and drives.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.demo import DemoConfig, generate_demo, generate_history
from data.history import History, on_site_minutes
from data.jobs import planned_duration
from dispatch.domain.progress import ReportKind
from dispatch.domain.tickets import TicketKind, duration_category
from dispatch.domain.timezones import zone
from dispatch.services.arrival_windows import (
    DRIVE_LOG_SD,
    UNKNOWN_VISIT_LOG_SD,
    StopForecast,
    arrival_windows,
)
from dispatch.services.durations import CompletedVisit, DurationModel, LogNormal, fit_duration_model
from dispatch.services.eta import PlannedStop, Progress, arrival_window, estimate_route

CONFIDENCES = (0.7, 0.8, 0.9)
VISITS_PER_ROUTE = (3, 5)
DRIVE_MINUTES = (10, 40)
MAINTENANCE_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Visit:
    category: str
    technician_id: str
    planned: PlannedStop
    set_off: datetime
    arrival: datetime
    end: datetime


def learned_model(history: History) -> DurationModel:
    """Durations fitted on the history's arrived -> completed reports."""
    arrived: dict[str, datetime] = {}
    visits = []
    category = {j.id: t for j, t in zip(history.jobs, history.tickets, strict=True)}
    for report in history.reports:
        if report.kind is ReportKind.ARRIVED:
            arrived[report.job_id] = report.reported_at
        elif report.kind is ReportKind.COMPLETED:
            ticket = category[report.job_id]
            visits.append(
                CompletedVisit(
                    duration_category(ticket.category, ticket.kind),
                    report.technician_id,
                    (report.reported_at - arrived[report.job_id]).total_seconds(),
                )
            )
    return fit_duration_model(visits)


def one_route(
    rng: random.Random, technician_id: str, trades: list[str], pace: float, start: datetime
) -> list[Visit]:
    """A planned route and how it went."""
    visits = []
    planned_free = actual_free = start
    for sequence in range(1, rng.randint(*VISITS_PER_ROUTE) + 1):
        trade = rng.choice(trades)
        kind = TicketKind.MAINTENANCE if rng.random() < MAINTENANCE_SHARE else TicketKind.SUPPORT
        travel = timedelta(minutes=rng.randint(*DRIVE_MINUTES))
        planned_start = planned_free + travel
        planned_end = planned_start + planned_duration(rng, trade, kind)
        stop = PlannedStop(
            sequence,
            planned_start,
            planned_start,
            planned_end,
            int(travel.total_seconds()),
            start,
            f"J{sequence}",
        )
        drive = travel * math.exp(DRIVE_LOG_SD * rng.gauss(0, 1))
        arrival = actual_free + drive
        end = arrival + timedelta(minutes=on_site_minutes(rng, trade, kind, pace))
        visits.append(Visit(duration_category(trade, kind), technician_id, stop, actual_free, arrival, end))
        planned_free, actual_free = planned_end, end
    return visits


def reports_at(route: list[Visit], moment: datetime) -> list[Progress]:
    """What the technician had reported by ``moment``."""
    progress = []
    for visit in route:
        job_id = visit.planned.job_id or ""
        for kind, at in ((ReportKind.EN_ROUTE, visit.set_off), (ReportKind.ARRIVED, visit.arrival)):
            if at <= moment:
                progress.append(Progress(job_id, kind, at))
        if visit.end <= moment:
            progress.append(Progress(job_id, ReportKind.COMPLETED, visit.end))
    return progress


def promised(
    route: list[Visit], index: int, moment: datetime, model: DurationModel
) -> tuple[dict[float, tuple[datetime, datetime]], tuple[datetime, datetime]]:
    """The windows told at ``moment`` for the route's visit ``index``: by confidence, and the fixed one."""
    estimates = estimate_route([v.planned for v in route], reports_at(route, moment))
    forecasts = [
        StopForecast(
            e,
            v.planned.travel_s,
            v.planned.opens,
            model.distribution(v.category, v.technician_id)
            or LogNormal((v.planned.end - v.planned.start).total_seconds(), UNKNOWN_VISIT_LOG_SD),
        )
        for e, v in zip(estimates, route, strict=True)
    ]
    honest = {}
    for confidence in CONFIDENCES:
        window = arrival_windows(forecasts, confidence=confidence, as_of=moment)[index]
        honest[confidence] = (window.opens_at, window.closes_at)
    return honest, arrival_window(estimates[index].start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--day", type=date.fromisoformat, default=date(2026, 3, 10))
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--lead-min", type=int, default=60)
    args = parser.parse_args()

    began = time.perf_counter()
    config = DemoConfig(seed=args.seed, day=args.day)
    dataset = generate_demo(config)
    history = generate_history(config, dataset)
    model = learned_model(history)
    print(
        f"Learned from {len(history.jobs)} past visits: {len(model.by_category)} categories, "
        f"{len(model.by_technician)} technician figures."
    )
    rng = random.Random(f"window-calibration:{args.seed}")
    lead = timedelta(minutes=args.lead_min)
    names = [*(f"honest {c:.0%}" for c in CONFIDENCES), "fixed 30 min"]
    held: dict[str, dict[str, list[bool]]] = {
        "lead": {n: [] for n in names},
        "morning": {n: [] for n in names},
    }
    widths: dict[str, dict[str, list[float]]] = {
        "lead": {n: [] for n in names},
        "morning": {n: [] for n in names},
    }
    for offset in range(1, args.days + 1):
        day = args.day + timedelta(days=offset)
        for technician in dataset.technicians:
            shift = technician.calendar.shift_on(day)
            trades = sorted(code for code, level in technician.skills.items() if level >= 1)
            if shift is None or not trades:
                continue
            start = datetime.combine(day, shift.start, zone(technician.timezone)).astimezone(UTC)
            route = one_route(rng, technician.id, trades, history.paces[technician.id], start)
            for index, visit in enumerate(route):
                for when, moment in (
                    ("lead", visit.arrival - lead),
                    ("morning", start - timedelta(minutes=1)),
                ):
                    honest, fixed = promised(route, index, moment, model)
                    windows = {
                        **{n: honest[c] for n, c in zip(names, CONFIDENCES, strict=False)},
                        names[-1]: fixed,
                    }
                    for name, (low, high) in windows.items():
                        held[when][name].append(low <= visit.arrival <= high)
                        widths[when][name].append((high - low).total_seconds() / 60)
    visits = len(held["lead"][names[0]])
    print(
        f"{visits} visits on {args.days} days, windows promised {args.lead_min} min before and in the morning"
    )
    print()
    print(
        f"{'window':<14} {'inside (lead)':>14} {'width (lead)':>13} "
        f"{'inside (morning)':>17} {'width (morning)':>16}"
    )
    for name in names:
        print(
            f"{name:<14} {statistics.fmean(held['lead'][name]):>14.1%} "
            f"{statistics.fmean(widths['lead'][name]):>10.0f} min "
            f"{statistics.fmean(held['morning'][name]):>17.1%} "
            f"{statistics.fmean(widths['morning'][name]):>13.0f} min"
        )
    print(f"\n({time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
