"""What the planner is asked to solve: technicians, jobs, depots and the parameters of a solve.

Everything is a frozen dataclass validated when built, so a malformed problem fails early with a message
that names the job or technician at fault (like PyVRP's ``ProblemData``). Inside the solver everything is an
integer: times are seconds from the problem's origin (``0`` is the start of the planning horizon),
distances are metres (or whatever unit explicit matrices carry, consistently), quantities are units.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

IntMatrix = npt.NDArray[np.int64]

PRIORITIES = (1, 2, 3, 4)
"""Job priorities: 1 is the most urgent (P1), 4 the least (P4)."""


@dataclass(frozen=True, slots=True)
class Location:
    """A place: WGS 84 degrees, or an index into the problem's explicit matrices (or both)."""

    lat: float | None = None
    lon: float | None = None
    index: int | None = None

    def __post_init__(self) -> None:
        if self.index is None and (self.lat is None or self.lon is None):
            raise ValueError("a location needs lat and lon, or an index into explicit matrices")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("a location needs both lat and lon, or neither")
        if self.lat is not None and not -90.0 <= self.lat <= 90.0:
            raise ValueError(f"latitude {self.lat} is outside -90..90")
        if self.lon is not None and not -180.0 <= self.lon <= 180.0:
            raise ValueError(f"longitude {self.lon} is outside -180..180")
        if self.index is not None and self.index < 0:
            raise ValueError(f"location index {self.index} is negative")

    @classmethod
    def at(cls, lat: float, lon: float) -> Location:
        """A geographic position."""
        return cls(lat=lat, lon=lon)

    @classmethod
    def at_index(cls, index: int) -> Location:
        """A row/column of the problem's explicit travel-time and distance matrices."""
        return cls(index=index)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A closed interval ``[start_s, end_s]`` of seconds from the problem's origin."""

    start_s: int
    end_s: int

    def __post_init__(self) -> None:
        if self.end_s < self.start_s:
            raise ValueError(f"time window ends ({self.end_s}) before it starts ({self.start_s})")

    def contains(self, t_s: int) -> bool:
        return self.start_s <= t_s <= self.end_s


@dataclass(frozen=True, slots=True)
class LunchBreak:
    """A break of ``duration_s`` that must start between ``earliest_start_s`` and ``latest_start_s``."""

    duration_s: int
    earliest_start_s: int
    latest_start_s: int

    def __post_init__(self) -> None:
        if self.duration_s <= 0:
            raise ValueError("a break must have a positive duration")
        if self.latest_start_s < self.earliest_start_s:
            raise ValueError("a break's latest start is before its earliest start")


