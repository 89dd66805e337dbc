"""Who can take each job: skills, parts and reach, with the reason when nobody can.

Reach decides more than skills or stock (see the team's notes): a technician can take a job only if a route
holding just that job (after a depot pickup when the van is short) is feasible: inside the shift, a window
of the job, the lunch break and the working limits. A cheap numpy bound discards most pairs before the
exact single-job schedule is tried. The same tests give the machine-readable reason for a job nobody can
take, and split technicians and jobs into independent groups that can be solved separately.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer._schedule import Compiled, depot_stop, schedule
from optimizer.problem import Job, Technician
from optimizer.solution import UnassignedReason


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: UnassignedReason
    detail: str


@dataclass(frozen=True, slots=True)
class Reach:
    """For each job, the technicians (vehicle indices) who can take it, or why none can."""

    allowed: list[list[int]]
    refusals: dict[int, Refusal]
    depot_stock: dict[tuple[int, str], int]


def _short_parts(tech: Technician, job: Job) -> dict[str, int]:
    return {
        sku: q - tech.van_stock.get(sku, 0)
        for sku, q in job.required_parts.items()
        if q > tech.van_stock.get(sku, 0)
    }


def depot_stock(c: Compiled) -> dict[tuple[int, str], int]:
    return {
        (d, sku): q for d, depot in enumerate(c.problem.depots) for sku, q in depot.stock.items() if q > 0
    }


class _Tables:
    """Technicians' skill levels and van stock, depots' stock and how early each technician can be at each
    depot, as arrays: one job's skill, parts and depot tests then run over all technicians at once."""

    def __init__(self, c: Compiled, stock: dict[tuple[int, str], int]) -> None:
        problem = c.problem
        techs, depots = problem.technicians, problem.depots
        skills = sorted({s for job in problem.jobs for s in job.required_skills})
        skus = sorted({s for job in problem.jobs for s in job.required_parts})
        self.skill = {s: k for k, s in enumerate(skills)}
        self.sku = {s: k for k, s in enumerate(skus)}
        self.levels = np.array([[t.skills.get(s, 0) for s in skills] for t in techs], dtype=np.int64)
        self.levels = self.levels.reshape(len(techs), len(skills))
        self.van = np.array([[t.van_stock.get(s, 0) for s in skus] for t in techs], dtype=np.int64)
        self.van = self.van.reshape(len(techs), len(skus))
        self.depot = np.array(
            [[stock.get((d, s), 0) for s in skus] for d in range(len(depots))], dtype=np.int64
        )
        self.depot = self.depot.reshape(len(depots), len(skus))
        self.depot_rows = np.array(c.depot_row, dtype=np.int64)
        self.depot_open = np.array([w[0] for w in c.depot_window], dtype=np.int64)
        self.depot_close = np.array([w[1] for w in c.depot_window], dtype=np.int64)
        self.pickup = np.array([d.pickup_s for d in depots], dtype=np.int64)
        shift_start = np.array([t.shift.start_s for t in techs], dtype=np.int64)
        start_rows = np.array(c.start_row, dtype=np.int64)
        # When each technician can first be at each depot, ready to collect.
        self.at_depot = np.maximum(
            shift_start[:, None] + c.times[np.ix_(start_rows, self.depot_rows)], self.depot_open[None, :]
        )

    def skilled(self, job: Job, candidates: np.ndarray) -> np.ndarray:
        ok = np.ones(len(candidates), dtype=bool)
        for skill, level in job.required_skills.items():
            ok &= self.levels[candidates, self.skill[skill]] >= level
        return candidates[ok]

    def shortfall(self, job: Job, candidates: np.ndarray) -> np.ndarray:
        """Units each candidate lacks per required SKU (candidates x the job's SKUs)."""
        columns = np.array([self.sku[s] for s in job.required_parts], dtype=np.int64)
        need = np.array(list(job.required_parts.values()), dtype=np.int64)
        carried: np.ndarray = self.van[np.ix_(candidates, columns)]
        short: np.ndarray = np.maximum(0, need[None, :] - carried)
        return short

    def covering(self, job: Job, short: np.ndarray) -> np.ndarray:
        """Whether each depot holds every shortfall (candidates x depots)."""
        columns = [self.sku[s] for s in job.required_parts]
        held = self.depot[:, columns]
        covers: np.ndarray = np.all(short[:, None, :] <= held[None, :, :], axis=2)
        return covers


