"""An independent check of a Solution against its Problem, without OR-Tools.

Every constraint is re-checked and every time recomputed from the matrices, so tests, benchmarks and the API
can trust a plan whichever solver made it, and every solver's plan is scored the same way.

Timing rules a plan must follow (the solver follows the same ones):
- a technician leaves ``start_s`` (no earlier than the shift start) and drives straight to the first stop;
  ``arrival_s`` is the departure from the previous stop (or home) plus the travel time, plus the lunch break
  when the break starts before that arrival; service starts at ``start_s >= arrival_s`` inside a window and
  lasts the job's service time (the depot's pickup time); ``end_s`` is the arrival home, by the same rule;
- the lunch break starts inside its window, lasts its length, and lies either before the route's start,
  after its end, or inside one gap between the end of one service and the start of the next;
- a route's locked jobs may start after their last window closes (``Job.locked_start_windows``) and are
  exempt from SLA deadlines, but never start before a window opens.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from optimizer.problem import Job, Location, Problem, SolveParams, Technician
from optimizer.solution import ObjectiveBreakdown, Route, Solution, Visit, VisitKind
from optimizer.travel import (
    LocationMatrices,
    TravelTimes,
    default_travel_times,
    problem_matrices,
    whole_day_matrices_fit,
)


class _Legs:
    """Travel time and distance of one leg between two of the problem's places (rows): read from the whole
    day's matrices, or, for a large day without its own (``whole_day_matrices_fit``), computed pair by pair
    by the provider (the same arithmetic per pair as a whole matrix, so the figures are the same)."""

    def __init__(self, problem: Problem, travel: TravelTimes | None) -> None:
        self.matrices: LocationMatrices | None = None
        self.points: list[Location] = []
        self.travel = travel if travel is not None else default_travel_times()
        locations = problem.locations()
        if whole_day_matrices_fit(problem):
            self.matrices = problem_matrices(problem, travel)
            self.rows: tuple[int, ...] = self.matrices.rows
            return
        row_of: dict[tuple[float | None, float | None], int] = {}
        for loc in locations:
            row_of.setdefault((loc.lat, loc.lon), len(row_of))
        self.points = [Location.at(lat, lon) for lat, lon in row_of if lat is not None and lon is not None]
        self.rows = tuple(row_of[(loc.lat, loc.lon)] for loc in locations)

    def between(self, a: int, b: int) -> tuple[int, int]:
        if self.matrices is not None:
            return int(self.matrices.travel_time_s[a, b]), int(self.matrices.distance_m[a, b])
        times, dists = self.travel.matrices([self.points[a], self.points[b]])
        return int(times[0, 1]), int(dists[0, 1])


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    detail: str
    technician_id: str | None = None
    """The technician whose route breaks the rule (``None`` for rules of the whole plan)."""
    job_id: str | None = None
    """The job whose visit breaks the rule, if one does."""


@dataclass(frozen=True, slots=True)
class ValidationReport:
    violations: tuple[Violation, ...]
    objective: ObjectiveBreakdown

    @property
    def ok(self) -> bool:
        return not self.violations

    def rules(self) -> set[str]:
        return {v.rule for v in self.violations}


class _Checker:
    def __init__(self, problem: Problem, params: SolveParams, travel: TravelTimes | None) -> None:
        self.problem = problem
        self.params = params
        self.legs = _Legs(problem, travel)
        n_tech, n_depot = len(problem.technicians), len(problem.depots)
        rows = self.legs.rows
        self.start_row = {t.id: rows[i] for i, t in enumerate(problem.technicians)}
        self.end_row = {t.id: rows[n_tech + i] for i, t in enumerate(problem.technicians)}
        self.depot_row = {d.id: rows[2 * n_tech + i] for i, d in enumerate(problem.depots)}
        self.job_row = {j.id: rows[2 * n_tech + n_depot + i] for i, j in enumerate(problem.jobs)}
        self.jobs = {j.id: j for j in problem.jobs}
        self.technicians = {t.id: t for t in problem.technicians}
        self.depots = {d.id: d for d in problem.depots}
        self.locked = {job_id for t in problem.technicians for job_id in t.locked_job_ids}
        self.violations: list[Violation] = []
        self.depot_picked: dict[tuple[str, str], int] = defaultdict(int)
        self.on_route: str | None = None
        self.on_job: str | None = None

    def fail(self, rule: str, detail: str) -> None:
        self.violations.append(Violation(rule, detail, self.on_route, self.on_job))

    def check(self, solution: Solution) -> ValidationReport:
        self.check_coverage(solution)
        seen_techs: set[str] = set()
        for route in solution.routes:
            tech = self.technicians.get(route.technician_id)
            if tech is None:
                self.fail("unknown_technician", f"route of unknown technician {route.technician_id}")
                continue
            if tech.id in seen_techs:
                self.fail("technician_twice", f"technician {tech.id} has two routes")
            seen_techs.add(tech.id)
            self.on_route = tech.id
            self.check_route(tech, route)
            self.on_route = None
        for tech in self.problem.technicians:
            if tech.locked_job_ids and tech.id not in seen_techs:
                self.fail("locked_prefix", f"technician {tech.id} has locked jobs but no route")
        for (depot_id, sku), picked in self.depot_picked.items():
            held = self.depots[depot_id].stock.get(sku, 0)
            if picked > held:
                self.fail("depot_stock", f"depot {depot_id}: {picked} x {sku} picked up, holds {held}")
        objective = self.objective(solution)
        if objective != solution.objective:
            self.fail("objective", f"reported objective {solution.objective} != recomputed {objective}")
        return ValidationReport(tuple(self.violations), objective)

    def check_coverage(self, solution: Solution) -> None:
        counts: dict[str, int] = defaultdict(int)
        for route in solution.routes:
            for visit in route.visits:
                if visit.kind is VisitKind.JOB:
                    if visit.job_id not in self.jobs:
                        self.fail(
                            "unknown_job", f"route {route.technician_id} visits unknown job {visit.job_id}"
                        )
                    counts[str(visit.job_id)] += 1
        for item in solution.unassigned:
            if item.job_id not in self.jobs:
                self.fail("unknown_job", f"unknown job {item.job_id} listed as unassigned")
            counts[item.job_id] += 1
            if not item.detail:
                self.fail("reason", f"job {item.job_id} is unassigned without a detail")
        for job_id, count in counts.items():
            if count > 1:
                self.fail("job_twice", f"job {job_id} appears {count} times")
        for job_id in self.jobs:
            if counts.get(job_id, 0) == 0:
                self.fail("job_missing", f"job {job_id} is neither routed nor unassigned")

    def check_route(self, tech: Technician, route: Route) -> None:
        who = f"technician {tech.id}"
        lunch = route.lunch
        if route.start_s < tech.shift.start_s:
            self.fail(
                "shift_start", f"{who} leaves at {route.start_s}, before the shift start {tech.shift.start_s}"
            )
        job_ids = route.job_ids
        if job_ids[: len(tech.locked_job_ids)] != tech.locked_job_ids:
            self.fail(
                "locked_prefix", f"{who}: route {job_ids} does not start with locked {tech.locked_job_ids}"
            )
        stock = dict(tech.van_stock)
        row = self.start_row[tech.id]
        departure = route.start_s
        travel_total = distance_total = 0
        gaps: list[tuple[int, int]] = []
        previous_end = route.start_s
        for visit in route.visits:
            target = self.visit_row(visit)
            if target is None:
                self.fail("unknown_stop", f"{who}: visit to unknown {visit.stop_id}")
                continue
            travel, distance = self.legs.between(row, target)
            travel_total += travel
            distance_total += distance
            if (visit.travel_s, visit.distance_m) != (travel, distance):
                self.fail(
                    "times",
                    f"{who}: leg to {visit.stop_id} reports {visit.travel_s}s/{visit.distance_m}"
                    f", is {travel}/{distance}",
                )
            expected_arrival = departure + travel
            if lunch is not None and previous_end <= lunch.start_s < expected_arrival:
                expected_arrival += lunch.end_s - lunch.start_s
            if visit.arrival_s != expected_arrival:
                self.fail(
                    "times",
                    f"{who}: arrival at {visit.stop_id} is {visit.arrival_s}, expected {expected_arrival}",
                )
            if visit.start_s < visit.arrival_s:
                self.fail("times", f"{who}: service at {visit.stop_id} starts before arrival")
            gaps.append((previous_end, visit.start_s))
            self.check_visit(tech, visit, stock)
            departure = previous_end = visit.end_s
            row = target
        end_row = self.end_row[tech.id]
        travel, distance = self.legs.between(row, end_row)
        travel_total += travel
        distance_total += distance
        if (route.end_travel_s, route.end_distance_m) != (travel, distance):
            self.fail(
                "times",
                f"{who}: leg home reports {route.end_travel_s}s/{route.end_distance_m}"
                f", is {travel}/{distance}",
            )
        expected_end = departure + travel
        if lunch is not None and previous_end <= lunch.start_s < expected_end:
            expected_end += lunch.end_s - lunch.start_s
        if route.end_s != expected_end:
            self.fail("times", f"{who}: back home at {route.end_s}, expected {expected_end}")
        gaps.append((previous_end, route.end_s))
        if (route.travel_s, route.distance_m) != (travel_total, distance_total):
            self.fail(
                "totals",
                f"{who}: totals {route.travel_s}s/{route.distance_m} != {travel_total}/{distance_total}",
            )
        if route.work_s != route.end_s - route.start_s:
            self.fail("totals", f"{who}: work time {route.work_s} != end - start")
        overtime = max(0, route.end_s - tech.shift.end_s)
        if route.overtime_s != overtime:
            self.fail("totals", f"{who}: overtime {route.overtime_s} != {overtime}")
        if overtime > tech.max_overtime_s:
            self.fail("shift_end", f"{who} is back at {route.end_s}, after the shift end {tech.shift.end_s}")
        if tech.max_work_s is not None and route.work_s > tech.max_work_s:
            self.fail("max_work", f"{who} works {route.work_s}s, more than {tech.max_work_s}s")
        if tech.max_travel_s is not None and travel_total > tech.max_travel_s:
            self.fail("max_travel", f"{who} drives {travel_total}s, more than {tech.max_travel_s}s")
        self.check_lunch(tech, route, gaps)

    def visit_row(self, visit: Visit) -> int | None:
        if visit.kind is VisitKind.JOB:
            return self.job_row.get(str(visit.job_id))
        return self.depot_row.get(str(visit.depot_id))

    def check_visit(self, tech: Technician, visit: Visit, stock: dict[str, int]) -> None:
        who = f"technician {tech.id}"
        if visit.kind is VisitKind.DEPOT_PICKUP:
            depot = self.depots[str(visit.depot_id)]
            if visit.end_s - visit.start_s != depot.pickup_s:
                self.fail("service", f"{who}: pickup at {depot.id} lasts {visit.end_s - visit.start_s}s")
            if depot.opening is not None and not (
                depot.opening.start_s <= visit.start_s and visit.end_s <= depot.opening.end_s
            ):
                self.fail("depot_hours", f"{who}: pickup at {depot.id} outside its opening hours")
            for sku, quantity in visit.parts_picked.items():
                if quantity < 0:
                    self.fail("parts", f"{who}: negative pickup of {sku}")
                stock[sku] = stock.get(sku, 0) + quantity
                self.depot_picked[(depot.id, sku)] += quantity
            return
        job = self.jobs[str(visit.job_id)]
        self.on_job = job.id
        try:
            self.check_job_visit(tech, job, visit, stock)
        finally:
            self.on_job = None

    def check_job_visit(self, tech: Technician, job: Job, visit: Visit, stock: dict[str, int]) -> None:
        who = f"technician {tech.id}"
        what = f"job {job.id} ({who})"
        if visit.end_s - visit.start_s != self.problem.service_s(job, tech):
            self.fail("service", f"{what}: service lasts {visit.end_s - visit.start_s}s")
        for skill, (level, held) in tech.skills_short_for(job).items():
            self.fail("skills", f"{what}: needs {skill} level {level}, has {held}")
        for sku, quantity in job.required_parts.items():
            stock[sku] = stock.get(sku, 0) - quantity
            if stock[sku] < 0:
                self.fail("parts", f"{what}: van is short of {sku} by {-stock[sku]}")
        if job.pinned_technician_id is not None and job.pinned_technician_id != tech.id:
            self.fail("pinned", f"{what}: pinned to {job.pinned_technician_id}")
        allowed = job.allowed_technician_ids
        if allowed is not None and tech.id not in allowed and job.id not in tech.locked_job_ids:
            self.fail("allowed", f"{what}: only {', '.join(sorted(allowed)) or 'nobody'} may take it")
        if job.id in self.locked and job.id not in tech.locked_job_ids:
            self.fail("locked_prefix", f"{what}: locked to another technician")
        lateness = 0 if job.sla_due_s is None else max(0, visit.start_s - job.sla_due_s)
        if visit.lateness_s != lateness:
            self.fail("times", f"{what}: reported lateness {visit.lateness_s}, is {lateness}")
        locked = job.id in self.locked
        horizon = self.problem.horizon
        windows = job.locked_start_windows(horizon) if locked else job.start_windows(horizon)
        if not any(w.contains(visit.start_s) for w in windows):
            self.fail("time_window", f"{what}: starts at {visit.start_s}, outside its windows")
        if locked:
            return
        if self.params.hard_sla and lateness > 0:
            self.fail("sla_deadline", f"{what}: starts {lateness}s after its SLA due time")

    def check_lunch(self, tech: Technician, route: Route, gaps: list[tuple[int, int]]) -> None:
        who = f"technician {tech.id}"
        lunch, rule = route.lunch, tech.lunch
        if rule is None:
            if lunch is not None:
                self.fail("break", f"{who} has no lunch break but one is placed")
            return
        if lunch is None:
            if route.visits:
                self.fail("break", f"{who}: the lunch break is not placed")
            return
        if not rule.earliest_start_s <= lunch.start_s <= rule.latest_start_s:
            self.fail("break", f"{who}: lunch starts at {lunch.start_s}, outside its window")
        if lunch.end_s - lunch.start_s != rule.duration_s:
            self.fail("break", f"{who}: lunch lasts {lunch.end_s - lunch.start_s}s, not {rule.duration_s}s")
        before = lunch.end_s <= route.start_s
        after = lunch.start_s >= route.end_s
        inside = any(lo <= lunch.start_s and lunch.end_s <= hi for lo, hi in gaps)
        if not (before or after or inside):
            self.fail("break", f"{who}: lunch {lunch.start_s}-{lunch.end_s} overlaps a visit")
        for lo, hi in gaps:
            if lo <= lunch.start_s < hi and hi - lo < rule.duration_s:
                self.fail("break", f"{who}: lunch does not fit between {lo} and {hi}")

    def objective(self, solution: Solution) -> ObjectiveBreakdown:
        weights = self.params.weights
        travel = distance = lateness = breaches = overtime = fixed = reassigned = broken = 0
        for route in solution.routes:
            tech = self.technicians.get(route.technician_id)
            if tech is not None and route.visits:
                fixed += tech.fixed_cost
            reassigned += sum(
                1
                for v in route.visits
                if v.job_id in self.jobs and self.jobs[str(v.job_id)].reassigned_to(route.technician_id)
            )
            broken += sum(
                1
                for v in route.visits
                if v.job_id in self.jobs and self.jobs[str(v.job_id)].breaks_promise(v.start_s)
            )
            travel += route.travel_s
            distance += route.distance_m
            overtime += route.overtime_s
            for visit in route.visits:
                job = self.jobs.get(str(visit.job_id))
                if visit.kind is VisitKind.JOB and job is not None and job.sla_due_s is not None:
                    lateness += weights.lateness_cost_per_s(job.priority) * max(
                        0, visit.start_s - job.sla_due_s
                    )
                if visit.kind is VisitKind.JOB and job is not None and job.breaches_sla(visit.start_s):
                    breaches += weights.breach_penalty(job.priority)
        drops = sum(
            weights.leaving_out(self.jobs[u.job_id]) for u in solution.unassigned if u.job_id in self.jobs
        )
        return ObjectiveBreakdown(
            travel=weights.travel_cost_per_s * travel,
            distance=weights.distance_cost_per_m * distance,
            lateness=lateness,
            breaches=breaches,
            drops=drops,
            overtime=weights.overtime_cost_per_s * overtime,
            fixed=fixed,
            reassignment=weights.reassignment_cost * reassigned,
            broken_promises=weights.broken_promise_cost * broken,
        )


def validate(
    problem: Problem,
    solution: Solution,
    params: SolveParams | None = None,
    travel: TravelTimes | None = None,
) -> ValidationReport:
    """Every constraint violation of ``solution`` (empty when valid) and its recomputed objective."""
    return _Checker(problem, params or SolveParams(), travel).check(solution)


def objective_of(
    problem: Problem, solution: Solution, params: SolveParams | None = None
) -> ObjectiveBreakdown:
    """The objective of ``solution`` as the validator scores it."""
    return validate(problem, solution, params).objective