@dataclass(frozen=True, slots=True)
class Technician:
    """A vehicle of the routing model: a field engineer with a shift, skills and a van's stock.

    ``end`` defaults to ``start`` (home). The route leaves no earlier than ``shift.start_s`` and is back by
    ``shift.end_s`` (plus ``max_overtime_s``, which costs ``SolveParams.weights.overtime_cost_per_s``).
    ``max_work_s`` bounds the time from leaving to returning; ``max_travel_s`` bounds the driving.
    ``locked_job_ids`` is the prefix of the route kept, in order (what the technician is about to do):
    each may start late (``Job.locked_start_windows``) but never before its window opens.
    ``fixed_cost`` is charged once when the route has any visit (a call-out fee, the cost of opening a van).
    """

    id: str
    start: Location
    shift: TimeWindow
    end: Location | None = None
    lunch: LunchBreak | None = None
    max_work_s: int | None = None
    max_travel_s: int | None = None
    max_overtime_s: int = 0
    skills: Mapping[str, int] = field(default_factory=dict)
    van_stock: Mapping[str, int] = field(default_factory=dict)
    locked_job_ids: tuple[str, ...] = ()
    fixed_cost: int = 0

    @property
    def end_location(self) -> Location:
        return self.end if self.end is not None else self.start

    def skills_short_for(self, job: Job) -> dict[str, tuple[int, int]]:
        """Skill -> (level ``job`` needs, level held) for each skill held below what the job needs."""
        held = {skill: self.skills.get(skill, 0) for skill in job.required_skills}
        return {s: (need, held[s]) for s, need in sorted(job.required_skills.items()) if held[s] < need}

    def may_take(self, job: Job) -> bool:
        """Whether ``job`` may go to this technician at all: their skills, and whom it is pinned or
        allowed to (reach, parts and time are the route's to tell)."""
        return job.may_go_to(self.id) and self.has_skills_for(job)

    def has_skills_for(self, job: Job) -> bool:
        """Whether this technician holds every skill ``job`` needs at the level it needs: the one skills
        rule of the solver, the validator, urgent placement and the freeze."""
        return all(self.skills.get(s, 0) >= level for s, level in job.required_skills.items())

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a technician needs an id")
        who = f"technician {self.id}"
        for skill, level in self.skills.items():
            if level < 0:
                raise ValueError(f"{who}: skill {skill} has a negative level {level}")
        for sku, quantity in self.van_stock.items():
            if quantity < 0:
                raise ValueError(f"{who}: van stock of {sku} is negative ({quantity})")
        for name, value in (("max_work_s", self.max_work_s), ("max_travel_s", self.max_travel_s)):
            if value is not None and value < 0:
                raise ValueError(f"{who}: {name} is negative ({value})")
        if self.max_overtime_s < 0:
            raise ValueError(f"{who}: max_overtime_s is negative")
        if self.fixed_cost < 0:
            raise ValueError(f"{who}: fixed_cost is negative ({self.fixed_cost})")
        if len(set(self.locked_job_ids)) != len(self.locked_job_ids):
            raise ValueError(f"{who}: a locked job is listed twice")