def _twin_classes(c: Compiled) -> list[int]:
    """A class number per technician, shared by technicians identical for the reach test (same start and
    end, shift, lunch, limits, skills, stock and service times: a fleet of equal vans, as in VRPTW)."""
    classes: dict[tuple[object, ...], int] = {}
    result = []
    for v, t in enumerate(c.problem.technicians):
        key = (
            c.start_row[v],
            c.end_row[v],
            t.shift,
            t.lunch,
            t.max_overtime_s,
            t.max_work_s,
            t.max_travel_s,
            tuple(sorted(t.skills.items())),
            tuple(sorted(t.van_stock.items())),
            tuple(c.service[v]),
        )
        result.append(classes.setdefault(key, len(classes)))
    return result


def compute_reach(c: Compiled) -> Reach:
    problem = c.problem
    techs, jobs = problem.technicians, problem.jobs
    stock = depot_stock(c)
    tables = _Tables(c, stock)
    tech_index = {t.id: v for v, t in enumerate(techs)}
    times = c.times
    start_rows = np.array(c.start_row, dtype=np.int64)
    end_rows = np.array(c.end_row, dtype=np.int64)
    shift_start = np.array([t.shift.start_s for t in techs], dtype=np.int64)
    latest_end = np.array([t.shift.end_s + t.max_overtime_s for t in techs], dtype=np.int64)
    service_of = np.array(c.service, dtype=np.int64).reshape(len(techs), len(jobs))
    everyone = np.arange(len(techs), dtype=np.int64)
    twins = _twin_classes(c)
    allowed: list[list[int]] = []
    refusals: dict[int, Refusal] = {}
    for j, job in enumerate(jobs):
        if j in c.locked:
            allowed.append([c.locked[j]])
            continue
        windows = c.job_windows[j]
        pinned = tech_index.get(job.pinned_technician_id) if job.pinned_technician_id else None
        candidates = np.array([pinned], dtype=np.int64) if pinned is not None else everyone
        if job.allowed_technician_ids is not None:
            may = job.allowed_technician_ids
            candidates = candidates[[techs[v].id in may for v in candidates.tolist()]]
        skilled = tables.skilled(job, candidates)
        if job.required_parts:
            short = tables.shortfall(job, skilled)
            needs_pickup: np.ndarray = np.any(short, axis=1)
            covering = tables.covering(job, short)
            stocked = skilled[~needs_pickup | covering.any(axis=1)]
        else:
            needs_pickup = np.zeros(len(skilled), dtype=bool)
            covering = np.zeros((len(skilled), 0), dtype=bool)
            stocked = skilled
        reachable: list[int] = []
        if windows and len(stocked):
            row = c.job_row[j]
            first_open, last_start = windows[0][0], windows[-1][1]
            after = service_of[skilled, j] + times[row, end_rows[skilled]]
            # Straight from home.
            arrive = shift_start[skilled] + times[start_rows[skilled], row]
            direct: np.ndarray = ~needs_pickup & (arrive <= last_start)
            direct &= np.maximum(arrive, first_open) + after <= latest_end[skilled]
            # Through a depot that holds what the van lacks (technicians x depots).
            through: np.ndarray = np.zeros((len(skilled), 0), dtype=bool)
            via: np.ndarray = np.zeros((len(skilled), 0), dtype=np.int64)
            if needs_pickup.any():
                at_depot = tables.at_depot[skilled]
                via = at_depot + (tables.pickup + times[tables.depot_rows, row])[None, :]
                through = covering & needs_pickup[:, None] & (at_depot <= tables.depot_close[None, :])
                through &= via <= last_start
                through &= np.maximum(via, first_open) + after[:, None] <= latest_end[skilled][:, None]
            verdicts: dict[int, bool] = {}  # per twin class: technicians alike in every respect share one
            for k, v in enumerate(skilled.tolist()):
                twin = twins[v]
                if twin not in verdicts:
                    if direct[k]:
                        verdicts[twin] = schedule(c, v, [j], stock) is not None
                    elif needs_pickup[k]:
                        depots = np.nonzero(through[k])[0]
                        depots = depots[np.argsort(via[k, depots], kind="stable")]
                        verdicts[twin] = any(
                            schedule(c, v, [depot_stop(int(d)), j], stock) is not None for d in depots
                        )
                    else:
                        verdicts[twin] = False
                if verdicts[twin]:
                    reachable.append(v)
        allowed.append(reachable)
        if reachable:
            continue
        refusals[j] = _refusal(
            c, job, pinned, len(candidates), skilled.tolist(), stocked.tolist(), bool(windows)
        )
    return Reach(allowed, refusals, stock)