@dataclass(frozen=True, slots=True)
class Job:
    """One onsite visit: where, how long, when it may start, who may do it, with what, and by when.

    ``windows`` are the allowed intervals for the *start* of service (empty: any time in the horizon).
    ``sla_due_s`` is when service should have started; lateness past it costs per second by priority
    (a deadline in hard-SLA mode). ``sla_breach_s`` is the latest start the contract itself allows, when
    ``sla_due_s`` aims earlier to keep time in hand: starting past it breaks the SLA, which costs the
    priority's ``CostWeights.breach_penalty`` once, on top of the lateness. ``must_start_by_s`` is a hard
    latest start whatever the mode.
    ``allowed_technician_ids``, when given, are the only technicians who may take the job (ids not in the
    problem are ignored); ``None`` lets anyone qualified take it. ``preferred_technician_id`` is who was
    given the job already (a plan being re-made): giving it to anyone else costs
    ``CostWeights.reassignment_cost``. ``promised`` is the window the customer was told the visit would
    start in: starting outside it costs ``CostWeights.broken_promise_cost``. ``can_wait``: the job may be
    done on a later day without breaking its SLA, so leaving it out costs only the priority's deferral
    penalty, and urgent work due now comes first.
    """

    id: str
    location: Location
    service_s: int
    priority: int = 4
    windows: tuple[TimeWindow, ...] = ()
    required_skills: Mapping[str, int] = field(default_factory=dict)
    required_parts: Mapping[str, int] = field(default_factory=dict)
    sla_due_s: int | None = None
    sla_breach_s: int | None = None
    pinned_technician_id: str | None = None
    must_start_by_s: int | None = None
    allowed_technician_ids: frozenset[str] | None = None
    preferred_technician_id: str | None = None
    promised: TimeWindow | None = None
    can_wait: bool = False

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a job needs an id")
        who = f"job {self.id}"
        if self.service_s < 0:
            raise ValueError(f"{who}: service duration is negative ({self.service_s})")
        if self.priority not in PRIORITIES:
            raise ValueError(f"{who}: priority must be 1..4, not {self.priority}")
        for sku, quantity in self.required_parts.items():
            if quantity <= 0:
                raise ValueError(f"{who}: part {sku} is required with quantity {quantity}")
        for skill, level in self.required_skills.items():
            if level < 0:
                raise ValueError(f"{who}: skill {skill} is required at a negative level")
        ordered = sorted(self.windows, key=lambda w: w.start_s)
        for a, b in itertools.pairwise(ordered):
            if b.start_s <= a.end_s:
                raise ValueError(f"{who}: time windows overlap")
        object.__setattr__(self, "windows", tuple(ordered))

    def may_go_to(self, technician_id: str) -> bool:
        """Whether the job's pin and allowed technicians let ``technician_id`` take it."""
        allowed = self.allowed_technician_ids is None or technician_id in self.allowed_technician_ids
        return allowed and self.pinned_technician_id in (None, technician_id)

    def breaks_promise(self, start_s: int) -> bool:
        """Whether starting at ``start_s`` falls outside the window the customer was told."""
        return self.promised is not None and not self.promised.contains(start_s)

    def breaches_sla(self, start_s: int) -> bool:
        """Whether starting at ``start_s`` breaks the SLA itself (``sla_breach_s``)."""
        return self.sla_breach_s is not None and start_s > self.sla_breach_s

    def reassigned_to(self, technician_id: str) -> bool:
        """Whether serving the job by ``technician_id`` takes it from the technician it was given to."""
        return self.preferred_technician_id is not None and technician_id != self.preferred_technician_id

    def start_windows(self, horizon: TimeWindow) -> tuple[TimeWindow, ...]:
        """The windows in which service may start, clipped to the horizon and ``must_start_by_s``."""
        windows = self.windows or (horizon,)
        latest = horizon.end_s if self.must_start_by_s is None else min(horizon.end_s, self.must_start_by_s)
        clipped = []
        for w in windows:
            start, end = max(w.start_s, horizon.start_s), min(w.end_s, latest)
            if start <= end:
                clipped.append(TimeWindow(start, end))
        return tuple(clipped)

    def locked_start_windows(self, horizon: TimeWindow) -> tuple[TimeWindow, ...]:
        """When the job may start as a route's locked visit: as ``start_windows``, but the last window stays
        open to the end of the horizon, since what happened can make a kept visit late and it is kept all
        the same; the technician still waits for a window to open, as the customer expects."""
        windows = self.start_windows(horizon)
        if not windows:
            return (horizon,)
        return (*windows[:-1], TimeWindow(windows[-1].start_s, horizon.end_s))


@dataclass(frozen=True, slots=True)
class Depot:
    """A stores location where technicians collect parts; its stock is shared by all technicians."""

    id: str
    location: Location
    stock: Mapping[str, int] = field(default_factory=dict)
    opening: TimeWindow | None = None
    pickup_s: int = 600

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a depot needs an id")
        for sku, quantity in self.stock.items():
            if quantity < 0:
                raise ValueError(f"depot {self.id}: stock of {sku} is negative ({quantity})")
        if self.pickup_s < 0:
            raise ValueError(f"depot {self.id}: pickup duration is negative")


def _as_matrix(name: str, value: object) -> IntMatrix:
    matrix = np.asarray(value)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{name} must be a square matrix, not of shape {matrix.shape}")
    if not np.issubdtype(matrix.dtype, np.integer):
        raise ValueError(f"{name} must hold integers (seconds or metres), not {matrix.dtype}")
    if (matrix < 0).any():
        raise ValueError(f"{name}: cannot have negative travel times or distances")
    result = np.array(matrix, dtype=np.int64)
    result.setflags(write=False)
    return result


@dataclass(frozen=True, slots=True)
class Problem:
    """A day (or any horizon) to plan.

    With ``travel_time_s`` and ``distance_m`` given, every location must carry an ``index`` into them
    (the Solomon benchmark passes Euclidean distances this way). Without them, every location needs lat/lon
    and a ``TravelTimes`` provider builds the matrices when solving. ``service_pct_by_level`` optionally
    scales a job's service time by the technician's level in the job's first required skill
    (e.g. ``{1: 130, 3: 100, 5: 80}``; missing levels use the nearest lower one, else 100).
    """

    technicians: tuple[Technician, ...]
    jobs: tuple[Job, ...]
    horizon: TimeWindow
    depots: tuple[Depot, ...] = ()
    travel_time_s: IntMatrix | None = field(default=None, compare=False, repr=False)
    distance_m: IntMatrix | None = field(default=None, compare=False, repr=False)
    service_pct_by_level: Mapping[int, int] | None = None
    name: str = ""
    _by_id: dict[str, Job] = field(init=False, repr=False, compare=False, default_factory=dict)
    """Jobs by id, built once (``job`` is called on hot paths)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "technicians", tuple(self.technicians))
        object.__setattr__(self, "jobs", tuple(self.jobs))
        object.__setattr__(self, "depots", tuple(self.depots))
        object.__setattr__(self, "_by_id", {j.id: j for j in self.jobs})
        self._check_matrices()
        self._check_ids()
        self._check_references()
        self._check_times()

    @property
    def has_matrices(self) -> bool:
        return self.travel_time_s is not None

    def technician(self, technician_id: str) -> Technician:
        return self._technicians_by_id()[technician_id]

    def job(self, job_id: str) -> Job:
        return self._jobs_by_id()[job_id]

    def depot(self, depot_id: str) -> Depot:
        return {d.id: d for d in self.depots}[depot_id]

    def _technicians_by_id(self) -> dict[str, Technician]:
        return {t.id: t for t in self.technicians}

    def _jobs_by_id(self) -> dict[str, Job]:
        return self._by_id

    def service_s(self, job: Job, technician: Technician) -> int:
        """The job's service time when done by ``technician`` (scaled by skill level if configured)."""
        if not self.service_pct_by_level or not job.required_skills:
            return job.service_s
        level = technician.skills.get(next(iter(job.required_skills)), 0)
        known = [lv for lv in self.service_pct_by_level if lv <= level]
        pct = self.service_pct_by_level[max(known)] if known else 100
        return math.ceil(job.service_s * pct / 100)

    def locations(self) -> list[Location]:
        """Every location the problem mentions, in a fixed order: starts, ends, depots, jobs."""
        points = [t.start for t in self.technicians] + [t.end_location for t in self.technicians]
        return points + [d.location for d in self.depots] + [j.location for j in self.jobs]

    def _check_matrices(self) -> None:
        if (self.travel_time_s is None) != (self.distance_m is None):
            raise ValueError("give both travel_time_s and distance_m matrices, or neither")
        if self.travel_time_s is None or self.distance_m is None:
            for loc in self.locations():
                if loc.lat is None:
                    raise ValueError("a location has only a matrix index but the problem has no matrices")
            return
        times = _as_matrix("travel_time_s", self.travel_time_s)
        dists = _as_matrix("distance_m", self.distance_m)
        if times.shape != dists.shape:
            raise ValueError("travel_time_s and distance_m must have the same shape")
        object.__setattr__(self, "travel_time_s", times)
        object.__setattr__(self, "distance_m", dists)
        size = times.shape[0]
        for owner, loc in self._named_locations():
            if loc.index is None:
                raise ValueError(f"{owner}: location has no index into the explicit matrices")
            if loc.index >= size:
                raise ValueError(f"{owner}: location index {loc.index} is outside the {size}x{size} matrices")

    def _named_locations(self) -> list[tuple[str, Location]]:
        named = [(f"technician {t.id}", t.start) for t in self.technicians]
        named += [(f"technician {t.id}", t.end_location) for t in self.technicians]
        named += [(f"depot {d.id}", d.location) for d in self.depots]
        return named + [(f"job {j.id}", j.location) for j in self.jobs]

    def _check_ids(self) -> None:
        for kind, ids in (
            ("technician", [t.id for t in self.technicians]),
            ("job", [j.id for j in self.jobs]),
            ("depot", [d.id for d in self.depots]),
        ):
            seen: set[str] = set()
            for item_id in ids:
                if item_id in seen:
                    raise ValueError(f"{kind} id {item_id} appears twice")
                seen.add(item_id)

    def _check_references(self) -> None:
        technicians = self._technicians_by_id()
        jobs = self._jobs_by_id()
        locked_by: dict[str, str] = {}
        for tech in self.technicians:
            for job_id in tech.locked_job_ids:
                if job_id not in jobs:
                    raise ValueError(f"technician {tech.id}: locked job {job_id} is not in the problem")
                if job_id in locked_by:
                    raise ValueError(f"job {job_id} is locked to both {locked_by[job_id]} and {tech.id}")
                locked_by[job_id] = tech.id
        for job in self.jobs:
            pinned = job.pinned_technician_id
            if pinned is not None and pinned not in technicians:
                raise ValueError(f"job {job.id}: pinned technician {pinned} is not in the problem")
            if job.id in locked_by and pinned is not None and pinned != locked_by[job.id]:
                raise ValueError(f"job {job.id} is pinned to {pinned} but locked to {locked_by[job.id]}")

    def _check_times(self) -> None:
        """Shifts must lie in the horizon; a job whose windows miss it is reported unassigned, not refused."""
        h = self.horizon
        for tech in self.technicians:
            if tech.shift.start_s < h.start_s or tech.shift.end_s > h.end_s:
                raise ValueError(f"technician {tech.id}: shift lies outside the planning horizon")