def _refusal(
    c: Compiled,
    job: Job,
    pinned: int | None,
    candidates: int,
    skilled: list[int],
    stocked: list[int],
    has_window: bool,
) -> Refusal:
    needs = ", ".join(f"{s}>={lv}" for s, lv in job.required_skills.items()) or "none"
    parts = ", ".join(f"{q} x {s}" for s, q in job.required_parts.items())
    if pinned is not None:
        name = c.problem.technicians[pinned].id
        if not candidates:
            return Refusal(
                UnassignedReason.PINNED_TECHNICIAN_UNABLE,
                f"pinned technician {name} is not among those allowed to take it",
            )
        if not skilled:
            return Refusal(
                UnassignedReason.PINNED_TECHNICIAN_UNABLE,
                f"pinned technician {name} lacks the skills ({needs})",
            )
        if not stocked:
            return Refusal(
                UnassignedReason.PINNED_TECHNICIAN_UNABLE, f"pinned technician {name} cannot get {parts}"
            )
        return Refusal(
            UnassignedReason.PINNED_TECHNICIAN_UNABLE,
            f"pinned technician {name} cannot reach it inside their shift and its windows",
        )
    if not candidates:
        return Refusal(
            UnassignedReason.NO_TECHNICIAN_ON_SHIFT,
            "no technician on shift may take it"
            + ("" if c.problem.technicians else ": nobody works in this plan"),
        )
    if not skilled:
        return Refusal(UnassignedReason.NO_SKILLED_TECHNICIAN, f"no technician has the skills ({needs})")
    if not stocked:
        return Refusal(
            UnassignedReason.NO_PARTS,
            f"{len(skilled)} skilled technicians, but none carries {parts} and no depot holds what they lack",
        )
    if not has_window:
        if c.params.hard_sla and job.sla_due_s is not None and job.start_windows(c.problem.horizon):
            return Refusal(
                UnassignedReason.SLA_UNREACHABLE,
                f"its SLA due time {job.sla_due_s} is before every window it may start in",
            )
        return Refusal(
            UnassignedReason.OUT_OF_REACH, "none of its time windows lies inside the planning horizon"
        )
    return Refusal(
        UnassignedReason.OUT_OF_REACH,
        f"{len(stocked)} technicians have the skills and parts,"
        " but none can reach it inside their shift and its windows",
    )


def groups(allowed: list[list[int]], n_vehicles: int) -> list[tuple[list[int], list[int]]]:
    """Independent (vehicles, jobs) groups: vehicles are joined when some job may go to both."""
    parent = list(range(n_vehicles))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for vehicles in allowed:
        for v in vehicles[1:]:
            a, b = find(vehicles[0]), find(v)
            if a != b:
                parent[max(a, b)] = min(a, b)
    by_root: dict[int, tuple[list[int], list[int]]] = {}
    for j, vehicles in enumerate(allowed):
        if vehicles:
            by_root.setdefault(find(vehicles[0]), ([], []))[1].append(j)
    for v in range(n_vehicles):
        root = find(v)
        if root in by_root:
            by_root[root][0].append(v)
    return [by_root[r] for r in sorted(by_root)]