class BreakModel(StrEnum):
    """How the lunch break enters the routing model."""

    INTERVALS = "intervals"
    """OR-Tools break intervals on the time dimension: exact, heavier for the search."""
    SLACK = "slack"
    """The break's length is taken off the shift; the schedule is then placed and checked exactly."""


@dataclass(frozen=True, slots=True)
class CostWeights:
    """Weights of the objective, in cost units per second, metre or dropped job.

    Defaults: one unit per second driven; lateness past the SLA due time per second by priority
    (P1 100, P2 30, P3 10, P4 3: an hour late costs 360,000 for a P1, 10,800 for a P4); a quarter of the
    drop penalty, once, for starting past ``Job.sla_breach_s``, so a response is given up only for work
    that weighs more than the breach, never for a lower priority's resolution; drop penalties that
    grow tenfold per priority from 1e7 for a P4, above any day's travel (86,400 s) plus lateness, so no job
    is ever dropped to save travel and a P1 is never dropped to make room for a lower priority; overtime
    (where a technician allows any) at 200,000 per second, so an hour of it costs more than dropping a P3 and
    less than dropping a P2: a shift is run over to keep urgent work in the day, and for a P3 or P4 by a few
    minutes at most, never to save travel or lateness.
    """

    travel_cost_per_s: int = 1
    distance_cost_per_m: int = 0
    lateness_cost_per_s_by_priority: tuple[int, int, int, int] = (100, 30, 10, 3)
    drop_penalty_by_priority: tuple[int, int, int, int] = (
        10_000_000_000,
        1_000_000_000,
        100_000_000,
        10_000_000,
    )
    breach_penalty_by_priority: tuple[int, int, int, int] = (
        2_500_000_000,
        250_000_000,
        25_000_000,
        2_500_000,
    )
    overtime_cost_per_s: int = 200_000
    reassignment_cost: int = 0
    """Per job served by someone other than its ``preferred_technician_id`` (0: re-planning is free)."""
    broken_promise_cost: int = 0
    """Per job whose service starts outside the window the customer was ``promised``."""
    deferral_penalty_by_priority: tuple[int, int, int, int] = (300_000_000, 1_000_000, 100_000, 10_000)
    """Leaving out a job that ``can_wait``: for a P2 to P4 a thousandth of the drop penalty, still above any
    travel it would save, but below a P1 seventeen minutes late (or a P2 an hour), so urgent work due now
    takes the place of work that can be done another day; a P1 that can wait still comes before any P3 or P4
    due today (between the P2 and P3 drop penalties)."""

    def __post_init__(self) -> None:
        values = [self.travel_cost_per_s, self.distance_cost_per_m, self.overtime_cost_per_s]
        values += [self.reassignment_cost, self.broken_promise_cost]
        by_priority = (
            self.lateness_cost_per_s_by_priority,
            self.drop_penalty_by_priority,
            self.deferral_penalty_by_priority,
            self.breach_penalty_by_priority,
        )
        values += [v for costs in by_priority for v in costs]
        if any(v < 0 for v in values):
            raise ValueError("cost weights cannot be negative")
        if any(len(costs) != 4 for costs in by_priority):
            raise ValueError(
                "give one lateness cost, drop penalty, deferral penalty and breach penalty per priority 1..4"
            )

    def lateness_cost_per_s(self, priority: int) -> int:
        return self.lateness_cost_per_s_by_priority[priority - 1]

    def drop_penalty(self, priority: int) -> int:
        return self.drop_penalty_by_priority[priority - 1]

    def breach_penalty(self, priority: int) -> int:
        return self.breach_penalty_by_priority[priority - 1]

    def leaving_out(self, job: Job) -> int:
        """What leaving ``job`` out of the plan costs: its deferral penalty if it can wait, else its drop
        penalty."""
        costs = self.deferral_penalty_by_priority if job.can_wait else self.drop_penalty_by_priority
        return costs[job.priority - 1]


@dataclass(frozen=True, slots=True)
class SolveParams:
    """How to solve: time limit, determinism, weights and search settings.

    OR-Tools' routing search is single-threaded and has no random seed; what varies between runs is only how
    far the search gets before the time limit. ``deterministic`` therefore caps each search by a solution
    count (``solution_limit``, default 200) so tests repeat exactly while the time limit stays a safety net.
    ``seed`` seeds ruin and recreate. ``workers`` above 1 solves the independent groups side by side in a
    local pool of that many processes (spawned; not for time limits under 5 s, where starting them would
    take much of the time). ``first_solution_strategy`` and ``local_search_metaheuristic`` are OR-Tools enum
    names; ``use_construction`` hands our priority-first greedy routes to OR-Tools as a start, beside its own
    first solution. ``decompose`` solves independent groups of technicians and jobs separately, splitting
    the time limit by size. ``break_model`` chooses how lunch breaks enter the model (see ``BreakModel``).
    ``ruin_share`` is the share of each group's time given to ruin and recreate (string removals reinserted
    by the construction's exact insertions, seeded by ``seed``) before OR-Tools' search polishes the result;
    0 leaves the whole time to OR-Tools. In deterministic mode it runs a fixed number of iterations.
    ``max_part_jobs`` and ``max_part_technicians`` bound a part of a large day: a day with more jobs or
    technicians is split geographically before anything whole-day is built (technicians clustered by home,
    each job given to the part whose technicians can best take it), the parts are solved as days of their
    own and the cut between neighbouring parts is repaired; ``None`` never splits.
    """

    time_limit_s: float = 10.0
    deterministic: bool = False
    seed: int = 0
    workers: int = 1
    solution_limit: int | None = None
    weights: CostWeights = field(default_factory=CostWeights)
    hard_sla: bool = False
    first_solution_strategy: str = "LOCAL_CHEAPEST_INSERTION"
    local_search_metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    use_construction: bool = True
    decompose: bool = True
    break_model: BreakModel = BreakModel.INTERVALS
    ruin_share: float = 0.8
    max_part_jobs: int | None = 1500
    max_part_technicians: int | None = 150

    def __post_init__(self) -> None:
        if self.max_part_jobs is not None and self.max_part_jobs < 1:
            raise ValueError("max_part_jobs must be at least 1")
        if self.max_part_technicians is not None and self.max_part_technicians < 1:
            raise ValueError("max_part_technicians must be at least 1")
        if not 0 <= self.ruin_share < 1:
            raise ValueError("ruin_share must be at least 0 and below 1")
        if self.time_limit_s <= 0:
            raise ValueError("time_limit_s must be positive")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        if self.solution_limit is not None and self.solution_limit < 1:
            raise ValueError("solution_limit must be at least 1")
